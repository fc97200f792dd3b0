import { describe, expect, it } from 'vitest';
import { BlockSum } from '../src/tagging/simd-sum';

describe('BlockSum (fast-path summation kernel)', () => {
  const H = 8, W = 5, C = 3, slots = 300;
  const bias = Float32Array.from({ length: H }, (_, i) => i * 0.1 - 0.3);
  const U = Float32Array.from({ length: H * C }, (_, i) => Math.cos(i));
  const ob = Float32Array.from([0.5, -0.5, 0.25]);

  it('wasm SIMD and JS agree with a direct computation, across memory growth', () => {
    const simd = new BlockSum(H, W, bias, true, { U, bias: ob, C });
    const js = new BlockSum(H, W, bias, false, null);
    expect(simd.simd).toBe(true);
    expect(js.simd).toBe(false);
    for (const b of [simd, js]) {
      b.ensureBlocks(slots * W * H);
      for (let i = 0; i < b.blocks.length; i++) b.blocks[i] = Math.sin(i);
    }
    for (const n of [1, 37, 5000]) {
      const off = Int32Array.from({ length: n * W }, (_, i) => ((i * 7919) % slots) * W * H + (i % W) * H);
      const want = new Float32Array(n * H);
      for (let t = 0; t < n; t++) {
        for (let h = 0; h < H; h++) {
          let v = bias[h];
          for (let p = 0; p < W; p++) v += simd.blocks[off[t * W + p] + h];
          want[t * H + h] = Math.max(0, v);
        }
      }
      const a = simd.sum(off, n, true).slice();
      const b = js.sum(off, n, true);
      for (let i = 0; i < want.length; i++) {
        expect(Math.abs(a[i] - want[i])).toBeLessThan(1e-5);
        expect(Math.abs(b[i] - want[i])).toBeLessThan(1e-5);
      }
      const s = simd.scores(off, n);
      for (let t = 0; t < n; t++) {
        for (let c = 0; c < C; c++) {
          let v = ob[c];
          for (let h = 0; h < H; h++) v += want[t * H + h] * U[h * C + c];
          expect(Math.abs(s[t * C + c] - v)).toBeLessThan(1e-4);
        }
      }
    }
  });
});
