/** What each layer does beyond its gradient: train/test behaviour, sparse rows, shapes and error messages. */
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, Rng, tf } from '@window-ner/tensor';
import { BatchNorm, Dense, Dropout, Embedding, LayerNorm, Softmax, buildLayer, chain, createOptimizer, flushSparseGrad, type AnyLayer } from '../src/index.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu', log: null });
});

const train = () => ({ training: true, rng: new Rng(1) });
const test = () => ({ training: false, rng: new Rng(1) });
const host = (t: tf.Tensor) => Array.from(t.dataSync());

function randn(n: number, d: number, seed: number, mean = 0, std = 1): tf.Tensor2D {
  const r = new Rng(seed);
  return tf.tensor2d(Float32Array.from({ length: n * d }, () => r.normal(mean, std)), [n, d]);
}

describe('Dense', () => {
  it('computes g(xW + b) and its config names the activation', () => {
    const d = new Dense({ inputDim: 2, units: 1, activation: 'sigmoid', kernelInitializer: 'ones', biasInitializer: 'ones' });
    const y = d.forward(tf.tensor2d([[1, 2], [-1, -1]]), test()).y;
    const expected = [4, -1].map((z) => 1 / (1 + Math.exp(-z)));
    host(y).forEach((v, i) => expect(v).toBeCloseTo(expected[i], 6));
    expect(d.getConfig()).toMatchObject({ type: 'dense', inputDim: 2, units: 1, activation: 'sigmoid', useBias: true });
    expect(d.W.regularize).toBe(true);
    expect(d.b!.regularize).toBe(false);
  });

  it('says which layer and what shape on a mismatch, and names unknown activations/initializers', () => {
    const d = new Dense({ name: 'hidden0', inputDim: 525, units: 3 });
    expect(() => d.forward(tf.zeros([4, 520]), test())).toThrow(/Dense "hidden0" input: shape mismatch, expected \[n, 525\], got \[4, 520\]/);
    expect(() => new Dense({ inputDim: 2, units: 2, activation: 'swish' })).toThrow(/unknown activation "swish"; known: .*leakyRelu.*sigmoid/);
    expect(() => new Dense({ inputDim: 2, units: 2, kernelInitializer: 'orthogonal' })).toThrow(/unknown initializer "orthogonal"; known:/);
    expect(() => new Dense({ inputDim: 0, units: 2 })).toThrow(/inputDim must be a positive integer, got 0/);
  });
});

describe('Embedding', () => {
  it('looks up rows, and backward sums duplicate ids into unique rows (only rows in the batch)', () => {
    const table = Float32Array.from({ length: 6 * 2 }, (_, i) => i);
    const e = new Embedding({ name: 'emb', rows: 6, dim: 2 }, new Rng(), table);
    const ids = Int32Array.from([4, 1, 4, 4]);
    const { y, backward } = e.forward(ids, train());
    expect(y.shape).toEqual([4, 2]);
    expect(host(y)).toEqual([8, 9, 2, 3, 8, 9, 8, 9]);
    tf.tidy(() => {
      backward(tf.tensor2d([[1, 10], [2, 20], [3, 30], [4, 40]]));
    });
    flushSparseGrad(e.table);
    const rows = Array.from(e.table.gradRows!);
    const byRow = new Map(rows.map((r, i) => [r, Array.from(e.table.grad!.subarray(i * 2, i * 2 + 2))]));
    expect(rows.sort()).toEqual([1, 4]);
    expect(byRow.get(4)).toEqual([8, 80]);
    expect(byRow.get(1)).toEqual([2, 20]);
  });

  it('an optimizer step changes only the rows in the batch', () => {
    const e = new Embedding({ rows: 1000, dim: 8 }, new Rng(2));
    const before = e.table.table.slice();
    const { backward } = e.forward(Int32Array.from([3, 999, 3]), train());
    tf.tidy(() => {
      backward(tf.ones([3, 8]));
    });
    createOptimizer({ type: 'adam', lr: 0.1 }).step(e.params());
    for (let r = 0; r < 1000; r++) {
      const changed = e.table.table.subarray(r * 8, r * 8 + 8).some((v, j) => v !== before[r * 8 + j]);
      expect(changed, `row ${r}`).toBe(r === 3 || r === 999);
    }
  });

  it('windows: inputLength ids per example give [n, inputLength * dim]; bad ids say where', () => {
    const e = new Embedding({ name: 'words', rows: 5, dim: 3, inputLength: 5 }, new Rng(3));
    expect(e.forward(new Int32Array(10), test()).y.shape).toEqual([2, 15]);
    expect(() => e.forward(Int32Array.from([0, 1, 7, 2, 3]), test())).toThrow(/Embedding "words": id 7 at position 2 is outside \[0, 5\)/);
    expect(() => e.forward(new Int32Array(7), test())).toThrow(/7 ids is not a multiple of inputLength 5/);
  });
});

