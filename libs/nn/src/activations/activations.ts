/**
 * Element-wise activations. Each exposes its function and its derivative expressed through the OUTPUT a = g(z)
 * (sigmoid' = a(1-a), tanh' = 1-a², relu' = 0/1, leaky 0.01/1), so a layer's forward pass need not keep z.
 * Tensor versions serve the layers; scalar and host-array versions serve fast hand-written passes (libs/ner's
 * training pass does the activation backward in one JS loop).
 */
import { tf, Registry } from '@window-ner/tensor';

export interface ActivationFn {
  readonly name: string;
  /** a = g(z) on a tensor. */
  fn(z: tf.Tensor): tf.Tensor;
  /** g'(z) as a function of the output a = g(z), on a tensor. */
  derivative(a: tf.Tensor): tf.Tensor;
  /** a = g(z) for one number. */
  fnScalar(z: number): number;
  /** g'(z) from a = g(z) for one number. */
  derivativeScalar(a: number): number;
  /** out[i] = da[i] * g'(a[i]) on host arrays (the activation's backward, one loop). */
  backwardHost(a: Float32Array, da: Float32Array, out: Float32Array): void;
}

export const LEAKY_RELU_ALPHA = 0.01;

export const sigmoid: ActivationFn = {
  name: 'sigmoid',
  fn: (z) => tf.sigmoid(z),
  derivative: (a) => tf.mul(a, tf.sub(1, a)),
  fnScalar: (z) => 1 / (1 + Math.exp(-z)),
  derivativeScalar: (a) => a * (1 - a),
  backwardHost(a, da, out) {
    for (let i = 0; i < out.length; i++) out[i] = da[i] * a[i] * (1 - a[i]);
  },
};

export const tanh: ActivationFn = {
  name: 'tanh',
  fn: (z) => tf.tanh(z),
  derivative: (a) => tf.sub(1, tf.square(a)),
  fnScalar: (z) => Math.tanh(z),
  derivativeScalar: (a) => 1 - a * a,
  backwardHost(a, da, out) {
    for (let i = 0; i < out.length; i++) out[i] = da[i] * (1 - a[i] * a[i]);
  },
};

export const relu: ActivationFn = {
  name: 'relu',
  fn: (z) => tf.relu(z),
  // a > 0 exactly when z > 0; the subgradient at 0 is taken as 0.
  derivative: (a) => tf.step(a),
  fnScalar: (z) => (z > 0 ? z : 0),
  derivativeScalar: (a) => (a > 0 ? 1 : 0),
  backwardHost(a, da, out) {
    for (let i = 0; i < out.length; i++) out[i] = a[i] > 0 ? da[i] : 0;
  },
};

export const leakyRelu: ActivationFn = {
  name: 'leakyRelu',
  fn: (z) => tf.leakyRelu(z, LEAKY_RELU_ALPHA),
  // The slope keeps the sign, so a > 0 exactly when z > 0; step(a, alpha) is 1 there and alpha elsewhere.
  derivative: (a) => tf.step(a, LEAKY_RELU_ALPHA),
  fnScalar: (z) => (z > 0 ? z : LEAKY_RELU_ALPHA * z),
  derivativeScalar: (a) => (a > 0 ? 1 : LEAKY_RELU_ALPHA),
  backwardHost(a, da, out) {
    for (let i = 0; i < out.length; i++) out[i] = a[i] > 0 ? da[i] : LEAKY_RELU_ALPHA * da[i];
  },
};

export const linear: ActivationFn = {
  name: 'linear',
  fn: (z) => z,
  derivative: (a) => tf.onesLike(a),
  fnScalar: (z) => z,
  derivativeScalar: () => 1,
  backwardHost(_a, da, out) {
    out.set(da.subarray(0, out.length));
  },
};

export const hardTanh: ActivationFn = {
  name: 'hardTanh',
  fn: (z) => tf.clipByValue(z, -1, 1),
  derivative: (a) => tf.cast(tf.less(tf.abs(a), 1), 'float32'),
  fnScalar: (z) => Math.max(-1, Math.min(1, z)),
  derivativeScalar: (a) => (a > -1 && a < 1 ? 1 : 0),
  backwardHost(a, da, out) {
    for (let i = 0; i < out.length; i++) out[i] = a[i] > -1 && a[i] < 1 ? da[i] : 0;
  },
};

export const activations = new Registry<ActivationFn>('activation');
for (const a of [sigmoid, tanh, relu, leakyRelu, linear, hardTanh]) activations.register(a.name, a);

/** Look up by name (null/undefined mean linear); an ActivationFn object passes through. */
export function getActivation(a: string | ActivationFn | null | undefined): ActivationFn {
  return typeof a === 'object' && a !== null ? a : activations.get(a ?? 'linear');
}
