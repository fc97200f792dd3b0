/**
 * Softmax cross-entropy on logits [n, k] with integer labels: L = −(1/n) Σ log softmax(z)_y,
 * dL/dz = (softmax(z) − onehot(y)) / n. Fused so it is stable (logSoftmax) and needs no Softmax layer.
 */
import { tf } from '@window-ner/tensor';
import type { Loss } from '../core/types.js';
import { NnError, shapeMismatch } from '../core/errors.js';

export type Labels = Int32Array | number[] | tf.Tensor1D;

export const softmaxCrossEntropy: Loss<Labels> = {
  name: 'softmaxCrossEntropy',
  compute(logits, labels) {
    if (logits.rank !== 2) throw shapeMismatch('softmaxCrossEntropy logits', '[n, k]', logits.shape);
    const [n, k] = logits.shape as [number, number];
    const y = labels instanceof tf.Tensor ? labels : tf.tensor1d(Int32Array.from(labels), 'int32');
    if (y.shape[0] !== n) throw new NnError(`softmaxCrossEntropy: ${y.shape[0]} labels for ${n} rows of logits`);
    if (!(labels instanceof tf.Tensor)) {
      for (let i = 0; i < labels.length; i++) {
        const l = labels[i];
        if (!(Number.isInteger(l) && l >= 0 && l < k)) throw new NnError(`softmaxCrossEntropy: label ${l} at row ${i} is outside [0, ${k})`);
      }
    }
    const onehot = tf.oneHot(tf.cast(y, 'int32'), k);
    const logp = tf.logSoftmax(logits);
    const loss = tf.neg(tf.div(tf.sum(tf.mul(onehot, logp)), n)) as tf.Scalar;
    const grad = tf.div(tf.sub(tf.exp(logp), onehot), n);
    return { loss, grad };
  },
};
