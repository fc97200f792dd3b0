/**
 * Conv1D over each sequence of a ragged batch: `filters` filters of `width` positions, stride 1, output the same
 * length as the input ("same" convolution), zero padding at each sequence's edges (a sequence never sees its
 * neighbour's rows):
 *   y[t] = g(b + Σ_{j<width} x[t + j − left] · W_j),  left = ⌊(width − 1)/2⌋, x outside the sequence = 0.
 * Computed as "project, then shift and add": one product P = X·[W_0 … W_{width−1}] (nn's Dense, no bias, W is
 * [inputDim, width·filters], block j = W_j), then each output row sums block j of the projected row it reads at
 * offset j (host loop). The input may name its rows through `index` (position t reads data row index[t]): a
 * batch of character ids then projects each distinct character once, not once per occurrence, which is most of
 * the cost of a character CNN. Backward is the transpose: dP gathers the output gradients back into (row, block),
 * then Dense's backward gives dW and dX (one row per data row).
 */
import { tf, Rng } from '@window-ner/tensor';
import type { DenseParam, ForwardContext, ForwardResult, Layer } from '../core/types.js';
import { denseParam, accumulateDenseGrad, setParamValues } from '../core/params.js';
import { NnError, checkPositiveInt } from '../core/errors.js';
import { getActivation, type Activation } from '../activations/activations.js';
import { initializers } from '../initializers/initializers.js';
import { Dense } from './dense.js';
import { defaultName } from './naming.js';
import { raggedStarts, type Ragged } from './ragged.js';

export interface Conv1DConfig {
  type?: 'conv1d';
  name?: string;
  /** Width of an input row (channels). */
  inputDim: number;
  /** Number of filters: the width of an output row. */
  filters: number;
  /** Positions a filter spans. */
  width: number;
  /** Activation after the bias (registry name); default linear. */
  activation?: string;
  /** Initializer name for W (default xavierUniform, with the fans of one window: width·inputDim in, filters out). */
  kernelInitializer?: string;
  useBias?: boolean;
}

/** A ragged batch whose positions may read shared rows: position t is data row index[t] (identity when absent). */
export interface IndexedRagged extends Ragged {
  index?: Int32Array;
}

export class Conv1D implements Layer<IndexedRagged, tf.Tensor> {
  readonly name: string;
  readonly width: number;
  readonly filters: number;
  /** Padding rows before a sequence: the filter's centre (left of centre for an even width). */
  readonly left: number;
  /** The projection X·[W_0 … W_{width−1}]: its W [inputDim, width·filters] is this layer's `<name>/W`. */
  readonly projection: Dense;
  readonly b: DenseParam | null;
  private readonly act: Activation;

  constructor(readonly config: Conv1DConfig, rng: Rng = new Rng()) {
    this.name = config.name ?? defaultName('conv1d');
    const where = `Conv1D "${this.name}"`;
    checkPositiveInt(where, 'inputDim', config.inputDim);
    this.filters = checkPositiveInt(where, 'filters', config.filters);
    this.width = checkPositiveInt(where, 'width', config.width);
    this.left = Math.floor((this.width - 1) / 2);
    this.act = getActivation(config.activation);
    const C = config.inputDim;
    const F = this.filters;
    // Initialised as one [width·inputDim, filters] window matrix (its true fans), stored block by block.
    const w = initializers.get(config.kernelInitializer ?? 'xavierUniform')([this.width * C, F], rng);
    const blocks = new Float32Array(C * this.width * F);
    for (let j = 0; j < this.width; j++) for (let c = 0; c < C; c++) for (let f = 0; f < F; f++) blocks[c * this.width * F + j * F + f] = w[(j * C + c) * F + f];
    this.projection = new Dense({ name: this.name, inputDim: C, units: this.width * F, useBias: false, kernelInitializer: 'zeros' });
    setParamValues(this.projection.W, blocks);
    this.b = (config.useBias ?? true) ? denseParam(`${this.name}/b`, tf.zeros([F]), { regularize: false }) : null;
  }

