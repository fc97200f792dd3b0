/** Mean squared error over all elements: L = (1/N) Σ (p − t)², dL/dp = 2 (p − t) / N. */
import { tf } from '@window-ner/tensor';
import type { Loss } from '../core/types.js';
import { shapeMismatch } from '../core/errors.js';

export const meanSquaredError: Loss<tf.Tensor> = {
  name: 'meanSquaredError',
  compute(prediction, target) {
    if (prediction.shape.join() !== target.shape.join()) {
      throw shapeMismatch('meanSquaredError target', `[${prediction.shape.join(', ')}] (the prediction's shape)`, target.shape);
    }
    const diff = tf.sub(prediction, target);
    const N = prediction.size;
    return { loss: tf.div(tf.sum(tf.square(diff)), N) as tf.Scalar, grad: tf.mul(diff, 2 / N) };
  },
};
