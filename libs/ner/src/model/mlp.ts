/**
 * The scoring network of the window model: hidden layers a = g(W x + b) (with inverted dropout) and a linear
 * output layer s = Uᵀ a + c, one score per class. Forward returns the scores and a backprop closure that
 * accumulates parameter gradients and returns dL/dx (needed for the sparse embedding update).
 *
 * Written with tfjs ops directly so a whole step is a handful of kernels (matMuls go to the native BLAS
 * kernels when the backend has them) and gradients come from closed forms, not tape autodiff.
 */
import { tf, type Rng } from '@window-ner/tensor';
import { getActivation } from '@window-ner/nn';
import type { DenseParam } from '@window-ner/nn';

export interface MlpConfig {
  inputDim: number;
  hidden: number[];
  outputDim: number;
  activation: string;
  /** Drop probability of inverted dropout after each hidden layer. */
  dropout: number;
}

interface DenseLayer {
  W: DenseParam;
  b: DenseParam;
}

export const ACTIVATIONS = ['tanh', 'sigmoid', 'relu', 'leakyRelu', 'hardTanh'] as const;

export function activate(name: string, z: tf.Tensor2D): tf.Tensor2D {
  switch (name) {
    case 'tanh':
      return tf.tanh(z);
    case 'sigmoid':
      return tf.sigmoid(z);
    case 'relu':
      return tf.relu(z);
    case 'leakyRelu':
      return tf.leakyRelu(z, 0.01);
    case 'hardTanh':
      return tf.clipByValue(z, -1, 1);
    default:
      throw new Error(`unknown activation "${name}"; known: ${ACTIVATIONS.join(', ')}`);
  }
}

/** g'(z) expressed through the output a = g(z), so the forward pass need not keep z. */
function activationGrad(name: string, a: tf.Tensor2D, da: tf.Tensor2D): tf.Tensor2D {
  switch (name) {
    case 'tanh':
      return tf.mul(da, tf.sub(1, tf.square(a)));
    case 'sigmoid':
      return tf.mul(da, tf.mul(a, tf.sub(1, a)));
    case 'relu':
      return tf.mul(da, tf.step(a));
    case 'leakyRelu':
      return tf.mul(da, tf.where(tf.greater(a, 0), tf.onesLike(a), tf.fill(a.shape, 0.01)));
    case 'hardTanh':
      return tf.mul(da, tf.cast(tf.less(tf.abs(a), 1), 'float32'));
    default:
      throw new Error(`unknown activation "${name}"`);
  }
}

/** g'(z) from a = g(z) on host arrays (nn's backwardHost), times the dropout mask when there is one. */
function activationGradHost(name: string, a: Float32Array, da: Float32Array, mask: Float32Array | null, out: Float32Array): void {
  getActivation(name).backwardHost(a, da, out);
  if (mask) for (let i = 0; i < out.length; i++) out[i] *= mask[i];
}

/**
 * Inverted-dropout masks (0 or 1/keep) cut from one pre-drawn pool at a random offset: drawing ~80k uniforms per
 * step cost more than the matMuls, and windows of a shuffled batch make the slices' overlap across steps
 * irrelevant to training.
 */
class DropoutMasks {
  private pool: Float32Array | null = null;

  constructor(private readonly drop: number) {}

  take(n: number, rng: Rng): Float32Array {
    const size = Math.max(1 << 21, 2 * n);
    if (!this.pool || this.pool.length < size) {
      this.pool = new Float32Array(size);
      const keep = 1 - this.drop;
      for (let i = 0; i < size; i++) this.pool[i] = rng.next() < this.drop ? 0 : 1 / keep;
    }
    const off = rng.int(this.pool.length - n + 1);
    return this.pool.subarray(off, off + n);
  }
}

/** One training forward pass; backward() consumes it (all its tensors are disposed there or by dispose()). */
export interface TrainPass {
  /** Class scores, rows x C (host copy, valid after the pass is disposed). */
  scores: Float32Array;
  /** Accumulate parameter gradients from dL/dscores; returns dL/dx (rows x inputDim) unless skipInputGrad. */
  backward(dS: Float32Array, skipInputGrad?: boolean): Float32Array | null;
  dispose(): void;
}

