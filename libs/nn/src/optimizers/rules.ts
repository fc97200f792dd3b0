/**
 * The eight update rules, each applied element-wise to a run of values: value[base + j] is updated from
 * grad[gbase + j] (times `scale`, the clipping factor, plus l2 * value) and up to two state arrays indexed like
 * value. begin(t) precomputes the per-step constants (bias corrections, the current lr) so the inner loops are
 * plain arithmetic on typed arrays — written out per rule because a generic loop ran ~4x slower (measured in
 * libs/ner, where these loops were first written).
 *
 * Conventions (g already includes scale and l2):
 *   sgd       w -= lr g
 *   momentum  v = μ v + g;                      w -= lr v
 *   nag       v = μ v + g;                      w -= lr (g + μ v)          (Nesterov, PyTorch form)
 *   adagrad   G += g²;                          w -= lr g / (√G + ε)
 *   rmsprop   E = ρ E + (1-ρ) g²;               w -= lr g / (√E + ε)
 *   adadelta  E = ρ E + (1-ρ) g²; Δ = -√(D+ε)/√(E+ε) g; D = ρ D + (1-ρ) Δ²; w += lr Δ   (Zeiler; lr 1 = paper)
 *   adam      m = β1 m + (1-β1) g; v = β2 v + (1-β2) g²; w -= lr √(1-β2ᵗ)/(1-β1ᵗ) m / (√v + ε)
 *   nadam     m, v as adam; w -= lr (β1 m/(1-β1ᵗ⁺¹) + (1-β1) g/(1-β1ᵗ)) / (√(v/(1-β2ᵗ)) + ε)   (Dozat)
 */
import { hostKernels, type HostKernels } from '@window-ner/tensor';
import { checkRate } from '../core/errors.js';

export interface OptimizerSpec {
  /** Registry name: sgd, momentum, nag, adagrad, rmsprop, adadelta, adam, nadam. */
  type: string;
  /** Learning rate; defaults per rule (DEFAULT_LR) when absent. */
  lr?: number;
  [key: string]: unknown;
}

/** Learning rates used when a spec gives none (Keras' defaults; adadelta 1.0 as in Zeiler's paper). */
export const DEFAULT_LR: Record<string, number> = { sgd: 0.01, momentum: 0.01, nag: 0.01, adagrad: 0.01, rmsprop: 0.001, adadelta: 1, adam: 0.001, nadam: 0.002 };

export interface Rule {
  stateCount: number;
  begin(t: number): void;
  update(value: Float32Array, base: number, grad: Float32Array, gbase: number, len: number, s0: Float32Array, s1: Float32Array, scale: number, l2: number): void;
  /** Row-sparse form (row r of grad updates row rows[r] of value and state), when the rule has a faster one than
   * calling update() per row. Rows are already checked to lie inside the table. */
  updateRows?(value: Float32Array, rows: Int32Array, grad: Float32Array, dim: number, s0: Float32Array, s1: Float32Array, scale: number, l2: number): void;
}

/** Live hyper-parameters a schedule may change between steps. */
export interface LiveRate {
  lr: number;
}

export type RuleFactory = (spec: OptimizerSpec, live: LiveRate) => Rule;

/** A numeric option of the spec (validated: finite and in range), or its default. */
function opt(spec: OptimizerSpec, key: string, fallback: number, min = 0, max = Infinity): number {
  return spec[key] === undefined ? fallback : checkRate(`optimizer ${spec.type}`, key, spec[key], min, max);
}

export const sgd: RuleFactory = (_spec, live) => {
  let lr = 0;
  return {
    stateCount: 0,
    begin() {
      lr = live.lr;
    },
    update(w, base, g, gb, len, _s0, _s1, scale, l2) {
      for (let j = 0; j < len; j++) w[base + j] -= lr * (g[gb + j] * scale + l2 * w[base + j]);
    },
  };
};

export const momentum: RuleFactory = (spec, live) => {
  const mu = opt(spec, 'momentum', 0.9, 0, 1);
  let lr = 0;
  return {
    stateCount: 1,
    begin() {
      lr = live.lr;
    },
    update(w, base, g, gb, len, vel, _s1, scale, l2) {
      for (let j = 0; j < len; j++) {
        const i = base + j;
        const vi = mu * vel[i] + g[gb + j] * scale + l2 * w[i];
        vel[i] = vi;
        w[i] -= lr * vi;
      }
    },
  };
};

export const nag: RuleFactory = (spec, live) => {
  const mu = opt(spec, 'momentum', 0.9, 0, 1);
  let lr = 0;
  return {
    stateCount: 1,
    begin() {
      lr = live.lr;
    },
    update(w, base, g, gb, len, vel, _s1, scale, l2) {
      for (let j = 0; j < len; j++) {
        const i = base + j;
        const gj = g[gb + j] * scale + l2 * w[i];
        const vi = mu * vel[i] + gj;
        vel[i] = vi;
        w[i] -= lr * (gj + mu * vi);
      }
    },
  };
};