describe('Dropout (inverted, keep probability p)', () => {
  it('is the identity at test time', () => {
    const x = randn(10, 10, 4);
    expect(host(new Dropout({ keepProb: 0.5 }).forward(x, test()).y)).toEqual(host(x));
  });

  it('at training keeps units with probability p and scales them by 1/p; backward uses the same mask', () => {
    const x = tf.ones([200, 100]);
    const p = 0.8;
    const { y, backward } = new Dropout({ keepProb: p }).forward(x, train());
    const v = host(y);
    const kept = v.filter((a) => a !== 0);
    for (const a of kept) expect(a).toBeCloseTo(1 / p, 5);
    // 20,000 Bernoulli(0.8) draws: sd of the kept fraction is 0.0028; 0.02 is 7 sd.
    expect(kept.length / v.length).toBeGreaterThan(p - 0.02);
    expect(kept.length / v.length).toBeLessThan(p + 0.02);
    expect(host(backward(tf.ones([200, 100])))).toEqual(v);
  });

  it('masks come from a seeded pool: the same rng gives the same mask, the next draw another', () => {
    const x = tf.ones([50, 40]);
    const d = new Dropout({ keepProb: 0.5 });
    const rng = new Rng(4);
    const a = host(d.forward(x, { training: true, rng }).y);
    const b = host(d.forward(x, { training: true, rng }).y);
    expect(b).not.toEqual(a);
    expect(host(new Dropout({ keepProb: 0.5 }).forward(x, { training: true, rng: new Rng(4) }).y)).toEqual(a);
  });

  it('rejects a keep probability outside (0, 1]', () => {
    expect(() => new Dropout({ keepProb: 0 })).toThrow(/keepProb must be > 0/);
    expect(() => new Dropout({ keepProb: 1.5 })).toThrow(/keepProb must be a finite number in \[0, 1\], got 1.5/);
    expect(() => new Dropout({ keepProb: NaN })).toThrow(/got NaN/);
  });
});

describe('BatchNorm', () => {
  it('training normalises with batch statistics and moves the running averages toward them', () => {
    const bn = new BatchNorm({ dim: 3, momentum: 0.5 });
    const x = randn(500, 3, 5, 4, 3); // mean 4, std 3
    const y = bn.forward(x, train()).y;
    const { mean, variance } = tf.moments(y, 0);
    host(mean).forEach((m) => expect(Math.abs(m)).toBeLessThan(1e-4));
    host(variance).forEach((v) => expect(v).toBeCloseTo(1, 3));
    const bm = host(tf.moments(x, 0).mean);
    // running = 0.5 * initial (0 / 1) + 0.5 * batch
    host(bn.runningMean.value).forEach((m, i) => expect(m).toBeCloseTo(0.5 * bm[i], 4));
    host(bn.runningVar.value).forEach((v) => expect(v).toBeGreaterThan(0.5 + 0.5 * 6)); // batch var ≈ 9
  });

  it('test mode uses the running averages, not the batch: one example gives the same output alone or in a batch', () => {
    const bn = new BatchNorm({ dim: 2, momentum: 0 }); // momentum 0: running stats = last batch's
    bn.forward(randn(1000, 2, 6, 10, 2), train());
    const batch = tf.tensor2d([[-3, 0], [1, 2], [5, 5], [0, 0], [2, 9]]);
    const all = host(bn.forward(batch, test()).y);
    const one = host(bn.forward(batch.slice([0, 0], [1, 2]), test()).y);
    expect(one[0]).toBeCloseTo(all[0], 5);
    // with running mean ≈ 10 and std ≈ 2, an input of -3 maps to about (-3 - 10) / 2 = -6.5
    expect(all[0]).toBeLessThan(-5.5);
    expect(all[0]).toBeGreaterThan(-7.5);
    // whereas training mode would renormalise this batch to mean 0
    const trainOut = host(tf.mean(bn.forward(batch, train()).y, 0));
    trainOut.forEach((m) => expect(Math.abs(m)).toBeLessThan(1e-4));
  });
});

describe('LayerNorm and Softmax', () => {
  it('LayerNorm gives every row mean 0 and variance 1', () => {
    const y = new LayerNorm({ dim: 8 }).forward(randn(4, 8, 8, 5, 3), test()).y;
    const { mean, variance } = tf.moments(y, 1);
    host(mean).forEach((m) => expect(Math.abs(m)).toBeLessThan(1e-5));
    host(variance).forEach((v) => expect(v).toBeCloseTo(1, 3));
  });

  it('Softmax rows sum to 1', () => {
    host(tf.sum(new Softmax().forward(randn(3, 5, 9), test()).y, 1)).forEach((s) => expect(s).toBeCloseTo(1, 6));
  });
});

describe('chain and the layer registry', () => {
  it('builds a chain from JSON config and rejects duplicate param names and unknown types', () => {
    const net = buildLayer<AnyLayer>({ type: 'chain', name: 'net', layers: [
      { type: 'embedding', name: 'emb', rows: 10, dim: 4, inputLength: 3 },
      { type: 'dense', name: 'h', inputDim: 12, units: 5, activation: 'relu' },
      { type: 'dropout', keepProb: 0.5 },
      { type: 'dense', name: 'out', inputDim: 5, units: 2 },
    ] });
    expect(net.params().map((p) => p.name)).toEqual(['emb/table', 'h/W', 'h/b', 'out/W', 'out/b']);
    expect(net.forward(Int32Array.from([1, 2, 3, 4, 5, 6]), test()).y.shape).toEqual([2, 2]);
    expect(() => chain(new Dense({ name: 'same', inputDim: 1, units: 1 }), new Dense({ name: 'same', inputDim: 1, units: 1 }))).toThrow(/two params are named "same\/W"/);
    expect(() => buildLayer({ type: 'conv2d' })).toThrow(/unknown layer "conv2d"; known: .*dense.*embedding/);
  });

  it('a shape mismatch inside a chain names the layer', () => {
    const net = chain(new Dense({ name: 'a', inputDim: 4, units: 3 }), new Dense({ name: 'b', inputDim: 5, units: 1 }));
    expect(() => net.forward(tf.zeros([2, 4]), test())).toThrow(/Dense "b" input: shape mismatch, expected \[n, 5\], got \[2, 3\]/);
  });
});
