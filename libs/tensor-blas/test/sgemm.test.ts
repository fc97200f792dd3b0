import { describe, expect, it } from 'vitest';
import { matMulF32, requireAddon, sgemm } from '../src/index.js';
import { built, titled } from './native-status.js';
import { randnArray, seededNormal } from './random.js';

const normal = seededNormal(7);
const randn = (n: number) => randnArray(normal, n);

/** Reference: C = alpha op(A) op(B) + beta C in float64, same storage conventions as sgemm. */
function refGemm(tA: boolean, tB: boolean, m: number, n: number, k: number, alpha: number, a: Float32Array, lda: number,
  b: Float32Array, ldb: number, beta: number, c: Float32Array, ldc: number): Float64Array {
  const out = Float64Array.from(c);
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < n; j++) {
      let s = 0;
      for (let p = 0; p < k; p++) s += (tA ? a[p * lda + i] : a[i * lda + p]) * (tB ? b[j * ldb + p] : b[p * ldb + j]);
      out[i * ldc + j] = alpha * s + (beta === 0 ? 0 : beta * c[i * ldc + j]);
    }
  }
  return out;
}

function expectClose(got: ArrayLike<number>, want: ArrayLike<number>, rel = 1e-4): void {
  expect(got.length).toBe(want.length);
  let rms = 0;
  for (let i = 0; i < want.length; i++) rms += want[i] * want[i];
  rms = Math.sqrt(rms / Math.max(1, want.length));
  for (let i = 0; i < want.length; i++) {
    if (Math.abs(got[i] - want[i]) > rel * (Math.abs(want[i]) + rms)) {
      throw new Error(`element ${i}: got ${got[i]}, want ${want[i]} (rel tol ${rel})`);
    }
  }
}

describe.skipIf(!built)(titled('raw sgemm'), () => {
  it('matches a float64 reference for transposes, padded leading dims, alpha and beta', () => {
    for (const [m, n, k] of [[1, 1, 1], [3, 5, 7], [17, 9, 33], [64, 1, 20], [1, 40, 3]]) {
      for (const tA of [false, true]) {
        for (const tB of [false, true]) {
          const pad = 3; // leading dims larger than the stored rows: sgemm on sub-matrices
          const lda = (tA ? m : k) + pad;
          const ldb = (tB ? k : n) + pad;
          const ldc = n + pad;
          const a = randn((tA ? k : m) * lda);
          const b = randn((tB ? n : k) * ldb);
          const c = randn(m * ldc);
          const want = refGemm(tA, tB, m, n, k, 0.5, a, lda, b, ldb, 2, c, ldc);
          sgemm(tA, tB, m, n, k, 0.5, a, lda, b, ldb, 2, c, ldc);
          expectClose(c, want);
        }
      }
    }
  });

  it('k = 0 gives beta*C, and beta = 0 clears NaN in C', () => {
    const c = new Float32Array([1, 2, 3, 4]);
    sgemm(false, false, 2, 2, 0, 1, new Float32Array(0), 1, new Float32Array(0), 2, 3, c, 2);
    expect([...c]).toEqual([3, 6, 9, 12]);
    const d = new Float32Array([NaN, NaN, NaN, NaN]);
    sgemm(false, false, 2, 2, 1, 1, new Float32Array([1, 2]), 1, new Float32Array([3, 4]), 2, 0, d, 2);
    expect([...d]).toEqual([3, 4, 6, 8]);
  });

  it('matMulF32 convenience, including empty dims', () => {
    expect([...matMulF32(new Float32Array([1, 2, 3, 4]), new Float32Array([5, 6, 7, 8]), 2, 2, 2)]).toEqual([19, 22, 43, 50]);
    expect([...matMulF32(new Float32Array([1, 2, 3, 4]), new Float32Array([5, 6, 7, 8]), 2, 2, 2, { transA: true, transB: true })]).toEqual([23, 31, 34, 46]);
    expect(matMulF32(new Float32Array(0), new Float32Array(0), 0, 3, 4).length).toBe(0);
    expect([...matMulF32(new Float32Array(0), new Float32Array(0), 2, 2, 0)]).toEqual([0, 0, 0, 0]);
  });

  it('rejects out-of-bounds and wrongly typed arguments instead of reading past the arrays', () => {
    const a = new Float32Array(6);
    expect(() => sgemm(false, false, 2, 2, 3, 1, a, 3, new Float32Array(5), 2, 0, new Float32Array(4), 2)).toThrow(/B has 5 elements, needs 6/);
    expect(() => sgemm(false, false, 2, 2, 3, 1, a, 2, new Float32Array(6), 2, 0, new Float32Array(4), 2)).toThrow(/lda=2 < columns of A/);
    expect(() => sgemm(false, false, 2, 2, 3, 1, a, 3, new Float32Array(6), 2, 0, new Float32Array(3), 2)).toThrow(/C has 3 elements/);
    expect(() => sgemm(false, false, -1, 2, 3, 1, a, 3, a, 2, 0, a, 2)).toThrow(/'m' must be an integer/);
    const f64 = new Float64Array(6) as unknown as Float32Array;
    expect(() => sgemm(false, false, 2, 2, 3, 1, f64, 3, a, 2, 0, a, 2)).toThrow(/'A' must be a Float32Array/);
    const addon = requireAddon();
    expect(() => addon.sgemmBatched(false, false, 1, 1, 1, a, new Int32Array([6]), a, new Int32Array([0]), a)).toThrow(/aOffsets\[0\] out of range/);
  });

  it('works on views with a byte offset (subarray of a bigger buffer)', () => {
    const big = randn(20);
    const a = big.subarray(4, 10); // 2x3
    const b = big.subarray(10, 16); // 3x2
    const want = refGemm(false, false, 2, 2, 3, 1, a, 3, b, 2, 0, new Float32Array(4), 2);
    expectClose(matMulF32(a, b, 2, 2, 3), want);
  });
});
