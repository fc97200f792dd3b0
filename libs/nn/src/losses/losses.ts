/**
 * Losses: each returns the batch-mean loss and dL/dprediction in closed form (no autodiff tape).
 *   softmaxCrossEntropy  logits [n, C], integer labels       grad = (softmax - onehot) / n
 *   maxMargin            scores [n, 1+k]: column 0 the true window's score, 1..k its corrupt windows;
 *                        J = mean_n Σ_k max(0, Δ - s_true + s_corrupt), Δ = margin (default 1)
 *   meanSquaredError     prediction and target of one shape   grad = 2 (p - t) / N
 */
import { tf, Registry } from '@window-ner/tensor';
import { NnError, shapeMismatch, checkRate } from '../core/errors';
import type { Loss } from '../core/types';

export class SoftmaxCrossEntropy implements Loss<Int32Array> {
  readonly name = 'softmaxCrossEntropy';

  compute(logits: tf.Tensor, labels: Int32Array): { loss: tf.Scalar; grad: tf.Tensor } {
    if (logits.rank !== 2) throw shapeMismatch('softmaxCrossEntropy logits', '[n, classes]', logits.shape);
    const [n, C] = logits.shape as [number, number];
    if (labels.length !== n) throw new NnError(`softmaxCrossEntropy: ${labels.length} labels for ${n} rows of logits`);
    for (let i = 0; i < n; i++) {
      if (!(labels[i] >= 0 && labels[i] < C)) throw new NnError(`softmaxCrossEntropy: label ${labels[i]} at row ${i} is outside [0, ${C})`);
    }
    return tf.tidy(() => {
      const onehot = tf.oneHot(tf.tensor1d(labels, 'int32'), C).toFloat();
      const logp = tf.logSoftmax(logits);
      const loss = tf.neg(tf.div(tf.sum(tf.mul(onehot, logp)), n)) as tf.Scalar;
      const grad = tf.div(tf.sub(tf.exp(logp), onehot), n);
      return { loss, grad };
    });
  }
}

export interface MaxMarginOptions {
  /** Δ in max(0, Δ - s_true + s_corrupt). */
  margin?: number;
}

export class MaxMargin implements Loss<unknown> {
  readonly name = 'maxMargin';
  readonly margin: number;

  constructor(opts: MaxMarginOptions = {}) {
    this.margin = opts.margin === undefined ? 1 : checkRate('maxMargin', 'margin', opts.margin);
  }

  /** scores [n, 1+k]: column 0 true, the rest corrupt. */
  compute(scores: tf.Tensor): { loss: tf.Scalar; grad: tf.Tensor } {
    if (scores.rank !== 2 || (scores.shape[1] as number) < 2) throw shapeMismatch('maxMargin scores', '[n, 1 + k] with k >= 1', scores.shape);
    const k = (scores.shape[1] as number) - 1;
    return tf.tidy(() => {
      const [sTrue, sCorrupt] = tf.split(scores, [1, k], 1);
      const r = this.pair(sTrue.reshape([-1]), sCorrupt);
      return { loss: r.loss, grad: tf.concat([r.gradTrue.reshape([-1, 1]), r.gradCorrupt], 1) };
    });
  }

  /** True scores [n] and corrupt scores [n, k] given separately; a gradient for each. */
  pair(sTrue: tf.Tensor, sCorrupt: tf.Tensor): { loss: tf.Scalar; gradTrue: tf.Tensor; gradCorrupt: tf.Tensor } {
    if (sTrue.rank !== 1) throw shapeMismatch('maxMargin true scores', '[n]', sTrue.shape);
    if (sCorrupt.rank !== 2 || sCorrupt.shape[0] !== sTrue.shape[0]) throw shapeMismatch('maxMargin corrupt scores', `[${sTrue.shape[0]}, k]`, sCorrupt.shape);
    const n = sTrue.shape[0];
    return tf.tidy(() => {
      const hinge = tf.add(tf.sub(sCorrupt, sTrue.reshape([-1, 1])), this.margin);
      const active = tf.cast(tf.greater(hinge, 0), 'float32');
      const loss = tf.div(tf.sum(tf.relu(hinge)), n) as tf.Scalar;
      const gradCorrupt = tf.div(active, n);
      const gradTrue = tf.neg(tf.sum(gradCorrupt, 1));
      return { loss, gradTrue, gradCorrupt };
    });
  }
}

export class MeanSquaredError implements Loss<tf.Tensor> {
  readonly name = 'meanSquaredError';

  compute(prediction: tf.Tensor, target: tf.Tensor): { loss: tf.Scalar; grad: tf.Tensor } {
    if (prediction.shape.join() !== target.shape.join()) throw shapeMismatch('meanSquaredError target', `[${prediction.shape.join(', ')}] (the prediction's shape)`, target.shape);
    return tf.tidy(() => {
      const diff = tf.sub(prediction, target);
      const N = prediction.size;
      return { loss: tf.div(tf.sum(tf.square(diff)), N) as tf.Scalar, grad: tf.mul(diff, 2 / N) };
    });
  }
}

export type LossFactory = (options?: Record<string, unknown>) => Loss<never>;

export const losses = new Registry<LossFactory>('loss');
losses.register('softmaxCrossEntropy', () => new SoftmaxCrossEntropy() as Loss<never>);
losses.register('maxMargin', (o) => new MaxMargin(o as MaxMarginOptions) as Loss<never>);
losses.register('meanSquaredError', () => new MeanSquaredError() as Loss<never>);
losses.register('mse', () => new MeanSquaredError() as Loss<never>);

/** A loss from its config: 'mse' or { type: 'maxMargin', margin: 1 }. */
export function createLoss<T = unknown>(config: string | { type: string; [k: string]: unknown }): Loss<T> {
  const c = typeof config === 'string' ? { type: config } : config;
  return losses.get(c.type)(c) as unknown as Loss<T>;
}
