/** ConcatWindow: the layout of a window row, its gradients (nn gradCheck) and its errors. */
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, Rng, tf } from '@window-ner/tensor';
import { ConcatWindow, Embedding, buildLayer, flushSparseGrad, gradCheck, type SparseParam } from '../src/index.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu', log: null });
});

const ctx = { training: false, rng: new Rng(1) };

/** Two tables: words (4 rows x 3) and a fixed one-hot (2 rows x 2). */
function layer() {
  const words = new Embedding({ name: 'words', rows: 4, dim: 3 }, new Rng(2));
  const onehot = new Embedding({ name: 'flags', rows: 2, dim: 2, trainable: false }, undefined, Float32Array.from([1, 0, 0, 1]));
  return { words, onehot, window: new ConcatWindow([{ layer: words, dim: 3 }, { layer: onehot, dim: 2 }], 3, 'w') };
}

describe('ConcatWindow', () => {
  it('lays a window row out position by position, the parts concatenated within a position', () => {
    const { words, window } = layer();
    expect([window.positionDim, window.outputDim, ...window.offsets]).toEqual([5, 15, 0, 3]);
    // Two windows of width 3.
    const ids = [Int32Array.from([0, 1, 2, 3, 3, 0]), Int32Array.from([1, 0, 1, 0, 0, 1])];
    const y = tf.tidy(() => window.forward(ids, ctx).y);
    expect(y.shape).toEqual([2, 15]);
    const v = Array.from(y.dataSync());
    y.dispose();
    const row = (r: number) => Array.from(words.table.table.subarray(r * 3, r * 3 + 3));
    const flag = (f: number) => (f ? [0, 1] : [1, 0]);
    const want = [0, 1, 2, 3, 3, 0].flatMap((w, i) => [...row(w), ...flag(ids[1][i])]);
    expect(v).toEqual(want);
  });

  it('routes dL/dy back to each trainable part as row-sparse gradients (gradient check)', () => {
    const { words, window } = layer();
    const ids = [Int32Array.from([0, 1, 2, 2, 2, 3, 1, 0, 1]), Int32Array.from([0, 0, 1, 1, 0, 1, 0, 1, 1])];
    const r = new Rng(3);
    const R = Float32Array.from({ length: 3 * 15 }, () => r.uniform(-1, 1));
    const loss = () => {
      const y = tf.tidy(() => window.forward(ids, ctx).y);
      const v = y.dataSync() as Float32Array;
      y.dispose();
      return v.reduce((a, x, i) => a + x * R[i], 0);
    };
    const backward = () => tf.tidy(() => {
      window.forward(ids, ctx).backward(tf.tensor2d(R, [3, 15]));
    });
    const result = gradCheck(window.params(), loss, backward, { floor: 1e-2 });
    expect(result.checked).toBe(12); // every entry of the trainable table; the fixed one has none
    expect(result.maxRelError, JSON.stringify(result.worst)).toBeLessThan(1e-3);
    // Row 2 appears three times, at positions 2, 3, 4 (and so gets three slices of R summed).
    backward();
    const p = words.table as SparseParam;
    flushSparseGrad(p);
    const at = Array.from(p.gradRows!).indexOf(2);
    const slice = (pos: number) => R.subarray(pos * 5, pos * 5 + 3);
    [0, 1, 2].forEach((j) => expect(p.grad![at * 3 + j]).toBeCloseTo(slice(2)[j] + slice(3)[j] + slice(4)[j], 5));
  });

  it('writes rows in place (gatherInto) with the same output and gradients as going through each part\'s forward', () => {
    const run = (hide: boolean) => {
      const { words, onehot } = layer();
      // A part that offers only forward: ConcatWindow must interleave its output and split dL/dy back.
      const plain = (e: Embedding) => (hide ? { name: e.name, forward: e.forward.bind(e), params: () => e.params(), getConfig: () => e.getConfig() } : e);
      const window = new ConcatWindow([{ layer: plain(words), dim: 3 }, { layer: plain(onehot), dim: 2 }], 3, 'w');
      const ids = [Int32Array.from([0, 1, 2, 2, 2, 3]), Int32Array.from([0, 0, 1, 1, 0, 1])];
      const dy = Float32Array.from({ length: 2 * 15 }, (_, i) => Math.sin(i + 1));
      const y = tf.tidy(() => {
        const r = window.forward(ids, { training: true, rng: new Rng(4) });
        r.backward(tf.tensor2d(dy, [2, 15]));
        return r.y;
      });
      const values = Array.from(y.dataSync());
      y.dispose();
      const p = words.table as SparseParam;
      flushSparseGrad(p);
      const grad = Array.from(p.gradRows!).sort().map((row) => Array.from(p.grad!.subarray(Array.from(p.gradRows!).indexOf(row) * 3, Array.from(p.gradRows!).indexOf(row) * 3 + 3)));
      return { values, grad };
    };
    const fast = run(false);
    const slow = run(true);
    expect(fast.values).toEqual(slow.values);
    expect(fast.grad.length).toBe(4);
    fast.grad.flat().forEach((g, i) => expect(g).toBeCloseTo(slow.grad.flat()[i], 6));
  });

  it('rebuilds from its config, and says what is wrong with its input', () => {
    const { window } = layer();
    const copy = buildLayer<ConcatWindow>(window.getConfig());
    expect(copy.outputDim).toBe(15);
    expect(() => window.forward([Int32Array.from([0, 1, 2])], ctx)).toThrow(/ConcatWindow "w": 1 id arrays for 2 parts/);
    expect(() => window.forward([Int32Array.from([0, 1]), Int32Array.from([0, 1])], ctx)).toThrow(/2 ids is not a multiple of the window width 3/);
    expect(() => window.forward([Int32Array.from([0, 1, 2]), Int32Array.from([0, 1, 0, 1, 0, 1])], ctx)).toThrow(/part 1 has 6 ids, part 0 has 3/);
  });
});
