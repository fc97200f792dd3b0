/** Conv1D and MaxPool over ragged sequences: known values, edges, and centred-difference gradient checks. */
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, Rng, tf } from '@window-ner/tensor';
import {
  Conv1D, Embedding, Highway, MaxPool, checkLayer, accumulateDenseGrad, buildLayer, denseParam, gradCheck, setParamValues, type DenseParam, type Param, type Ragged,
} from '../src/index.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu', log: null });
});

const CTX = { training: true, rng: new Rng(0) };
const TOL = 1e-3;
const CHECK = { floor: 1e-2, samplesPerParam: 40 };

function ragged(values: number[], dim: number, lengths: number[]): Ragged {
  return { data: tf.tensor2d(values, [values.length / dim, dim]), lengths: Int32Array.from(lengths) };
}

function run(layer: Conv1D | MaxPool, x: Ragged): number[] {
  return Array.from(tf.tidy(() => layer.forward(x, CTX).y).dataSync());
}

/** Σ y ⊙ R in float64 for a fixed random R, so every output entry matters. */
function weightedSum(y: Float32Array, seed: number): { sum: number; R: Float32Array } {
  const r = new Rng(seed);
  const R = Float32Array.from(y, () => r.uniform(-1, 1));
  let sum = 0;
  for (let i = 0; i < y.length; i++) sum += y[i] * R[i];
  return { sum, R };
}

/** gradCheck of `params` under L = Σ y ⊙ R; `onDx` gets backward's return value (inside the step's tidy). */
function checkThrough(forward: () => { y: tf.Tensor; backward: (dy: tf.Tensor) => unknown }, params: Param[], seed: number, onDx?: (dx: unknown) => void) {
  let R: Float32Array | null = null;
  let shape: number[] = [];
  const loss = () => {
    const y = tf.tidy(() => forward().y);
    const w = weightedSum(y.dataSync() as Float32Array, seed);
    R ??= w.R;
    shape = y.shape;
    y.dispose();
    return w.sum;
  };
  const backward = () => {
    loss();
    tf.tidy(() => {
      const dx = forward().backward(tf.tensor(R!, shape));
      onDx?.(dx);
    });
  };
  return gradCheck(params, loss, backward, CHECK);
}

describe('Conv1D', () => {
  it('convolves each sequence on its own, zero-padded at its edges', () => {
    const conv = new Conv1D({ inputDim: 1, filters: 1, width: 3 });
    // W_j for positions t-1, t, t+1.
    setParamValues(conv.projection.W, Float32Array.from([1, 2, 3]));
    setParamValues(conv.b!, Float32Array.from([0.5]));
    const y = run(conv, ragged([1, 2, 3, 4, 5], 1, [3, 2]));
    // [1,2,3]: 0+2+6, 1+4+9, 2+6+0; [4,5]: 0+8+15, 4+10+0 (never 3 or 4 across the boundary); +0.5 bias.
    expect(y).toEqual([8.5, 14.5, 8.5, 23.5, 14.5]);
  });

  it('puts an even width left of centre and handles several filters and channels', () => {
    const conv = new Conv1D({ inputDim: 2, filters: 2, width: 2, useBias: false });
    expect(conv.left).toBe(0);
    // W [channel, slot·filters + filter]: W_0 is the identity, W_1 ten times it.
    setParamValues(conv.projection.W, Float32Array.from([1, 0, 10, 0, 0, 1, 0, 10]));
    const y = run(conv, ragged([1, 2, 3, 4], 2, [2]));
    // t=0 reads rows 0 and 1: filter 0 = x0c0 + 10·x1c0 = 1 + 30, filter 1 = x0c1 + 10·x1c1 = 2 + 40; t=1 reads row 1 only.
    expect(y).toEqual([31, 42, 3, 4]);
  });

  it('gives an empty output for an empty batch and refuses rows that do not match the lengths', () => {
    const conv = new Conv1D({ inputDim: 3, filters: 2, width: 3 });
    expect(tf.tidy(() => conv.forward(ragged([], 3, [0, 0]), CTX).y).shape).toEqual([0, 2]);
    expect(() => conv.forward(ragged([1, 2, 3, 4, 5, 6], 3, [1]), CTX)).toThrow(/data has 2 rows for 1 positions/);
    expect(() => conv.forward({ ...ragged([1, 2, 3], 3, [2]), index: Int32Array.of(0, 1) }, CTX)).toThrow(/index\[1\] = 1 is outside \[0, 1\)/);
  });

  it('reads shared rows through an index exactly as it reads them written out', () => {
    const conv = new Conv1D({ inputDim: 2, filters: 3, width: 3, activation: 'tanh' }, new Rng(8));
    const table = [0.5, -1, 2, 0.25, -0.75, 1.5];
    const index = Int32Array.of(2, 0, 0, 1, /* */ 1, 2);
    const expanded = Array.from(index).flatMap((r) => table.slice(r * 2, r * 2 + 2));
    const viaIndex = tf.tidy(() => conv.forward({ ...ragged(table, 2, [4, 2]), index }, CTX).y.arraySync());
    const written = tf.tidy(() => conv.forward(ragged(expanded, 2, [4, 2]), CTX).y.arraySync());
    expect(viaIndex).toEqual(written);
  });

  it('is rebuilt from its config by the layer registry', () => {
    const conv = new Conv1D({ name: 'charConv', inputDim: 4, filters: 5, width: 3, activation: 'tanh' });
    const again = buildLayer<Conv1D>(conv.getConfig());
    expect(again.getConfig()).toEqual(conv.getConfig());
    expect(again.params().map((p) => p.name)).toEqual(['charConv/W', 'charConv/b']);
  });

  for (const [activation, width, indexed] of [['tanh', 3, false], ['linear', 2, false], ['relu', 5, false], ['tanh', 3, true]] as const) {
    it(`passes a gradient check of W, b and the input (${activation}, width ${width}${indexed ? ', rows through an index' : ''})`, () => {
      const C = 3;
      const lengths = [4, 1, 0, 6, 2];
      const T = lengths.reduce((a, b) => a + b, 0);
      const r = new Rng(9);
      // Indexed: 5 shared rows, each read at several positions (their gradients sum).
      const index = indexed ? Int32Array.from({ length: T }, (_, t) => (t * 3) % 5) : undefined;
      const rows = indexed ? 5 : T;
      const conv = new Conv1D({ inputDim: C, filters: 4, width, activation }, new Rng(2));
      // The input is a param here so gradCheck perturbs it too: its gradient is the layer's dL/dx.
      const input: DenseParam = denseParam('input', tf.tensor2d(Float32Array.from({ length: rows * C }, () => r.normal(0, 1)), [rows, C]));
      const x = () => ({ data: input.value as unknown as tf.Tensor2D, lengths: Int32Array.from(lengths), index });
      const res = checkThrough(() => conv.forward(x(), CTX), [...conv.params(), input], 5, (dx) => accumulateDenseGrad(input, dx as tf.Tensor));
      expect(res.checked).toBeGreaterThan(50);
      // A shared row sums the gradients of every position that reads it: the centred difference of that larger
      // sum carries eps² truncation near 1e-3 relative (tanh's curvature), still 100x below a wrong gradient's.
      expect(res.maxRelError, JSON.stringify(res.worst)).toBeLessThan(indexed ? 2e-3 : TOL);
    });
  }
});

