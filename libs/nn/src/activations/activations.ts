/**
 * Element-wise activations. Each exposes its function and its derivative, computed from the OUTPUT a = g(z) where possible
 * (sigmoid' = a(1-a), tanh' = 1-a², relu' = 0/1, leaky 0.01/1).
 * Tensor versions serve the layers; scalar and host-array versions serve fast hand-written passes (libs/ner's
 * training pass does the activation backward in one JS loop).
 */
import { tf, Registry } from '@window-ner/tensor';

export interface ActivationFn {
  readonly name: string;
  /** a = g(z) on a tensor. */
  fn(z: tf.Tensor): tf.Tensor;
  /** g'(z) on a tensor, given z and the output a = g(z); computed from a where the formula allows
   * (sigmoid a(1-a), tanh 1-a²), so callers that kept only a may pass it for z too where the sign is what counts
   * (relu, leaky relu: a > 0 exactly when z > 0). */
  derivative(z: tf.Tensor, a: tf.Tensor): tf.Tensor;
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
  derivative: (_z, a) => tf.mul(a, tf.sub(1, a)),
  fnScalar: (z) => 1 / (1 + Math.exp(-z)),
  derivativeScalar: (a) => a * (1 - a),
  backwardHost(a, da, out) {
    for (let i = 0; i < out.length; i++) out[i] = da[i] * a[i] * (1 - a[i]);
  },
};

export const tanh: ActivationFn = {
  name: 'tanh',
  fn: (z) => tf.tanh(z),
  derivative: (_z, a) => tf.sub(1, tf.square(a)),
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
  derivative: (z) => tf.step(z),
  fnScalar: (z) => (z > 0 ? z : 0),
  derivativeScalar: (a) => (a > 0 ? 1 : 0),
  backwardHost(a, da, out) {
    // Branch-free (+(a > 0)): a unit's sign is a coin flip, and a mispredicted branch cost ~4x the arithmetic.
    for (let i = 0; i < out.length; i++) out[i] = da[i] * +(a[i] > 0);
  },
};

/** Leaky ReLU with slope alpha for z <= 0 (the registered 'leakyRelu' uses 0.01). */
export function makeLeakyRelu(alpha = LEAKY_RELU_ALPHA): ActivationFn {
  return {
    name: 'leakyRelu',
    fn: (z) => tf.leakyRelu(z, alpha),
    // step(z, alpha) is 1 for z > 0 and alpha elsewhere; the slope keeps the sign, so a > 0 exactly when z > 0.
    derivative: (z) => tf.step(z, alpha),
    fnScalar: (z) => (z > 0 ? z : alpha * z),
    derivativeScalar: (a) => (a > 0 ? 1 : alpha),
    backwardHost(a, da, out) {
      for (let i = 0; i < out.length; i++) {
        const s = +(a[i] > 0); // branch-free, as relu's
        out[i] = da[i] * (s + alpha * (1 - s));
      }
    },
  };
}

export const leakyRelu: ActivationFn = makeLeakyRelu();

export const linear: ActivationFn = {
  name: 'linear',
  fn: (z) => z,
  derivative: (z) => tf.onesLike(z),
  fnScalar: (z) => z,
  derivativeScalar: () => 1,
  backwardHost(_a, da, out) {
    out.set(da.subarray(0, out.length));
  },
};

export const hardTanh: ActivationFn = {
  name: 'hardTanh',
  fn: (z) => tf.clipByValue(z, -1, 1),
  derivative: (z) => tf.cast(tf.less(tf.abs(z), 1), 'float32'),
  fnScalar: (z) => Math.max(-1, Math.min(1, z)),
  derivativeScalar: (a) => (a > -1 && a < 1 ? 1 : 0),
  backwardHost(a, da, out) {
    for (let i = 0; i < out.length; i++) out[i] = da[i] * +(a[i] > -1) * +(a[i] < 1);
  },
};

/** The name other modules use for the interface. */
export type Activation = ActivationFn;

export const activations = new Registry<ActivationFn>('activation');
for (const a of [sigmoid, tanh, relu, leakyRelu, linear, hardTanh]) activations.register(a.name, a);

/** Look up by name (null/undefined mean linear); an ActivationFn object passes through. */
export function getActivation(a: string | ActivationFn | null | undefined): ActivationFn {
  return typeof a === 'object' && a !== null ? a : activations.get(a ?? 'linear');
}
