/** Loss values against hand computations and their gradients against centred differences. */
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, Rng, tf } from '@window-ner/tensor';
import { accumulateDenseGrad, denseParam, gradCheck, losses, maxMargin, maxMarginLoss, meanSquaredError, softmaxCrossEntropy, type DenseParam } from '../src/index.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu', log: null });
});

const host = (t: tf.Tensor) => Array.from(t.dataSync());

/** Gradient-check a loss L(p) in its prediction p, held as a param. */
function checkLoss(p: DenseParam, loss: (pred: tf.Tensor) => { loss: tf.Scalar; grad: tf.Tensor }) {
  return gradCheck(
    [p],
    () => {
      const l = tf.tidy(() => loss(p.value).loss);
      const v = l.dataSync()[0];
      l.dispose();
      return v;
    },
    () => tf.tidy(() => accumulateDenseGrad(p, loss(p.value).grad)),
    { floor: 1e-2, samplesPerParam: 50 },
  );
}

function randn(shape: number[], seed: number, std = 1) {
  const r = new Rng(seed);
  return tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b) }, () => r.normal(0, std)), shape);
}

describe('softmaxCrossEntropy', () => {
  it('equals −mean log softmax of the true class, grad (softmax − onehot)/n', () => {
    const logits = tf.tensor2d([[1, 2, 3], [0, 0, 0]]);
    const { loss, grad } = softmaxCrossEntropy.compute(logits, Int32Array.from([2, 0]));
    const p0 = [1, 2, 3].map((z) => Math.exp(z) / (Math.exp(1) + Math.exp(2) + Math.exp(3)));
    expect(loss.dataSync()[0]).toBeCloseTo((-Math.log(p0[2]) + Math.log(3)) / 2, 5);
    const g = host(grad);
    [p0[0], p0[1], p0[2] - 1, 1 / 3 - 1, 1 / 3, 1 / 3].forEach((v, i) => expect(g[i]).toBeCloseTo(v / 2, 6));
  });

  it('passes the gradient check and rejects bad labels with their row', () => {
    const p = denseParam('logits', randn([5, 4], 1));
    const labels = Int32Array.from([0, 3, 1, 1, 2]);
    expect(checkLoss(p, (z) => softmaxCrossEntropy.compute(z, labels)).maxRelError).toBeLessThan(1e-3);
    expect(() => softmaxCrossEntropy.compute(tf.zeros([2, 3]), [0, 3])).toThrow(/label 3 at row 1 is outside \[0, 3\)/);
    expect(() => softmaxCrossEntropy.compute(tf.zeros([2, 3]), [0])).toThrow(/1 labels for 2 rows/);
  });
});

describe('maxMargin', () => {
  it('is mean Σ max(0, Δ − s_true + s_corrupt) with grads −active/n and active/n', () => {
    const st = tf.tensor1d([2, 0]);
    const sc = tf.tensor2d([[0.5, 1.5, 3], [-2, 0.5, -0.5]]);
    const { loss, gradTrue, gradCorrupt } = maxMarginLoss(st, sc);
    // row 0: max(0, 1-2+0.5)=0, 1-2+1.5=0.5, 1-2+3=2 ; row 1: 0, 1.5, 0.5  -> (2.5 + 2) / 2
    expect(loss.dataSync()[0]).toBeCloseTo(2.25, 6);
    expect(host(gradCorrupt)).toEqual([0, 0.5, 0.5, 0, 0.5, 0.5]);
    expect(host(gradTrue)).toEqual([-1, -1]);
    const half = maxMarginLoss(st, sc, 0.5);
    expect(half.loss.dataSync()[0]).toBeCloseTo((0 + 1.5 + 0 + 1 + 0) / 2, 6);
  });

  it('passes the gradient check (scores kept away from the hinge) through the Loss interface', () => {
    // Columns: true score then 3 corrupt ones; margins are multiples of 0.25 off the kink, far beyond eps.
    const pred = tf.tensor2d([[2, 0.5, 1.75, 3], [0, -2, 0.5, -0.5], [1, 1.5, -1, 0.25]]);
    const p = denseParam('scores', pred);
    expect(checkLoss(p, (z) => maxMargin.compute(z, 1)).maxRelError).toBeLessThan(1e-3);
    expect(() => maxMarginLoss(tf.zeros([3]), tf.zeros([2, 4]))).toThrow(/trueScores: shape mismatch, expected \[2\]/);
    expect(() => maxMarginLoss(tf.zeros([2]), tf.zeros([2, 4]), -1)).toThrow(/margin must be a finite number >= 0, got -1/);
  });

  it('a mask keeps only some terms: multi-class margins with the true class masked out', () => {
    // Scores of 2 examples over 3 classes; true classes 1 and 0. Every other class must trail by Δ = 1.
    const scores = tf.tensor2d([[0.5, 1, 0.2], [0, 3, -2]]);
    const y = [1, 0];
    const st = tf.tensor1d([1, 0]);
    const mask = tf.tensor2d(y.flatMap((c) => [0, 1, 2].map((k) => (k === c ? 0 : 1))), [2, 3]);
    const { loss, gradTrue, gradCorrupt } = maxMarginLoss(st, scores, 1, mask);
    // example 0: 1 - 1 + 0.5 = 0.5, 1 - 1 + 0.2 = 0.2; example 1: 1 - 0 + 3 = 4, 1 - 0 - 2 = -1 -> 0. Mean over 2.
    expect(loss.dataSync()[0]).toBeCloseTo(4.7 / 2, 5);
    expect(host(gradCorrupt)).toEqual([0.5, 0, 0.5, 0, 0.5, 0]);
    expect(host(gradTrue)).toEqual([-1, -0.5]);
    expect(() => maxMarginLoss(st, scores, 1, tf.ones([2, 2]))).toThrow(/maxMargin mask/);
  });
});

describe('meanSquaredError', () => {
  it('is mean (p − t)², grad 2(p − t)/N, and passes the gradient check', () => {
    const { loss, grad } = meanSquaredError.compute(tf.tensor2d([[1, 2], [3, 4]]), tf.tensor2d([[0, 2], [5, 4]]));
    expect(loss.dataSync()[0]).toBeCloseTo((1 + 0 + 4 + 0) / 4, 6);
    expect(host(grad)).toEqual([0.5, 0, -1, 0]);
    const target = randn([6, 2], 3);
    expect(checkLoss(denseParam('p', randn([6, 2], 4)), (z) => meanSquaredError.compute(z, target)).maxRelError).toBeLessThan(1e-3);
    expect(() => meanSquaredError.compute(tf.zeros([2, 2]), tf.zeros([4]))).toThrow(/meanSquaredError target: shape mismatch, expected \[2, 2\]/);
  });

  it('every loss is in the registry by name', () => {
    expect(losses.names()).toEqual(expect.arrayContaining(['softmaxCrossEntropy', 'maxMargin', 'meanSquaredError']));
    expect(() => losses.get('hinge2')).toThrow(/unknown loss "hinge2"; known:/);
  });
});
