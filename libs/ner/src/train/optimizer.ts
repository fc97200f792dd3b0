/**
 * Parameter updates for the window model: dense params (tf.Variables) and row-sparse embedding tables (only the
 * rows in the batch: lazy moments, so a step never costs time proportional to the table), with L2 on weights
 * only and clipping by global norm across both kinds.
 */
import { tf } from '@window-ner/tensor';
import type { DenseParam, SparseParam, Param } from '@window-ner/nn/core/types';
import type { OptimizerSpec } from '../config/config';

export interface StepOptions {
  l2: number;
  clipNorm: number;
}

interface Rule {
  /** Dense update, inside a tidy; returns the new value. `state` tensors are kept by the caller. */
  dense(w: tf.Tensor, g: tf.Tensor, state: tf.Tensor[], t: number): { w: tf.Tensor; state: tf.Tensor[] };
  /** Sparse update of rows (in place on Float32Arrays). */
  sparse(table: Float32Array, rows: Int32Array, grad: Float32Array, dim: number, state: Float32Array[], t: number, rowStep: Int32Array | null): void;
  stateCount: number;
}

function adam(spec: OptimizerSpec, live: { lr: number }): Rule {
  const b1 = (spec.beta1 as number) ?? 0.9;
  const b2 = (spec.beta2 as number) ?? 0.999;
  const eps = (spec.epsilon as number) ?? 1e-8;
  return {
    stateCount: 2,
    dense(w, g, [m, v], t) {
      const m2 = tf.add(tf.mul(m, b1), tf.mul(g, 1 - b1));
      const v2 = tf.add(tf.mul(v, b2), tf.mul(tf.square(g), 1 - b2));
      const a = (live.lr * Math.sqrt(1 - b2 ** t)) / (1 - b1 ** t);
      return { w: tf.sub(w, tf.mul(tf.div(m2, tf.add(tf.sqrt(v2), eps)), a)), state: [m2, v2] };
    },
    sparse(table, rows, grad, dim, [m, v], t) {
      const a = (live.lr * Math.sqrt(1 - b2 ** t)) / (1 - b1 ** t);
      for (let r = 0; r < rows.length; r++) {
        const base = rows[r] * dim;
        const gb = r * dim;
        for (let j = 0; j < dim; j++) {
          const g = grad[gb + j];
          const mj = (m[base + j] = b1 * m[base + j] + (1 - b1) * g);
          const vj = (v[base + j] = b2 * v[base + j] + (1 - b2) * g * g);
          table[base + j] -= (a * mj) / (Math.sqrt(vj) + eps);
        }
      }
    },
  };
}

function sgd(_spec: OptimizerSpec, live: { lr: number }): Rule {
  return {
    stateCount: 0,
    dense: (w, g) => ({ w: tf.sub(w, tf.mul(g, live.lr)), state: [] }),
    sparse(table, rows, grad, dim) {
      for (let r = 0; r < rows.length; r++) {
        const base = rows[r] * dim;
        for (let j = 0; j < dim; j++) table[base + j] -= live.lr * grad[r * dim + j];
      }
    },
  };
}

function adagrad(spec: OptimizerSpec, live: { lr: number }): Rule {
  const eps = (spec.epsilon as number) ?? 1e-8;
  return {
    stateCount: 1,
    dense(w, g, [acc]) {
      const a2 = tf.add(acc, tf.square(g));
      return { w: tf.sub(w, tf.mul(tf.div(g, tf.add(tf.sqrt(a2), eps)), live.lr)), state: [a2] };
    },
    sparse(table, rows, grad, dim, [acc]) {
      for (let r = 0; r < rows.length; r++) {
        const base = rows[r] * dim;
        for (let j = 0; j < dim; j++) {
          const g = grad[r * dim + j];
          acc[base + j] += g * g;
          table[base + j] -= (live.lr * g) / (Math.sqrt(acc[base + j]) + eps);
        }
      }
    },
  };
}

const RULES: Record<string, (spec: OptimizerSpec, live: { lr: number }) => Rule> = { adam, sgd, adagrad };

export class WindowOptimizer {
  private readonly rule: Rule;
  private readonly denseState = new Map<DenseParam, tf.Tensor[]>();
  private readonly sparseState = new Map<SparseParam, Float32Array[]>();
  private t = 0;
  /** The learning rate in use (decay schedules change it between epochs). */
  private readonly live: { lr: number };

  constructor(readonly spec: OptimizerSpec) {
    const make = RULES[spec.type];
    if (!make) throw new Error(`config: unknown optimizer "${spec.type}"; known: ${Object.keys(RULES).join(', ')}`);
    this.live = { lr: spec.lr };
    this.rule = make(spec, this.live);
  }

  /** Apply and clear every gradient. Returns the global gradient norm before clipping. */
  step(params: Param[], opts: StepOptions): number {
    this.t++;
    const dense = params.filter((p): p is DenseParam => p.kind === 'dense' && p.trainable && p.grad !== null);
    const sparse = params.filter((p): p is SparseParam => p.kind === 'sparse' && p.trainable && p.grad !== null);
    // L2 on weights only (biases and embeddings have regularize=false), then the global norm.
    const l2 = opts.l2;
    const grads = dense.map((p) => (l2 > 0 && p.regularize ? tf.tidy(() => tf.add(p.grad!, tf.mul(p.value, l2))) : p.grad!));
    let scale = 1;
    let norm = 0;
    if (opts.clipNorm > 0) {
      let sq = 0;
      if (grads.length) {
        const s = tf.tidy(() => tf.addN(grads.map((g) => tf.sum(tf.square(g)))));
        sq += (s.dataSync() as Float32Array)[0];
        s.dispose();
      }
      for (const p of sparse) for (let i = 0; i < p.grad!.length; i++) sq += p.grad![i] * p.grad![i];
      norm = Math.sqrt(sq);
      if (norm > opts.clipNorm) scale = opts.clipNorm / norm;
    }
    dense.forEach((p, i) => {
      let state = this.denseState.get(p);
      if (!state) {
        state = Array.from({ length: this.rule.stateCount }, () => tf.zerosLike(p.value));
        this.denseState.set(p, state);
      }
      const next = tf.tidy(() => {
        const g = scale !== 1 ? tf.mul(grads[i], scale) : grads[i];
        const r = this.rule.dense(p.value, g, state!, this.t);
        return [r.w, ...r.state];
      });
      p.value.assign(next[0]);
      next[0].dispose();
      state.forEach((s) => s.dispose());
      this.denseState.set(p, next.slice(1));
      if (grads[i] !== p.grad) grads[i].dispose();
      p.grad!.dispose();
      p.grad = null;
    });
    for (const p of sparse) {
      let state = this.sparseState.get(p);
      if (!state) {
        state = Array.from({ length: this.rule.stateCount }, () => new Float32Array(p.table.length));
        this.sparseState.set(p, state);
      }
      const g = p.grad!;
      if (scale !== 1) for (let i = 0; i < g.length; i++) g[i] *= scale;
      this.rule.sparse(p.table, p.gradRows!, g, p.dim, state, this.t, null);
      p.grad = null;
      p.gradRows = null;
    }
    return norm;
  }

  get lr(): number {
    return this.live.lr;
  }

  set lr(value: number) {
    this.live.lr = value;
  }

  dispose(): void {
    for (const s of this.denseState.values()) s.forEach((t) => t.dispose());
    this.denseState.clear();
    this.sparseState.clear();
  }
}