function colSums(d: Float32Array, rows: number, cols: number): Float32Array {
  const out = new Float32Array(cols);
  for (let r = 0; r < rows; r++) {
    const o = r * cols;
    for (let c = 0; c < cols; c++) out[c] += d[o + c];
  }
  return out;
}

function param(name: string, value: tf.Tensor, regularize: boolean): DenseParam {
  return { kind: 'dense', name, value: tf.variable(value, true), grad: null, regularize, trainable: true };
}

/** Accumulate g into p.grad. `owned`: g is not in any tidy scope, so dispose it when it is merged. */
function addGrad(p: DenseParam, g: tf.Tensor, owned = false): void {
  if (p.grad) {
    const sum = tf.keep(tf.add(p.grad, g));
    p.grad.dispose();
    if (owned) g.dispose();
    p.grad = sum;
  } else {
    p.grad = owned ? g : tf.keep(g);
  }
}

export interface MlpForward {
  scores: tf.Tensor2D;
  /** Activations of each hidden layer. */
  hidden: tf.Tensor2D[];
  /** Every tensor backward() reads: return these from the tidy that ran forward(), dispose them after backward. */
  saved: tf.Tensor[];
  backward: (dS: tf.Tensor2D) => tf.Tensor2D;
}

export class Mlp {
  readonly layers: DenseLayer[] = [];
  private readonly masks: DropoutMasks;

  constructor(
    readonly config: MlpConfig,
    rng: Rng | null,
  ) {
    this.masks = new DropoutMasks(config.dropout);
    const sizes = [config.inputDim, ...config.hidden, config.outputDim];
    for (let i = 0; i + 1 < sizes.length; i++) {
      const [fanIn, fanOut] = [sizes[i], sizes[i + 1]];
      const isOut = i + 1 === sizes.length - 1;
      const name = isOut ? 'output' : `hidden${i}`;
      // Glorot-uniform weights (zeros when restoring: the saved values are assigned right after).
      const limit = Math.sqrt(6 / (fanIn + fanOut));
      const w = new Float32Array(fanIn * fanOut);
      if (rng) for (let j = 0; j < w.length; j++) w[j] = rng.uniform(-limit, limit);
      this.layers.push({ W: param(`${name}/W`, tf.tensor2d(w, [fanIn, fanOut]), true), b: param(`${name}/b`, tf.zeros([fanOut]), false) });
    }
  }

  params(): DenseParam[] {
    return this.layers.flatMap((l) => [l.W, l.b]);
  }

  /**
   * Scores for a batch. Call inside tf.tidy; backward(dScores) accumulates gradients into the params (kept
   * across the tidy) and returns dL/dx.
   */
  forward(x: tf.Tensor2D, training: boolean, rng: Rng | null): MlpForward {
    const { activation, dropout } = this.config;
    const inputs: tf.Tensor2D[] = [];
    const outs: tf.Tensor2D[] = [];
    const masks: (tf.Tensor2D | null)[] = [];
    let h = x;
    const last = this.layers.length - 1;
    for (let i = 0; i < last; i++) {
      const { W, b } = this.layers[i];
      inputs.push(h);
      const a = activate(activation, tf.add(tf.matMul(h, W.value as tf.Tensor2D), b.value) as tf.Tensor2D);
      outs.push(a);
      let mask: tf.Tensor2D | null = null;
      if (training && dropout > 0 && rng) {
        const keep = 1 - dropout;
        mask = tf.div(tf.cast(tf.greaterEqual(tf.randomUniform(a.shape, 0, 1, 'float32', rng.int(2 ** 31)), dropout), 'float32'), keep) as tf.Tensor2D;
        h = tf.mul(a, mask);
      } else {
        h = a;
      }
      masks.push(mask);
    }
    const out = this.layers[last];
    inputs.push(h);
    const scores = tf.add(tf.matMul(h, out.W.value as tf.Tensor2D), out.b.value) as tf.Tensor2D;
    const backward = (dS: tf.Tensor2D): tf.Tensor2D => {
      let d = dS;
      for (let i = last; i >= 0; i--) {
        const { W, b } = this.layers[i];
        if (i < last) {
          if (masks[i]) d = tf.mul(d, masks[i]!);
          d = activationGrad(activation, outs[i], d);
        }
        addGrad(W, tf.matMul(inputs[i], d, true, false));
        addGrad(b, tf.sum(d, 0));
        d = tf.matMul(d, W.value as tf.Tensor2D, false, true);
      }
      return d;
    };
    const saved = [...inputs, ...outs, ...masks.filter((m): m is tf.Tensor2D => m !== null)];
    return { scores, hidden: outs, saved, backward };
  }

