/**
 * Raw single-precision GEMM on Float32Arrays, row-major, as BLAS defines it:
 * C = alpha * op(A) * op(B) + beta * C, where op(X) = X or Xᵀ; op(A) is m x k, op(B) is k x n, C is m x n.
 * lda/ldb/ldc are the row strides of A, B, C as stored (≥ their stored column counts). Bounds are checked natively.
 */
import { requireAddon } from './native.js';

export function sgemm(transA: boolean, transB: boolean, m: number, n: number, k: number, alpha: number,
  a: Float32Array, lda: number, b: Float32Array, ldb: number, beta: number, c: Float32Array, ldc: number): void {
  requireAddon().sgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

/** Convenience: C = op(A) op(B) for dense row-major matrices, returning a new m x n Float32Array. */
export function matMulF32(a: Float32Array, b: Float32Array, m: number, n: number, k: number,
  opts: { transA?: boolean; transB?: boolean } = {}): Float32Array {
  const { transA = false, transB = false } = opts;
  const c = new Float32Array(m * n);
  sgemm(transA, transB, m, n, k, 1, a, Math.max(1, transA ? m : k), b, Math.max(1, transB ? k : n), 0, c, Math.max(1, n));
  return c;
}
