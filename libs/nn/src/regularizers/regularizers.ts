/**
 * Regularisers and gradient clipping as standalone steps on accumulated gradients (call after backward, before
 * the optimizer). Only params with regularize=true are touched: weights yes, biases and norm gains never.
 * (RuleOptimizer.step({ l2, clipNorm }) does the same L2 and clipping inside its update loop, faster.)
 *   L1: penalty λ Σ|w|, gradient λ sign(w)     L2: penalty (λ/2) Σ w², gradient λ w
 */
import { tf, Registry } from '@window-ner/tensor';
import { checkRate } from '../core/errors.js';
import { accumulateDenseGrad, flushSparseGrad, mergeSparseRows } from '../core/params.js';
import type { DenseParam, Param, SparseParam } from '../core/types.js';

export interface Regularizer {
  readonly name: string;
  readonly lambda: number;
  /** The penalty added to the loss (host number; reads the weights). */
  penalty(params: Param[]): number;
  /** Add the penalty's gradient to every regularized param's grad. Sparse tables: only rows already in the batch. */
  addGrads(params: Param[]): void;
}

function regularized(params: Param[]): Param[] {
  return params.filter((p) => p.regularize && p.trainable);
}

function makeRegularizer(name: string, lambda: number, f: (w: number) => number, df: (w: number) => number, tfGrad: (w: tf.Tensor) => tf.Tensor): Regularizer {
  checkRate(`regularizer ${name}`, 'lambda', lambda);
  const denseGrad = (p: DenseParam) => accumulateDenseGrad(p, tf.tidy(() => tf.mul(tfGrad(p.value), lambda)));
  const sparseGrad = (p: SparseParam) => {
    flushSparseGrad(p);
    if (!p.gradRows) return;
    const rows = p.gradRows;
    const add = new Float32Array(rows.length * p.dim);
    for (let r = 0; r < rows.length; r++) for (let d = 0; d < p.dim; d++) add[r * p.dim + d] = lambda * df(p.table[rows[r] * p.dim + d]);
    mergeSparseRows(p, rows, add);
  };
  return {
    name,
    lambda,
    penalty(params) {
      let s = 0;
      for (const p of regularized(params)) {
        const w = p.kind === 'dense' ? (p.value.dataSync() as Float32Array) : p.table;
        for (let i = 0; i < w.length; i++) s += f(w[i]);
      }
      return lambda * s;
    },
    addGrads(params) {
      for (const p of regularized(params)) {
        if (p.kind === 'dense') denseGrad(p);
        else sparseGrad(p);
      }
    },
  };
}

export const l1 = (lambda: number): Regularizer => makeRegularizer('l1', lambda, Math.abs, Math.sign, (w) => tf.sign(w));
export const l2 = (lambda: number): Regularizer => makeRegularizer('l2', lambda, (w) => 0.5 * w * w, (w) => w, (w) => w);

export const regularizers = new Registry<(lambda: number) => Regularizer>('regularizer');
regularizers.register('l1', l1);
regularizers.register('l2', l2);

/** A regularizer from its config: { type: 'l2', lambda: 1e-4 }. */
export function createRegularizer(config: { type: string; lambda: number }): Regularizer {
  return regularizers.get(config.type)(config.lambda);
}

/** The global L2 norm of every trainable gradient (dense and sparse). Call outside tf.tidy. */
export function globalGradNorm(params: Param[]): number {
  let sq = 0;
  for (const p of params) {
    if (!p.trainable) continue;
    if (p.kind === 'sparse') flushSparseGrad(p);
    const g = p.kind === 'dense' ? (p.grad ? (p.grad.dataSync() as Float32Array) : null) : p.grad;
    if (g) for (let i = 0; i < g.length; i++) sq += g[i] * g[i];
  }
  return Math.sqrt(sq);
}

/** Scale all gradients so their global norm is at most maxNorm; returns the norm before clipping. */
export function clipByGlobalNorm(params: Param[], maxNorm: number): number {
  checkRate('clipByGlobalNorm', 'maxNorm', maxNorm);
  const norm = globalGradNorm(params);
  if (norm <= maxNorm || norm === 0) return norm;
  const s = maxNorm / norm;
  for (const p of params) {
    if (!p.trainable || !p.grad) continue;
    if (p.kind === 'dense') {
      const scaled = tf.keep(tf.mul(p.grad, s));
      p.grad.dispose();
      p.grad = scaled;
    } else {
      for (let i = 0; i < p.grad.length; i++) p.grad[i] *= s;
    }
  }
  return norm;
}
