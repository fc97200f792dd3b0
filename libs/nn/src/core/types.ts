/**
 * The contracts every nn piece is written against (thinc-style: a layer's forward returns its output and a
 * backprop closure). Implementations live one folder per concept: layers/, activations/, initializers/,
 * optimizers/, losses/, regularizers/, train/, gradcheck/.
 *
 * Memory: forward/backward create tfjs tensors; callers run a whole step inside tf.tidy() and keep only what
 * must outlive it (parameters are tf.Variables, updated with assign(), so they survive).
 */
import type { tf, Rng } from '@window-ner/tensor';

/** A dense trainable parameter. `grad` accumulates across backward calls until the optimizer consumes it. */
export interface DenseParam {
  kind: 'dense';
  /** Unique within a model, e.g. "hidden0/W". Used as the key in saved weights. */
  name: string;
  value: tf.Variable;
  grad: tf.Tensor | null;
  /** Weight decay / L1 / L2 apply only when true: weights yes, biases and norm gains never. */
  regularize: boolean;
  trainable: boolean;
}

/**
 * A row-sparse parameter (embedding table) kept in a JS Float32Array so one step touches only the rows in
 * the batch and never costs time proportional to the whole table.
 */
export interface SparseParam {
  kind: 'sparse';
  name: string;
  table: Float32Array;
  rows: number;
  dim: number;
  /** Row ids touched since the last step (unique) and their summed gradients, rows.length * dim values. */
  gradRows: Int32Array | null;
  grad: Float32Array | null;
  regularize: boolean;
  trainable: boolean;
  /**
   * Row gradients produced by backward() as tensors and not yet read to the host (reading inside tf.tidy is
   * forbidden, so layers queue them here; `flushSparseGrad` in core/params merges them into gradRows/grad).
   * Each entry's rows are unique and grad is kept (outside any tidy scope): without `segment` grad is
   * [rows.length, dim]; with it grad has one row per looked-up position i, which belongs to rows[segment[i]]
   * (duplicates are summed on the host at flush — cheaper than any tensor segment-sum on the cpu backend).
   */
  pending?: { rows: Int32Array; grad: tf.Tensor; segment?: Int32Array }[];
}

export type Param = DenseParam | SparseParam;

export interface ForwardContext {
  training: boolean;
  rng: Rng;
}

export interface ForwardResult<Y = tf.Tensor, DX = tf.Tensor> {
  y: Y;
  /** Given dL/dy, accumulate parameter gradients and return dL/dx. */
  backward: (dy: tf.Tensor) => DX;
}

export interface LayerConfig {
  /** Registry name of the layer class, e.g. "dense". */
  type: string;
  [key: string]: unknown;
}

export interface Layer<X = tf.Tensor, DX = tf.Tensor> {
  readonly name: string;
  forward(x: X, ctx: ForwardContext): ForwardResult<tf.Tensor, DX>;
  params(): Param[];
  /** JSON config: with the registry, enough to rebuild the layer (weights are saved separately). */
  getConfig(): LayerConfig;
}

/** A layer of any input/dx type (an Embedding takes Int32Array ids and returns no dx). */
export type AnyLayer = Layer<any, any>;

/** A per-element update rule applied by the optimizer to dense tensors and to gathered sparse rows alike. */
export interface Optimizer {
  readonly name: string;
  /** Learning rate; writable so a schedule can change it between steps. */
  lr: number;
  /**
   * Apply and clear the gradients of every trainable param. `l2` is added to the gradient of params with
   * regularize=true only; `clipNorm` > 0 clips by the global norm over all params. Returns the global gradient
   * norm before clipping when clipping is on (RuleOptimizer returns 0 when it is off).
   */
  step(params: Param[], opts?: { l2?: number; clipNorm?: number }): number | void;
  getConfig(): { type: string; [key: string]: unknown };
}

export interface Loss<Target = tf.Tensor> {
  readonly name: string;
  /** Mean loss over the batch and dL/dprediction. */
  compute(prediction: tf.Tensor, target: Target): { loss: tf.Scalar; grad: tf.Tensor };
}
