/**
 * Shared maths of BatchNorm and LayerNorm: normalise along one axis of [n, d] and backprop through it.
 * With x̂ = (x − μ)/σ over m values along `axis` and g = dL/dx̂:
 *   dx = (1/σ) · (g − mean(g) − x̂ · mean(g ⊙ x̂))   (means along the same axis)
 */
import { tf } from '@window-ner/tensor';

export interface Normalized {
  xhat: tf.Tensor;
  invStd: tf.Tensor;
  mean: tf.Tensor;
  variance: tf.Tensor;
}

export function normalize(x: tf.Tensor, axis: number, eps: number): Normalized {
  const { mean, variance } = tf.moments(x, axis, true);
  const invStd = tf.rsqrt(tf.add(variance, eps));
  return { xhat: tf.mul(tf.sub(x, mean), invStd), invStd, mean, variance };
}

export function normalizeBackward(g: tf.Tensor, xhat: tf.Tensor, invStd: tf.Tensor, axis: number): tf.Tensor {
  const meanG = tf.mean(g, axis, true);
  const meanGX = tf.mean(tf.mul(g, xhat), axis, true);
  return tf.mul(invStd, tf.sub(tf.sub(g, meanG), tf.mul(xhat, meanGX)));
}