  /**
   * The training forward/backward with the least tensor churn: fused matMul+bias, the activation, one mask
   * multiply; backward does the element-wise work (activation derivative, dropout mask, bias sums) on host
   * arrays and leaves only the matMuls to the backend. No tf.tidy: every tensor is disposed explicitly, so
   * host reads (dataSync) happen outside any tidy.
   */
  trainPass(x: Float32Array, rows: number, rng: Rng | null): TrainPass {
    const { activation, dropout } = this.config;
    const owned: tf.Tensor[] = [];
    const own = <T extends tf.Tensor>(t: T): T => {
      owned.push(t);
      return t;
    };
    const last = this.layers.length - 1;
    const inputs: tf.Tensor2D[] = [];
    const outs: tf.Tensor2D[] = [];
    const masks: (Float32Array | null)[] = [];
    let h = own(tf.tensor2d(x, [rows, this.config.inputDim]));
    for (let i = 0; i < last; i++) {
      const { W, b } = this.layers[i];
      inputs.push(h);
      const z = tf.fused.matMul({ a: h, b: W.value as tf.Tensor2D, bias: b.value });
      const a = own(activate(activation, z as tf.Tensor2D));
      z.dispose();
      outs.push(a);
      const H = a.shape[1] as number;
      const mask = rng && dropout > 0 ? this.masks.take(rows * H, rng) : null;
      masks.push(mask);
      if (mask) {
        const m = tf.tensor2d(mask, [rows, H]);
        h = own(tf.mul(a, m));
        m.dispose();
      } else h = a;
    }
    inputs.push(h);
    const out = this.layers[last];
    const s = tf.fused.matMul({ a: h, b: out.W.value as tf.Tensor2D, bias: out.b.value });
    const scores = s.dataSync() as Float32Array;
    s.dispose();
    const dispose = () => {
      for (const t of owned) t.dispose();
      owned.length = 0;
    };
    const backward = (dS: Float32Array, skipInputGrad = false): Float32Array | null => {
      let dHost = dS;
      let dCols = this.config.outputDim;
      let result: Float32Array | null = null;
      for (let i = last; i >= 0; i--) {
        const { W, b } = this.layers[i];
        const d = tf.tensor2d(dHost, [rows, dCols]);
        addGrad(W, tf.matMul(inputs[i], d, true, false), true);
        addGrad(b, tf.tensor1d(colSums(dHost, rows, dCols)), true);
        if (i === 0 && skipInputGrad) {
          d.dispose();
          break;
        }
        const da = tf.matMul(d, W.value as tf.Tensor2D, false, true);
        d.dispose();
        const daHost = da.dataSync() as Float32Array;
        da.dispose();
        if (i === 0) {
          result = daHost;
          break;
        }
        const aHost = outs[i - 1].dataSync() as Float32Array;
        const next = new Float32Array(daHost.length);
        activationGradHost(activation, aHost, daHost, masks[i - 1], next);
        dHost = next;
        dCols = outs[i - 1].shape[1] as number;
      }
      dispose();
      return result;
    };
    return { scores, backward, dispose };
  }

  dispose(): void {
    for (const p of this.params()) {
      p.value.dispose();
      p.grad?.dispose();
    }
  }
}
