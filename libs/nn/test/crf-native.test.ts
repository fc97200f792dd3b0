/**
 * The tagging batch functions crfViterbiBatch and crfConfidenceBatch: on the cpu backend (JS, sequence by
 * sequence) against crfViterbi / crfMarginals, and on the native backend (the addon's kernels) against the JS
 * results: the same paths, confidences within float rounding, the log-space fallback included. The native half is
 * skipped where the addon (or an addon with these kernels) is not built, except in CI (WINDOW_NER_REQUIRE_NATIVE=1).
 */
import { afterAll, describe, expect, it } from 'vitest';
import { hostKernels, initBackend, Rng } from '@window-ner/tensor';
import { crfConfidenceBatch, CrfScratch, CrfTransitions, crfMarginals, crfViterbi, crfViterbiBatch, transitionCount } from '../src/index.js';

async function nativeCrfLoads(): Promise<boolean> {
  try {
    await initBackend({ backend: 'native', log: null });
    if (!hostKernels()?.crfViterbiBatch) throw new Error('the native addon has no crf kernels: rebuild it (npm rebuild @window-ner/tensor-blas)');
    return true;
  } catch (e) {
    if (process.env.WINDOW_NER_REQUIRE_NATIVE === '1') throw e;
    return false;
  } finally {
    await initBackend({ backend: 'cpu', log: null });
  }
}
const haveNative = await nativeCrfLoads();

afterAll(async () => {
  await initBackend({ backend: 'cpu', log: null });
});

const L = 5; // O, B-1, I-1, B-2, I-2

/** A batch of 40 sequences of 0-7 rows; with `extreme`, the last one's scores are far beyond exp's range. */
function batch(rng: Rng, extreme = true) {
  const lengths = Array.from({ length: 40 }, (_, s) => (s * 3) % 8);
  const starts = Int32Array.from([0, ...lengths.map(((sum) => (n: number) => (sum += n))(0))]);
  const rows = starts[starts.length - 1];
  const e = Float32Array.from({ length: rows * L }, () => rng.normal(0, 3));
  const lastStart = starts[starts.length - 2];
  if (extreme) for (let k = lastStart * L; k < rows * L; k++) e[k] *= 300;
  const T = Float32Array.from({ length: transitionCount(L) }, () => rng.normal(0, 1));
  const masked = T.slice();
  for (const j of [2, 4]) {
    T[L * L + j] = -10000; // a trained crf head's BIO-invalid start and transitions
    masked[L * L + j] = -Infinity; // the decoder's mask
    for (let i = 0; i < L; i++) {
      if (i !== j - 1 && i !== j) {
        T[i * L + j] = -10000;
        masked[i * L + j] = -Infinity;
      }
    }
  }
  return { starts, rows, e, T, masked };
}

function perSequence(b: ReturnType<typeof batch>) {
  const path = new Int32Array(b.rows);
  const conf = new Float32Array(b.rows);
  const scratch = new CrfScratch();
  for (let s = 0; s + 1 < b.starts.length; s++) {
    const a = b.starts[s];
    const n = b.starts[s + 1] - a;
    crfViterbi(b.e.subarray(a * L, (a + n) * L), n, L, b.masked, path.subarray(a, a + n));
    crfMarginals(b.e.subarray(a * L, (a + n) * L), n, L, b.T, scratch, conf.subarray(a, a + n), path.subarray(a, a + n));
  }
  return { path, conf };
}

function batched(b: ReturnType<typeof batch>) {
  const path = new Int32Array(b.rows);
  const conf = new Float32Array(b.rows);
  crfViterbiBatch(b.e, b.starts, L, new CrfTransitions(b.masked, L), path);
  crfConfidenceBatch(b.e, b.starts, L, new CrfTransitions(b.T, L), path, conf);
  return { path, conf };
}

describe('crf batch functions', () => {
  it('on the cpu backend: the per-sequence results', () => {
    const b = batch(new Rng(21));
    const ref = perSequence(b);
    const got = batched(b);
    expect(Array.from(got.path)).toEqual(Array.from(ref.path));
    expect(Array.from(got.conf)).toEqual(Array.from(ref.conf));
    expect(got.conf.every((p) => p > 0 && p <= 1 + 1e-6)).toBe(true);
  });

  it('rejects sentence starts that do not fit the batch', () => {
    const e = new Float32Array(4 * L);
    expect(() => crfViterbiBatch(e, Int32Array.from([1, 4]), L, new Float32Array(transitionCount(L)), new Int32Array(4))).toThrow('starts must begin at 0');
    expect(() => crfViterbiBatch(e, Int32Array.from([0, 3, 2]), L, new Float32Array(transitionCount(L)), new Int32Array(4))).toThrow('starts[2] = 2 is below starts[1] = 3');
    expect(() => crfConfidenceBatch(e, Int32Array.from([0, 5]), L, new Float32Array(transitionCount(L)), new Int32Array(5), new Float32Array(5))).toThrow('starts end at 5, past the 4 rows');
  });
});

describe.skipIf(!haveNative)('crf batch functions on the native kernels', () => {
  it('give the JS paths and confidences (within float rounding), fallback sequence included', async () => {
    const b = batch(new Rng(22));
    const js = batched(b);
    await initBackend({ backend: 'native', log: null });
    try {
      const native = batched(b);
      expect(Array.from(native.path)).toEqual(Array.from(js.path));
      for (let r = 0; r < b.rows; r++) expect(Math.abs(native.conf[r] - js.conf[r])).toBeLessThan(1e-6);
      // The comparison is not of two untouched arrays: every row got a path and a confidence.
      expect(native.conf.every((p) => p > 0 && p <= 1 + 1e-6)).toBe(true);
      // Transitions of −700: every step's scale is ~1e-304, so both sides redo the batch in log space. (Not with
      // the extreme scores too: there nn's log-space recursion, which multiplies by exp(T), underflows.)
      const mild = batch(new Rng(23), false);
      const low = { ...mild, T: mild.T.map((v) => (v > -1000 ? v - 700 : v)) };
      const lowNative = batched(low);
      await initBackend({ backend: 'cpu', log: null });
      const lowJs = batched(low);
      for (let r = 0; r < low.rows; r++) expect(Math.abs(lowNative.conf[r] - lowJs.conf[r])).toBeLessThan(1e-6);
      expect(lowJs.conf.every((p) => p > 0 && p <= 1 + 1e-6)).toBe(true);
    } finally {
      await initBackend({ backend: 'cpu', log: null });
    }
  });

  it('check their arguments natively, naming the kernel', async () => {
    await initBackend({ backend: 'native', log: null });
    try {
      const k = hostKernels()!;
      const T = new Float64Array(transitionCount(L));
      expect(() => k.crfViterbiBatch!(new Float32Array(2 * L), Int32Array.from([0, 2]), L, new Float64Array(3), new Int32Array(2))).toThrow('crfViterbiBatch: T holds 3 scores, need (L + 2) x L = 35');
      expect(() => k.crfMarginalsBatch!(new Float32Array(2 * L), Int32Array.from([0, 2]), L, T, T, Int32Array.from([0, 7]), new Float32Array(2))).toThrow('crfMarginalsBatch: tags[1] is outside [0, L)');
      expect(() => k.crfViterbiBatch!(new Float32Array(2 * L), Int32Array.from([0, 3]), L, T, new Int32Array(3))).toThrow('crfViterbiBatch: starts end at 3, past the 2 rows');
    } finally {
      await initBackend({ backend: 'cpu', log: null });
    }
  });
});