  forward(x: IndexedRagged, ctx: ForwardContext): ForwardResult {
    const C = this.config.inputDim;
    const F = this.filters;
    const WF = this.width * F;
    const starts = raggedStarts(x.lengths);
    const T = starts[x.lengths.length];
    const R = x.data.shape[0];
    if (x.data.rank !== 2 || x.data.shape[1] !== C) throw new NnError(`Conv1D "${this.name}": input data has shape [${x.data.shape}], expected [rows, ${C}]`);
    const index = x.index ?? null;
    if (index ? index.length !== T : R !== T) {
      throw new NnError(`Conv1D "${this.name}": ${index ? `index has ${index.length} entries` : `data has ${R} rows`} for ${T} positions (Σ lengths)`);
    }
    if (index) for (let t = 0; t < T; t++) if (!(index[t] >= 0 && index[t] < R)) throw new NnError(`Conv1D "${this.name}": index[${t}] = ${index[t]} is outside [0, ${R})`);
    const p = this.projection.forward(x.data, ctx);
    const P = R > 0 ? (p.y.dataSync() as Float32Array) : new Float32Array(0);
    const z = new Float32Array(T * F);
    if (this.b) {
      const b = this.b.value.dataSync() as Float32Array;
      for (let t = 0; t < T; t++) for (let f = 0; f < F; f++) z[t * F + f] = b[f];
    }
    const taps = this.taps(x.lengths, starts, index, WF, F);
    for (let i = 0; i < taps.length; i += 2) {
      const o = taps[i];
      const s = taps[i + 1];
      for (let f = 0; f < F; f++) z[o + f] += P[s + f];
    }
    const zt = tf.tensor2d(z, [T, F]);
    const linear = this.act.name === 'linear';
    const y = linear ? zt : this.act.fn(zt);
    return {
      y,
      backward: (dy) => {
        const dz = linear ? dy : tf.mul(dy, this.act.derivative(zt, y));
        const g = dz.dataSync() as Float32Array;
        if (this.b) {
          // On the host: tfjs cpu's sum over axis 0 transposes the whole [T, F] gradient first.
          const db = new Float32Array(F);
          for (let t = 0; t < T; t++) for (let f = 0; f < F; f++) db[f] += g[t * F + f];
          accumulateDenseGrad(this.b, tf.tensor1d(db));
        }
        const dP = new Float32Array(R * WF);
        for (let i = 0; i < taps.length; i += 2) {
          const o = taps[i];
          const s = taps[i + 1];
          for (let f = 0; f < F; f++) dP[s + f] += g[o + f];
        }
        return p.backward(tf.tensor2d(dP, [R, WF]));
      },
    };
  }

  /**
   * Every tap whose source lies inside its sequence, as pairs (offset of the output row in z, offset of block j of
   * the projected row it reads in P), computed once and walked by forward and backward.
   */
  private taps(lengths: Int32Array, starts: Int32Array, index: Int32Array | null, WF: number, F: number): Int32Array {
    const { width, left } = this;
    const T = starts[lengths.length];
    const out = new Int32Array(2 * T * width);
    let k = 0;
    for (let s = 0; s < lengths.length; s++) {
      const a = starts[s];
      const n = lengths[s];
      for (let t = 0; t < n; t++) {
        const j1 = Math.min(width, n - t + left);
        for (let j = Math.max(0, left - t); j < j1; j++) {
          const src = a + t + j - left;
          out[k++] = (a + t) * F;
          out[k++] = (index ? index[src] : src) * WF + j * F;
        }
      }
    }
    return out.subarray(0, k);
  }

  params(): DenseParam[] {
    return this.b ? [this.projection.W, this.b] : [this.projection.W];
  }

  getConfig() {
    return {
      type: 'conv1d',
      name: this.name,
      inputDim: this.config.inputDim,
      filters: this.filters,
      width: this.width,
      activation: this.act.name,
      kernelInitializer: this.config.kernelInitializer ?? 'xavierUniform',
      useBias: this.b !== null,
    };
  }
}
