/**
 * Conv1D over each sequence of a ragged batch: `filters` filters of `width` positions, stride 1, output the same
 * length as the input ("same" convolution), zero padding at each sequence's edges (a sequence never sees its
 * neighbour's rows):
 *   y[t] = g(b + Σ_{j<width} x[t + j − left] · W_j),  left = ⌊(width − 1)/2⌋, x outside the sequence = 0.
 * Computed as im2col + Dense: each output row's input window [x[t−left]; …; x[t−left+width−1]] is copied into
 * one row of a [T, width·inputDim] matrix (on the host: one copy per value, like ConcatWindow), which a Dense
 * layer (its W is [width·inputDim, filters], position-major rows) maps to [T, filters] in one BLAS product.
 * Backward is Dense's backward and the transpose of the copy (col2im: each window slot's gradient added back to
 * the row it came from). Output rows line up with the input's, so the input's lengths still describe them.
 */
import { tf, Rng } from '@window-ner/tensor';
import type { DenseParam, ForwardContext, ForwardResult, Layer } from '../core/types.js';
import { checkPositiveInt } from '../core/errors.js';
import { Dense } from './dense.js';
import { defaultName } from './naming.js';
import { checkRagged, type Ragged } from './ragged.js';

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
  /** Initializer name for W (default xavierUniform over [width·inputDim, filters]). */
  kernelInitializer?: string;
  useBias?: boolean;
}

export class Conv1D implements Layer<Ragged, tf.Tensor> {
  readonly name: string;
  readonly width: number;
  /** Padding rows before a sequence: the filter's centre (left of centre for an even width). */
  readonly left: number;
  /** The per-window product: W [width·inputDim, filters], b [filters]. */
  readonly dense: Dense;

  constructor(readonly config: Conv1DConfig, rng: Rng = new Rng()) {
    this.name = config.name ?? defaultName('conv1d');
    const where = `Conv1D "${this.name}"`;
    checkPositiveInt(where, 'inputDim', config.inputDim);
    checkPositiveInt(where, 'filters', config.filters);
    this.width = checkPositiveInt(where, 'width', config.width);
    this.left = Math.floor((this.width - 1) / 2);
    this.dense = new Dense(
      {
        name: this.name,
        inputDim: this.width * config.inputDim,
        units: config.filters,
        activation: config.activation,
        kernelInitializer: config.kernelInitializer,
        useBias: config.useBias,
      },
      rng,
    );
  }

  forward(x: Ragged, ctx: ForwardContext): ForwardResult {
    const C = this.config.inputDim;
    const starts = checkRagged(`Conv1D "${this.name}"`, x, C);
    const T = starts[x.lengths.length];
    if (T === 0) return { y: tf.zeros([0, this.config.filters]), backward: () => tf.zeros([0, C]) };
    const K = this.width * C;
    const cols = new Float32Array(T * K);
    im2col(x.data.dataSync() as Float32Array, cols, x.lengths, starts, this.width, this.left, C, true);
    const r = this.dense.forward(tf.tensor2d(cols, [T, K]), ctx);
    return {
      y: r.y,
      backward: (dy) => {
        const dcols = r.backward(dy).dataSync() as Float32Array;
        const dx = new Float32Array(T * C);
        im2col(dx, dcols, x.lengths, starts, this.width, this.left, C, false);
        return tf.tensor2d(dx, [T, C]);
      },
    };
  }

  params(): DenseParam[] {
    return this.dense.params();
  }

  getConfig() {
    const d = this.dense.getConfig();
    return {
      type: 'conv1d',
      name: this.name,
      inputDim: this.config.inputDim,
      filters: this.config.filters,
      width: this.width,
      activation: d.activation,
      kernelInitializer: d.kernelInitializer,
      useBias: d.useBias,
    };
  }
}

/**
 * im2col (`forward` true): cols[row t, slot j] = x[t + j − left] within t's sequence (slots outside it stay 0).
 * Its transpose (`forward` false): x[t + j − left] += cols[row t, slot j], the gradient of the copy.
 */
function im2col(x: Float32Array, cols: Float32Array, lengths: Int32Array, starts: Int32Array, width: number, left: number, C: number, forward: boolean): void {
  const K = width * C;
  for (let s = 0; s < lengths.length; s++) {
    const a = starts[s];
    const n = lengths[s];
    for (let t = 0; t < n; t++) {
      const row = (a + t) * K;
      // Slots j whose source t + j − left lies inside the sequence.
      const j0 = Math.max(0, left - t);
      const j1 = Math.min(width, n - t + left);
      for (let j = j0; j < j1; j++) {
        const src = (a + t + j - left) * C;
        const dst = row + j * C;
        if (forward) for (let c = 0; c < C; c++) cols[dst + c] = x[src + c];
        else for (let c = 0; c < C; c++) x[src + c] += cols[dst + c];
      }
    }
  }
}
