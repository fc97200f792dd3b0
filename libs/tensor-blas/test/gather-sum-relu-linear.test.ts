/**
 * The native gather-sum-relu-linear kernel against its formula written out in JS: H with and without an 8-float tail,
 * run counts over one pass of 5 (10, 12) and none, class counts split into several output groups (13, 17).
 */
import { describe, expect, it } from 'vitest';
import { requireAddon } from '../src/index.js';
import { built, titled } from './native-status.js';
import { randnArray, seededNormal } from './random.js';

const normal = seededNormal(5);

function reference(rows: Float32Array, off: Int32Array, n: number, W: number, H: number, bias: Float32Array, ut: Float32Array, ob: Float32Array, C: number): Float64Array {
  const out = new Float64Array(n * C);
  for (let t = 0; t < n; t++) {
    const a = new Float64Array(H);
    for (let h = 0; h < H; h++) {
      let v = bias[h];
      for (let p = 0; p < W; p++) v += rows[off[t * W + p] + h];
      a[h] = Math.max(0, v);
    }
    for (let c = 0; c < C; c++) {
      let d = ob[c];
      for (let h = 0; h < H; h++) d += a[h] * ut[c * H + h];
      out[t * C + c] = d;
    }
  }
  return out;
}

describe.skipIf(!built)(titled('native gatherSumReluLinear'), () => {
  for (const [H, W, C] of [[300, 5, 9], [37, 3, 4], [8, 1, 1], [16, 7, 13], [300, 10, 9], [20, 12, 17], [12, 0, 2]]) {
    it(`equals the formula (H ${H}, width ${W}, C ${C})`, () => {
      const parts = 11;
      const n = 23;
      const rows = randnArray(normal, parts * W * H);
      const off = Int32Array.from({ length: n * W }, (_, i) => (((i * 7) % parts) * W + (i % W)) * H);
      const bias = randnArray(normal, H);
      const ut = randnArray(normal, C * H);
      const ob = randnArray(normal, C);
      const scores = new Float32Array(n * C);
      requireAddon().gatherSumReluLinear(rows, off, n, W, H, bias, ut, ob, C, scores);
      const ref = reference(rows, off, n, W, H, bias, ut, ob, C);
      for (let i = 0; i < scores.length; i++) expect(Math.abs(scores[i] - ref[i])).toBeLessThan(1e-4 * Math.max(1, Math.abs(ref[i])));
    });
  }

  it('sums each item\'s own number of runs when given starts (none, one, several passes)', () => {
    const [H, C, parts] = [21, 10, 6];
    const counts = [0, 1, 5, 7, 12, 3, 0, 10];
    const starts = Int32Array.from({ length: counts.length + 1 }, (_, t) => counts.slice(0, t).reduce((a, b) => a + b, 0));
    const total = starts[counts.length];
    const rows = randnArray(normal, parts * H);
    const off = Int32Array.from({ length: total }, (_, i) => ((i * 5) % parts) * H);
    const bias = randnArray(normal, H);
    const ut = randnArray(normal, C * H);
    const ob = randnArray(normal, C);
    const scores = new Float32Array(counts.length * C);
    requireAddon().gatherSumReluLinear(rows, off, counts.length, 0, H, bias, ut, ob, C, scores, starts);
    counts.forEach((k, t) => {
      const ref = reference(rows, off.subarray(starts[t], starts[t + 1]), 1, k, H, bias, ut, ob, C);
      for (let c = 0; c < C; c++) expect(Math.abs(scores[t * C + c] - ref[c])).toBeLessThan(1e-4 * Math.max(1, Math.abs(ref[c])));
    });
    const f = (k: number) => new Float32Array(k);
    expect(() => requireAddon().gatherSumReluLinear(f(8), Int32Array.from([0]), 2, 0, 8, f(8), f(8), f(1), 1, f(2), Int32Array.from([0, 1, 0]))).toThrow(/gatherSumReluLinear: starts\[2\] is below starts\[1\]/);
    expect(() => requireAddon().gatherSumReluLinear(f(8), Int32Array.from([0]), 2, 0, 8, f(8), f(8), f(1), 1, f(2), Int32Array.from([0, 1, 2]))).toThrow(/gatherSumReluLinear: starts end at 2, past the 1 offsets/);
  });

  it('rejects an offset that runs past the rows, naming it', () => {
    const f = (k: number) => new Float32Array(k);
    expect(() => requireAddon().gatherSumReluLinear(f(16), Int32Array.from([9]), 1, 1, 8, f(8), f(8), f(1), 1, f(1))).toThrow(/gatherSumReluLinear: offset 9 at 0 leaves no room for H floats/);
    expect(() => requireAddon().gatherSumReluLinear(f(16), Int32Array.from([0]), 2, 1, 8, f(8), f(8), f(1), 1, f(2))).toThrow(/gatherSumReluLinear: offsets has 1 values/);
  });
});