export const adagrad: RuleFactory = (spec, live) => {
  const eps = opt(spec, 'epsilon', 1e-8);
  let lr = 0;
  return {
    stateCount: 1,
    begin() {
      lr = live.lr;
    },
    update(w, base, g, gb, len, acc, _s1, scale, l2) {
      for (let j = 0; j < len; j++) {
        const i = base + j;
        const gj = g[gb + j] * scale + l2 * w[i];
        const ai = acc[i] + gj * gj;
        acc[i] = ai;
        w[i] -= (lr * gj) / (Math.sqrt(ai) + eps);
      }
    },
  };
};

export const rmsprop: RuleFactory = (spec, live) => {
  const rho = opt(spec, 'rho', 0.9, 0, 1);
  const eps = opt(spec, 'epsilon', 1e-7);
  let lr = 0;
  return {
    stateCount: 1,
    begin() {
      lr = live.lr;
    },
    update(w, base, g, gb, len, ms, _s1, scale, l2) {
      for (let j = 0; j < len; j++) {
        const i = base + j;
        const gj = g[gb + j] * scale + l2 * w[i];
        const mi = rho * ms[i] + (1 - rho) * gj * gj;
        ms[i] = mi;
        w[i] -= (lr * gj) / (Math.sqrt(mi) + eps);
      }
    },
  };
};

export const adadelta: RuleFactory = (spec, live) => {
  const rho = opt(spec, 'rho', 0.95, 0, 1);
  const eps = opt(spec, 'epsilon', 1e-6);
  let lr = 0;
  return {
    stateCount: 2,
    begin() {
      lr = live.lr;
    },
    update(w, base, g, gb, len, eg, ed, scale, l2) {
      for (let j = 0; j < len; j++) {
        const i = base + j;
        const gj = g[gb + j] * scale + l2 * w[i];
        const e = rho * eg[i] + (1 - rho) * gj * gj;
        eg[i] = e;
        const dx = (-Math.sqrt(ed[i] + eps) / Math.sqrt(e + eps)) * gj;
        ed[i] = rho * ed[i] + (1 - rho) * dx * dx;
        w[i] += lr * dx;
      }
    },
  };
};

/** Below this many values a native call costs more than the JS loop it replaces. */
const NATIVE_MIN_VALUES = 64;

/**
 * Adam runs in the backend's native host kernel when there is one (the default optimizer: its sqrt and divide per
 * value made it the largest non-matMul cost of a training step in JS), else in the loop below; both compute the
 * same update (float vs double rounding: a few float32 ulps apart, tested).
 */
export const adam: RuleFactory = (spec, live) => {
  const b1 = opt(spec, 'beta1', 0.9, 0, 1);
  const b2 = opt(spec, 'beta2', 0.999, 0, 1);
  const eps = opt(spec, 'epsilon', 1e-8);
  const c1 = 1 - b1;
  const c2 = 1 - b2;
  let a = 0;
  let native: HostKernels | null = null;
  const whole = (x: Float32Array, base: number, len: number) => (base === 0 && len === x.length ? x : x.subarray(base, base + len));
  return {
    stateCount: 2,
    begin(t) {
      a = (live.lr * Math.sqrt(1 - b2 ** t)) / (1 - b1 ** t);
      native = hostKernels();
    },
    updateRows(w, rows, g, dim, m, v, scale, l2) {
      if (native) return native.adamUpdate(w, g, m, v, rows, dim, scale, l2, b1, b2, eps, a);
      for (let r = 0; r < rows.length; r++) this.update(w, rows[r] * dim, g, r * dim, dim, m, v, scale, l2);
    },
    update(w, base, g, gb, len, m, v, scale, l2) {
      if (native && len >= NATIVE_MIN_VALUES) {
        return native.adamUpdate(whole(w, base, len), whole(g, gb, len), whole(m, base, len), whole(v, base, len), null, len, scale, l2, b1, b2, eps, a);
      }
      for (let j = 0; j < len; j++) {
        const i = base + j;
        const gj = g[gb + j] * scale + l2 * w[i];
        const mj = b1 * m[i] + c1 * gj;
        const vj = b2 * v[i] + c2 * gj * gj;
        m[i] = mj;
        v[i] = vj;
        w[i] -= (a * mj) / (Math.sqrt(vj) + eps);
      }
    },
  };
};

export const nadam: RuleFactory = (spec, live) => {
  const b1 = opt(spec, 'beta1', 0.9, 0, 1);
  const b2 = opt(spec, 'beta2', 0.999, 0, 1);
  const eps = opt(spec, 'epsilon', 1e-8);
  const c1 = 1 - b1;
  const c2 = 1 - b2;
  let lr = 0;
  let cm = 0;
  let cg = 0;
  let cv = 0;
  return {
    stateCount: 2,
    begin(t) {
      lr = live.lr;
      cm = b1 / (1 - b1 ** (t + 1));
      cg = c1 / (1 - b1 ** t);
      cv = 1 / (1 - b2 ** t);
    },
    update(w, base, g, gb, len, m, v, scale, l2) {
      for (let j = 0; j < len; j++) {
        const i = base + j;
        const gj = g[gb + j] * scale + l2 * w[i];
        const mj = b1 * m[i] + c1 * gj;
        const vj = b2 * v[i] + c2 * gj * gj;
        m[i] = mj;
        v[i] = vj;
        w[i] -= (lr * (cm * mj + cg * gj)) / (Math.sqrt(vj * cv) + eps);
      }
    },
  };
};
