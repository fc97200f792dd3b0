/**
 * The native Adam host kernel (the 'native' backend's) against the JS loop: same steps, same data, dense and
 * row-sparse params, with clipping and L2 — equal within float-vs-double rounding (a few ulps). Skipped where the addon did
 * not build, except in CI (WINDOW_NER_REQUIRE_NATIVE=1), where a missing kernel is a failure.
 */
import { afterAll, describe, expect, it } from 'vitest';
import { hostKernels, initBackend, Rng, tf } from '@window-ner/tensor';
import { createOptimizer, denseParam, sparseParam, type Param } from '../src/index.js';

async function nativeLoads(): Promise<boolean> {
  try {
    await initBackend({ backend: 'native', log: null });
    return hostKernels() !== null;
  } catch (e) {
    if (process.env.WINDOW_NER_REQUIRE_NATIVE === '1') throw e;
    return false;
  }
}
const haveNative = await nativeLoads();

afterAll(async () => {
  await initBackend({ backend: 'cpu', log: null });
});

/** Run `steps` Adam steps from a seeded start on one dense [40, 30] and one sparse [50, 16] param; return the values. */
function run(steps: number): { dense: Float32Array; table: Float32Array } {
  const rng = new Rng(7);
  const init = (n: number) => Float32Array.from({ length: n }, () => rng.normal(0, 1));
  const w = denseParam('w', tf.tensor2d(init(40 * 30), [40, 30]), { regularize: true });
  const table = sparseParam('table', 50, 16, init(50 * 16));
  const opt = createOptimizer({ type: 'adam', lr: 0.01 });
  const params: Param[] = [w, table];
  for (let s = 0; s < steps; s++) {
    w.grad = tf.keep(tf.tensor2d(init(40 * 30), [40, 30]));
    table.gradRows = Int32Array.from([3, 17, 0, 49, 20 + s]);
    table.grad = init(5 * 16);
    opt.step(params, { l2: 0.01, clipNorm: 20 });
  }
  const dense = (w.value.dataSync() as Float32Array).slice();
  w.value.dispose();
  return { dense, table: table.table.slice() };
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

describe.skipIf(!haveNative)('native Adam host kernel', () => {
  it('gives the JS rule\'s values (dense and row-sparse, clipping and L2 on)', async () => {
    await initBackend({ backend: 'native', log: null });
    expect(hostKernels()).not.toBeNull();
    const native = run(5);
    await initBackend({ backend: 'cpu', log: null });
    expect(hostKernels()).toBeNull();
    const js = run(5);
    // Values are ~N(0, 1) and each step moves them by ~lr = 0.01: a few float32 ulps of difference is all
    // float-vs-double arithmetic may leave, 1e-4 of the distance travelled.
    expect(maxAbsDiff(native.dense, js.dense)).toBeLessThan(1e-6);
    expect(maxAbsDiff(native.table, js.table)).toBeLessThan(1e-6);
    // The steps did move the values: the comparison is not of two untouched starts.
    const start = run(0);
    expect(maxAbsDiff(js.dense, start.dense)).toBeGreaterThan(0.01);
    expect(maxAbsDiff(js.table, start.table)).toBeGreaterThan(0.01);
  });

  it('rejects wrong lengths and rows outside the table with a named error', async () => {
    await initBackend({ backend: 'native', log: null });
    const k = hostKernels()!;
    const f = (n: number) => new Float32Array(n);
    expect(() => k.adamUpdate(f(8), f(7), f(8), f(8), null, 8, 1, 0, 0.9, 0.999, 1e-8, 0.001)).toThrow(/adamUpdate: g length 7 != w length 8/);
    expect(() => k.adamUpdate(f(8), f(4), f(8), f(8), Int32Array.from([2]), 4, 1, 0, 0.9, 0.999, 1e-8, 0.001)).toThrow(/adamUpdate: row 2 outside \[0, 2\)/);
  });
});
