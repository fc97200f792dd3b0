/**
 * Parameter updates for the window model, done in place on Float32Arrays: dense params keep a host master copy
 * that is updated in one JS loop and uploaded once per step (one tensor per param instead of ~10 temporaries
 * for an Adam step in tfjs ops — that churn dominated the step on the cpu backend), and row-sparse embedding
 * tables update only the rows in the batch (lazy moments), so no step costs time proportional to the table.
 * L2 applies to weights only (params with regularize=true); clipping is by the global norm over both kinds.
 */
import { tf } from '@window-ner/tensor';
import type { DenseParam, SparseParam, Param } from '@window-ner/nn/core/types';
import type { OptimizerSpec } from '../config/config';

export interface StepOptions {
  l2: number;
  clipNorm: number;
}

/**
 * One update rule applied element-wise to a run of values: value[base + j] is updated from grad[gbase + j]
 * (times `scale`, the clipping factor, plus l2 * value) and up to two state arrays indexed like value.
 * begin(t) precomputes the per-step constants (bias corrections, the current lr) so the inner loops are plain
 * arithmetic on typed arrays — written out per rule because a generic loop ran ~4x slower.
 */
interface Rule {
  stateCount: number;
  begin(t: number): void;
  update(value: Float32Array, base: number, grad: Float32Array, gbase: number, len: number, s0: Float32Array, s1: Float32Array, scale: number, l2: number): void;
}

const num = (spec: OptimizerSpec, key: string, fallback: number) => (typeof spec[key] === 'number' ? (spec[key] as number) : fallback);

function adam(spec: OptimizerSpec, live: { lr: number }): Rule {
  const b1 = num(spec, 'beta1', 0.9);
  const b2 = num(spec, 'beta2', 0.999);
  const eps = num(spec, 'epsilon', 1e-8);
  const c1 = 1 - b1;
  const c2 = 1 - b2;
  let a = 0;
  return {
    stateCount: 2,
    begin(t) {
      a = (live.lr * Math.sqrt(1 - b2 ** t)) / (1 - b1 ** t);
    },
    update(w, base, g, gb, len, m, v, scale, l2) {
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
}

function sgd(_spec: OptimizerSpec, live: { lr: number }): Rule {
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
}

function momentum(spec: OptimizerSpec, live: { lr: number }): Rule {
  const mu = num(spec, 'momentum', 0.9);
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
}

function adagrad(spec: OptimizerSpec, live: { lr: number }): Rule {
  const eps = num(spec, 'epsilon', 1e-8);
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
}

function rmsprop(spec: OptimizerSpec, live: { lr: number }): Rule {
  const rho = num(spec, 'rho', 0.9);
  const eps = num(spec, 'epsilon', 1e-7);
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
}

export const OPTIMIZER_RULES: Record<string, (spec: OptimizerSpec, live: { lr: number }) => Rule> = { adam, sgd, momentum, adagrad, rmsprop };

export class WindowOptimizer {
  private readonly rule: Rule;
  private readonly master = new Map<DenseParam, Float32Array>();
  /** Params whose tf.Variable reads its values straight from the master array (the cpu backend keeps the
   * array it is given), so in-place updates need no upload at all. */
  private readonly aliased = new Set<DenseParam>();
  private readonly state = new Map<Param, Float32Array[]>();
  private t = 0;
  /** The learning rate in use (decay schedules change it between epochs). */
  private readonly live: { lr: number };

  constructor(readonly spec: OptimizerSpec) {
    const make = OPTIMIZER_RULES[spec.type];
    if (!make) throw new Error(`config: unknown optimizer "${spec.type}"; known: ${Object.keys(OPTIMIZER_RULES).join(', ')}`);
    this.live = { lr: spec.lr };
    this.rule = make(spec, this.live);
  }

  get lr(): number {
    return this.live.lr;
  }

  set lr(value: number) {
    this.live.lr = value;
  }

  private static readonly NONE = new Float32Array(0);

  /** The rule's two state arrays for a param (empty placeholders for rules with fewer). */
  private stateOf(p: Param, size: number): [Float32Array, Float32Array] {
    let s = this.state.get(p);
    if (!s) this.state.set(p, (s = Array.from({ length: this.rule.stateCount }, () => new Float32Array(size))));
    return [s[0] ?? WindowOptimizer.NONE, s[1] ?? WindowOptimizer.NONE];
  }

  /** Apply and clear every gradient. Returns the global gradient norm before clipping (0 when clipping is off). */
  step(params: Param[], opts: StepOptions): number {
    this.t++;
    this.rule.begin(this.t);
    const dense: { p: DenseParam; g: Float32Array }[] = [];
    const sparse: SparseParam[] = [];
    for (const p of params) {
      if (!p.trainable || p.grad === null) continue;
      if (p.kind === 'dense') dense.push({ p, g: p.grad.dataSync() as Float32Array });
      else sparse.push(p);
    }
    let scale = 1;
    let norm = 0;
    if (opts.clipNorm > 0) {
      let sq = 0;
      for (const { g } of dense) for (let i = 0; i < g.length; i++) sq += g[i] * g[i];
      for (const p of sparse) for (let i = 0; i < p.grad!.length; i++) sq += p.grad![i] * p.grad![i];
      norm = Math.sqrt(sq);
      if (norm > opts.clipNorm) scale = opts.clipNorm / norm;
    }
    for (const { p, g } of dense) {
      let w = this.master.get(p);
      if (!w) this.master.set(p, (w = (p.value.dataSync() as Float32Array).slice()));
      const [s0, s1] = this.stateOf(p, w.length);
      this.rule.update(w, 0, g, 0, w.length, s0, s1, scale, p.regularize ? opts.l2 : 0);
      if (!this.aliased.has(p)) {
        // Backends that copy on tf.tensor (wasm) get one upload per step; the cpu backend keeps `w` itself as
        // the variable's storage, detected here once, after which the in-place update above is the upload.
        const next = tf.tensor(w, p.value.shape);
        p.value.assign(next);
        next.dispose();
        if (p.value.dataSync() === w) this.aliased.add(p);
      }
      p.grad!.dispose();
      p.grad = null;
    }
    for (const p of sparse) {
      const [s0, s1] = this.stateOf(p, p.table.length);
      const rows = p.gradRows!;
      const g = p.grad!;
      const d = p.dim;
      const l2 = p.regularize ? opts.l2 : 0;
      for (let r = 0; r < rows.length; r++) this.rule.update(p.table, rows[r] * d, g, r * d, d, s0, s1, scale, l2);
      p.grad = null;
      p.gradRows = null;
    }
    return norm;
  }

  /** Forget host copies (call after parameter values were changed from outside, e.g. a restore). */
  resync(): void {
    this.master.clear();
    this.aliased.clear();
  }

  dispose(): void {
    this.master.clear();
    this.aliased.clear();
    this.state.clear();
  }
}
