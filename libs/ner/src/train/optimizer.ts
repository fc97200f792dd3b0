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
 * One update rule applied element-wise to rows of values: value[base + j] -= f(grad[gbase + j], state...).
 * `scale` multiplies the raw gradient first (clipping), `l2` adds l2 * value.
 */
type Update = (value: Float32Array, base: number, grad: Float32Array, gbase: number, len: number, state: Float32Array[], t: number, scale: number, l2: number) => void;

interface Rule {
  stateCount: number;
  update: Update;
}

const num = (spec: OptimizerSpec, key: string, fallback: number) => (typeof spec[key] === 'number' ? (spec[key] as number) : fallback);

function adam(spec: OptimizerSpec, live: { lr: number }): Rule {
  const b1 = num(spec, 'beta1', 0.9);
  const b2 = num(spec, 'beta2', 0.999);
  const eps = num(spec, 'epsilon', 1e-8);
  return {
    stateCount: 2,
    update(w, base, g, gb, len, [m, v], t, scale, l2) {
      const a = (live.lr * Math.sqrt(1 - b2 ** t)) / (1 - b1 ** t);
      for (let j = 0; j < len; j++) {
        const i = base + j;
        const gj = g[gb + j] * scale + l2 * w[i];
        const mj = (m[i] = b1 * m[i] + (1 - b1) * gj);
        const vj = (v[i] = b2 * v[i] + (1 - b2) * gj * gj);
        w[i] -= (a * mj) / (Math.sqrt(vj) + eps);
      }
    },
  };
}

function sgd(_spec: OptimizerSpec, live: { lr: number }): Rule {
  return {
    stateCount: 0,
    update(w, base, g, gb, len, _s, _t, scale, l2) {
      const lr = live.lr;
      for (let j = 0; j < len; j++) w[base + j] -= lr * (g[gb + j] * scale + l2 * w[base + j]);
    },
  };
}

function momentum(spec: OptimizerSpec, live: { lr: number }): Rule {
  const mu = num(spec, 'momentum', 0.9);
  return {
    stateCount: 1,
    update(w, base, g, gb, len, [vel], _t, scale, l2) {
      const lr = live.lr;
      for (let j = 0; j < len; j++) {
        const i = base + j;
        vel[i] = mu * vel[i] + g[gb + j] * scale + l2 * w[i];
        w[i] -= lr * vel[i];
      }
    },
  };
}

function adagrad(spec: OptimizerSpec, live: { lr: number }): Rule {
  const eps = num(spec, 'epsilon', 1e-8);
  return {
    stateCount: 1,
    update(w, base, g, gb, len, [acc], _t, scale, l2) {
      const lr = live.lr;
      for (let j = 0; j < len; j++) {
        const i = base + j;
        const gj = g[gb + j] * scale + l2 * w[i];
        acc[i] += gj * gj;
        w[i] -= (lr * gj) / (Math.sqrt(acc[i]) + eps);
      }
    },
  };
}

function rmsprop(spec: OptimizerSpec, live: { lr: number }): Rule {
  const rho = num(spec, 'rho', 0.9);
  const eps = num(spec, 'epsilon', 1e-7);
  return {
    stateCount: 1,
    update(w, base, g, gb, len, [ms], _t, scale, l2) {
      const lr = live.lr;
      for (let j = 0; j < len; j++) {
        const i = base + j;
        const gj = g[gb + j] * scale + l2 * w[i];
        ms[i] = rho * ms[i] + (1 - rho) * gj * gj;
        w[i] -= (lr * gj) / (Math.sqrt(ms[i]) + eps);
      }
    },
  };
}

export const OPTIMIZER_RULES: Record<string, (spec: OptimizerSpec, live: { lr: number }) => Rule> = { adam, sgd, momentum, adagrad, rmsprop };

export class WindowOptimizer {
  private readonly rule: Rule;
  private readonly master = new Map<DenseParam, Float32Array>();
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

  private stateOf(p: Param, size: number): Float32Array[] {
    let s = this.state.get(p);
    if (!s) this.state.set(p, (s = Array.from({ length: this.rule.stateCount }, () => new Float32Array(size))));
    return s;
  }

  /** Apply and clear every gradient. Returns the global gradient norm before clipping (0 when clipping is off). */
  step(params: Param[], opts: StepOptions): number {
    this.t++;
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
      this.rule.update(w, 0, g, 0, w.length, this.stateOf(p, w.length), this.t, scale, p.regularize ? opts.l2 : 0);
      // Upload a copy: some backends alias the array passed to tf.tensor, and `w` keeps changing.
      const next = tf.tensor(w.slice(), p.value.shape);
      p.value.assign(next);
      next.dispose();
      p.grad!.dispose();
      p.grad = null;
    }
    for (const p of sparse) {
      const state = this.stateOf(p, p.table.length);
      const rows = p.gradRows!;
      const g = p.grad!;
      const d = p.dim;
      const l2 = p.regularize ? opts.l2 : 0;
      for (let r = 0; r < rows.length; r++) this.rule.update(p.table, rows[r] * d, g, r * d, d, state, this.t, scale, l2);
      p.grad = null;
      p.gradRows = null;
    }
    return norm;
  }

  /** Forget host copies (call after parameter values were changed from outside, e.g. a restore). */
  resync(): void {
    this.master.clear();
  }

  dispose(): void {
    this.master.clear();
    this.state.clear();
  }
}
