import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '@window-ner/tensor';
import { clipByGlobalNorm, createRegularizer, denseParam, globalGradNorm, l1, l2, regularizers, sparseParam, type DenseParam } from '../src/index.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu', log: null });
});

const grad = (p: DenseParam) => Array.from(p.grad!.dataSync());
const weightAndBias = () => {
  const W = denseParam('W', tf.tensor1d([1, -2, 3]), { regularize: true });
  const b = denseParam('b', tf.tensor1d([4, -5]), { regularize: false });
  W.grad = tf.keep(tf.tensor1d([0.1, 0.1, 0.1]));
  b.grad = tf.keep(tf.tensor1d([0.1, 0.1]));
  return { W, b };
};

describe('regularizers', () => {
  it('L2: penalty (λ/2)Σw² and gradient λw on weights, never on biases', () => {
    const { W, b } = weightAndBias();
    const reg = l2(0.5);
    expect(reg.penalty([W, b])).toBeCloseTo(0.25 * (1 + 4 + 9), 6);
    reg.addGrads([W, b]);
    grad(W).forEach((g, i) => expect(g).toBeCloseTo(0.1 + 0.5 * [1, -2, 3][i], 6));
    grad(b).forEach((g) => expect(g).toBeCloseTo(0.1, 6));
  });

  it('L1: penalty λΣ|w| and gradient λ sign(w) on weights, never on biases', () => {
    const { W, b } = weightAndBias();
    const reg = createRegularizer({ type: 'l1', lambda: 0.2 });
    expect(reg.penalty([W, b])).toBeCloseTo(0.2 * 6, 6);
    reg.addGrads([W, b]);
    grad(W).forEach((g, i) => expect(g).toBeCloseTo(0.1 + 0.2 * Math.sign([1, -2, 3][i]), 6));
    grad(b).forEach((g) => expect(g).toBeCloseTo(0.1, 6));
  });

  it('sparse tables: only the rows already in the batch get the penalty gradient', () => {
    const t = sparseParam('emb', 4, 2, Float32Array.from([1, 1, 2, 2, 3, 3, 4, 4]), { regularize: true });
    t.gradRows = Int32Array.from([2]);
    t.grad = Float32Array.from([0, 0]);
    l2(0.1).addGrads([t]);
    expect(Array.from(t.gradRows)).toEqual([2]);
    expect(Array.from(t.grad)).toEqual([0.3, 0.3].map(Math.fround));
  });

  it('registry names l1 and l2 and rejects a negative or NaN lambda', () => {
    expect(regularizers.names()).toEqual(['l1', 'l2']);
    expect(() => l2(-1)).toThrow('regularizer l2: lambda must be a finite number >= 0, got -1');
    expect(() => l1(NaN)).toThrow(/lambda .* got NaN/);
    expect(() => createRegularizer({ type: 'l3', lambda: 1 })).toThrow(/unknown regularizer "l3"; known: l1, l2/);
  });

  it('global-norm clipping scales every gradient (dense and sparse) by maxNorm / norm', () => {
    const a = denseParam('a', tf.tensor1d([0, 0]));
    a.grad = tf.keep(tf.tensor1d([3, 0]));
    const s = sparseParam('s', 3, 1, new Float32Array(3));
    s.gradRows = Int32Array.from([1]);
    s.grad = Float32Array.from([4]);
    expect(globalGradNorm([a, s])).toBeCloseTo(5, 6);
    expect(clipByGlobalNorm([a, s], 1)).toBeCloseTo(5, 6);
    expect(grad(a)[0]).toBeCloseTo(0.6, 6);
    expect(s.grad[0]).toBeCloseTo(0.8, 6);
    expect(globalGradNorm([a, s])).toBeCloseTo(1, 5);
    // Below the threshold nothing changes.
    expect(clipByGlobalNorm([a, s], 10)).toBeCloseTo(1, 5);
    expect(grad(a)[0]).toBeCloseTo(0.6, 6);
    expect(() => clipByGlobalNorm([a], -1)).toThrow(/maxNorm must be a finite number >= 0, got -1/);
  });
});
