/**
 * Creating parameters and moving their gradients around. Dense grads are tf.keep()-ed when accumulated so they
 * survive the caller's tf.tidy; the optimizer disposes them when it consumes them.
 */
import { tf } from '@window-ner/tensor';
import type { DenseParam, Param, SparseParam } from './types.js';
import { sumRowsBySegment } from './rows.js';

export interface ParamOptions {
  regularize?: boolean;
  trainable?: boolean;
}

export function denseParam(name: string, init: tf.Tensor, opts: ParamOptions = {}): DenseParam {
  // No tf variable name: tfjs names are process-global and two models may share param names.
  const value = tf.variable(init, opts.trainable ?? true);
  return { kind: 'dense', name, value, grad: null, regularize: opts.regularize ?? false, trainable: opts.trainable ?? true };
}

export function sparseParam(name: string, rows: number, dim: number, table: Float32Array, opts: ParamOptions = {}): SparseParam {
  if (table.length !== rows * dim) throw new RangeError(`sparse param "${name}": table has ${table.length} values, expected ${rows} x ${dim}`);
  return { kind: 'sparse', name, table, rows, dim, gradRows: null, grad: null, regularize: opts.regularize ?? false, trainable: opts.trainable ?? true, pending: [] };
}

/** grad += g. Call inside tf.tidy: g (if not kept as the new grad) is left to the tidy to free. */
export function accumulateDenseGrad(p: DenseParam, g: tf.Tensor): void {
  if (!p.trainable) return;
  if (g.shape.join() !== p.value.shape.join()) {
    throw new RangeError(`param "${p.name}": gradient shape [${g.shape}] does not match value shape [${p.value.shape}]`);
  }
  const prev = p.grad;
  const next = prev ? tf.add(prev, g) : g;
  p.grad = tf.keep(next);
  if (prev) prev.dispose();
}

/**
 * Queue row gradients, read later by flushSparseGrad outside tidy. rows are unique; grad is [rows.length, dim],
 * or, with `segment`, one row per looked-up position i that is added to rows[segment[i]].
 */
export function addSparseGrad(p: SparseParam, rows: Int32Array, grad: tf.Tensor, segment?: Int32Array): void {
  if (!p.trainable) return;
  (p.pending ??= []).push(segment ? { rows, grad: tf.keep(grad), segment } : { rows, grad: tf.keep(grad) });
}

/** Add host-side row gradients (rows unique within the call) into gradRows/grad, summing rows already present. */
export function mergeSparseRows(p: SparseParam, rows: Int32Array, grad: Float32Array): void {
  const dim = p.dim;
  if (!p.gradRows || !p.grad) {
    p.gradRows = rows.slice();
    p.grad = grad.slice();
    return;
  }
  const at = new Map<number, number>();
  p.gradRows.forEach((r, i) => at.set(r, i));
  let extra = 0;
  for (const r of rows) if (!at.has(r)) extra++;
  const outRows = new Int32Array(p.gradRows.length + extra);
  const out = new Float32Array(outRows.length * dim);
  outRows.set(p.gradRows);
  out.set(p.grad);
  let next = p.gradRows.length;
  for (let i = 0; i < rows.length; i++) {
    let j = at.get(rows[i]);
    if (j === undefined) {
      j = next++;
      outRows[j] = rows[i];
      at.set(rows[i], j);
    }
    for (let d = 0; d < dim; d++) out[j * dim + d] += grad[i * dim + d];
  }
  p.gradRows = outRows;
  p.grad = out;
}

/** Read queued row gradients to the host (one dataSync per queued backward; call outside tf.tidy). */
export function flushSparseGrad(p: SparseParam): void {
  const pending = p.pending;
  if (!pending || pending.length === 0) return;
  p.pending = [];
  for (const { rows, grad, segment } of pending) {
    const values = grad.dataSync() as Float32Array;
    grad.dispose();
    mergeSparseRows(p, rows, segment ? sumRowsBySegment(values, p.dim, 0, segment, rows.length, p.dim) : values);
  }
}

export function flushAllSparse(params: Param[]): void {
  for (const p of params) if (p.kind === 'sparse') flushSparseGrad(p);
}

export function clearGrads(params: Param[]): void {
  for (const p of params) {
    if (p.kind === 'dense') {
      p.grad?.dispose();
      p.grad = null;
    } else {
      for (const q of p.pending ?? []) q.grad.dispose();
      p.pending = [];
      p.gradRows = null;
      p.grad = null;
    }
  }
}

export function disposeParams(params: Param[]): void {
  clearGrads(params);
  for (const p of params) if (p.kind === 'dense') p.value.dispose();
}

/** Values of a param as a host Float32Array copy (for saving / snapshots). */
export function paramValues(p: Param): Float32Array {
  return p.kind === 'dense' ? (p.value.dataSync() as Float32Array).slice() : p.table.slice();
}

export function paramShape(p: Param): number[] {
  return p.kind === 'dense' ? [...p.value.shape] : [p.rows, p.dim];
}

/** Overwrite a param's values (shape-checked by length). */
export function setParamValues(p: Param, values: Float32Array): void {
  const shape = paramShape(p);
  const n = shape.reduce((a, b) => a * b, 1);
  if (values.length !== n) throw new RangeError(`param "${p.name}": expected ${n} values for shape [${shape}], got ${values.length}`);
  if (p.kind === 'dense') {
    const t = tf.tensor(values, shape, 'float32');
    p.value.assign(t);
    t.dispose();
  } else {
    p.table.set(values);
  }
}