describe('MaxPool', () => {
  it('takes each column’s maximum per sequence; an empty sequence gives zeros', () => {
    const pool = new MaxPool({ dim: 2 });
    const y = run(pool, ragged([1, -5, 3, -7, 2, -6, /* next */ -1, -2], 2, [3, 0, 1]));
    expect(y).toEqual([3, -5, 0, 0, -1, -2]);
  });

  it('routes the gradient to the row of each maximum', () => {
    const pool = new MaxPool({ dim: 2 });
    const dx = tf.tidy(() => pool.forward(ragged([1, 9, 4, 2, 3, 8], 2, [3]), CTX).backward(tf.tensor2d([[10, 20]])));
    expect(Array.from(dx.dataSync())).toEqual([0, 20, 10, 0, 0, 0]);
    expect(dx.shape).toEqual([3, 2]);
  });

  it('chained after an Embedding and a Conv1D (a character CNN) passes a gradient check of every param', () => {
    const emb = new Embedding({ rows: 7, dim: 3 }, new Rng(4));
    const conv = new Conv1D({ inputDim: 3, filters: 5, width: 3, activation: 'tanh' }, new Rng(5));
    const pool = new MaxPool({ dim: 5 });
    // Words as character ids, packed: repeated characters share embedding rows.
    const ids = Int32Array.from([1, 2, 3, 2, /* */ 4, /* */ 5, 6, 5, 1, 0, 3]);
    const lengths = Int32Array.from([4, 1, 6]);
    const forward = () => {
      const e = emb.forward(ids, CTX);
      const c = conv.forward({ data: e.y as tf.Tensor2D, lengths }, CTX);
      const p = pool.forward({ data: c.y as tf.Tensor2D, lengths }, CTX);
      return { y: p.y, backward: (dy: tf.Tensor) => e.backward(c.backward(p.backward(dy))) };
    };
    const res = checkThrough(forward, [...emb.params(), ...conv.params()], 6);
    expect(res.checked).toBeGreaterThan(60);
    expect(res.maxRelError, JSON.stringify(res.worst)).toBeLessThan(TOL);
  });
});

describe('Highway', () => {
  it('carries the input where the gate is shut and transforms it where it is open', () => {
    const shut = new Highway({ dim: 2, gateBias: -100 }, new Rng(1));
    const open = new Highway({ dim: 2, gateBias: 100 }, new Rng(1));
    const x = tf.tensor2d([[0.5, -2]]);
    expect(Array.from(tf.tidy(() => shut.forward(x, CTX).y).dataSync())).toEqual([0.5, -2]);
    const h = tf.tidy(() => open.transform.forward(x, CTX).y).dataSync();
    const y = tf.tidy(() => open.forward(x, CTX).y).dataSync();
    // x + t(h − x) with t = 1 in float32: h up to one rounding.
    h.forEach((v, i) => expect(y[i]).toBeCloseTo(v, 6));
  });

  it('passes a gradient check of both Dense layers and the input, and rebuilds from its config', () => {
    const hw = new Highway({ dim: 4, activation: 'tanh', gateBias: 0 }, new Rng(6));
    const r = new Rng(2);
    const res = checkLayer(hw, { values: Float32Array.from({ length: 20 }, () => r.normal(0, 1)), shape: [5, 4] }, CHECK);
    expect(res.checked).toBeGreaterThanOrEqual(60);
    expect(res.maxRelError, JSON.stringify(res.worst)).toBeLessThan(TOL);
    expect(buildLayer<Highway>(hw.getConfig()).getConfig()).toEqual(hw.getConfig());
  });
});
