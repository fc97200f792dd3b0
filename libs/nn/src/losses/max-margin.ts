/**
 * Max-margin (hinge) ranking loss of CS224n: for each true window with score s_t and k corrupt windows with
 * scores s_c, J = (1/n) Σ_i Σ_j max(0, Δ − s_t[i] + s_c[i, j]), Δ = 1 by default.
 * Where a term is active (Δ − s_t + s_c > 0): dJ/ds_c = 1/n, and dJ/ds_t = −(active count)/n.
 * An optional 0/1 `mask` [n, k] keeps only some terms (e.g. multi-class margins: the corrupt scores are every
 * class's score on the true example, and the true class's own column is masked out).
 */
import { tf } from '@window-ner/tensor';
import type { Loss } from '../core/types.js';
import { checkRate, shapeMismatch } from '../core/errors.js';

export interface MaxMarginResult {
  loss: tf.Scalar;
  gradTrue: tf.Tensor1D;
  gradCorrupt: tf.Tensor2D;
}

/** trueScores [n] (or [n, 1]), corruptScores [n, k], mask (optional) [n, k] of 0/1. */
export function maxMarginLoss(trueScores: tf.Tensor, corruptScores: tf.Tensor, margin = 1, mask?: tf.Tensor): MaxMarginResult {
  checkRate('maxMargin', 'margin', margin);
  if (corruptScores.rank !== 2) throw shapeMismatch('maxMargin corruptScores', '[n, k]', corruptScores.shape);
  const n = corruptScores.shape[0];
  if (trueScores.size !== n) throw shapeMismatch('maxMargin trueScores', `[${n}] (one per row of corruptScores)`, trueScores.shape);
  const st = tf.reshape(trueScores, [n, 1]);
  if (mask && mask.shape.join() !== corruptScores.shape.join()) throw shapeMismatch('maxMargin mask', `[${corruptScores.shape}] (corruptScores' shape)`, mask.shape);
  const margins = tf.add(tf.sub(corruptScores, st), margin);
  const positive = tf.cast(tf.greater(margins, 0), 'float32');
  const active = mask ? tf.mul(positive, mask) : positive;
  const loss = tf.div(tf.sum(tf.mul(margins, active)), n) as tf.Scalar;
  const gradCorrupt = tf.div(active, n) as tf.Tensor2D;
  const gradTrue = tf.neg(tf.sum(gradCorrupt, 1)) as tf.Tensor1D;
  return { loss, gradTrue, gradCorrupt };
}

/**
 * The same loss behind the Loss interface: prediction is [n, 1 + k] with the true score in column 0 and the
 * corrupt scores after it; target is the margin Δ (a number, default 1).
 */
export const maxMargin: Loss<number | undefined> = {
  name: 'maxMargin',
  compute(prediction, margin) {
    if (prediction.rank !== 2 || prediction.shape[1]! < 2) throw shapeMismatch('maxMargin prediction', '[n, 1 + k] (k >= 1)', prediction.shape);
    const [n, cols] = prediction.shape as [number, number];
    const [t, c] = tf.split(prediction, [1, cols - 1], 1);
    const r = maxMarginLoss(t, c, margin ?? 1);
    return { loss: r.loss, grad: tf.concat([tf.reshape(r.gradTrue, [n, 1]), r.gradCorrupt], 1) };
  },
};
