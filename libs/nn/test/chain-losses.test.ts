/**
 * What the two losses over a linear chain share (chain-loss.ts), checked on both — LinearChainCrf (log-likelihood)
 * and StructuredHinge (max-margin): gradCheck of ∂/∂scores and ∂/∂transitions through compute() against the
 * value-only functions, training a transition the scores cannot show, and target checks that say where.
 * Their values against enumeration of every path: test/crf.test.ts and test/structured-hinge.test.ts.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, Rng, tf } from '@window-ner/tensor';
import { accumulateDenseGrad, crfNegLogLikelihood, denseParam, gradCheck, LinearChainCrf, StructuredHinge, structuredHingeLoss, transitionCount, type CrfTarget, type LinearChainCrfConfig } from '../src/index.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu', log: null });
});

function random(size: number, rng: Rng, std = 1): Float32Array {
  return Float32Array.from({ length: size }, () => rng.normal(0, std));
}

type Normalize = 'sequences' | 'positions';
const LOSSES = [
  {
    name: 'LinearChainCrf',
    create: (c: LinearChainCrfConfig) => new LinearChainCrf(c),
    value: (e: Float32Array, L: number, T: ArrayLike<number>, t: CrfTarget, normalize: Normalize) => crfNegLogLikelihood(e, L, T, t, normalize),
    // Smooth: the default step and a tight bound.
    eps: 1e-2,
    tolerance: 2e-3,
  },
  {
    name: 'StructuredHinge',
    create: (c: LinearChainCrfConfig) => new StructuredHinge({ ...c, margin: 1 }),
    value: (e: Float32Array, L: number, T: ArrayLike<number>, t: CrfTarget, normalize: Normalize) => structuredHingeLoss(e, L, T, t, 1, normalize),
    // Piecewise linear: a small step stays on one piece unless two augmented paths nearly tie (not at this seed).
    eps: 1e-3,
    tolerance: 1e-2,
  },
];

describe.each(LOSSES)('$name', ({ create, value, eps, tolerance }) => {
  const L = 4;
  const starts = Int32Array.from([0, 3, 3, 8, 9]); // sequences of 3, 0, 5 and 1 positions
  const rows = 9;
  const gold = Int32Array.from([0, 1, 2, 3, 3, 0, 1, 2, 1]);

  for (const normalize of ['sequences', 'positions'] as const) {
    it(`passes gradCheck for the scores and the transitions (normalize: ${normalize})`, () => {
      const rng = new Rng(5);
      const loss = create({ numTags: L, init: random(transitionCount(L), rng), normalize });
      const scores = denseParam('scores', tf.tensor2d(random(rows * L, rng, 2), [rows, L]));
      const target = { gold, starts };
      const f = () => value(scores.value.dataSync() as Float32Array, L, loss.transitions.value.dataSync(), target, normalize);
      expect(f()).toBeGreaterThan(0.1); // random scores: gold is far from the best path
      const backward = () => tf.tidy(() => accumulateDenseGrad(scores, loss.compute(scores.value, target).grad));
      const r = gradCheck([scores, ...loss.params()], f, backward, { eps, samplesPerParam: 60, floor: 1e-2, rng: new Rng(2) });
      expect(r.checked).toBe(rows * L + transitionCount(L));
      expect(r.maxRelError, JSON.stringify(r.worst)).toBeLessThan(tolerance);
      // compute's loss is the same number as the evaluation-only function.
      const l = tf.tidy(() => loss.compute(scores.value, target).loss);
      expect(l.dataSync()[0]).toBeCloseTo(f(), 4);
      l.dispose();
      loss.transitions.grad?.dispose();
    });
  }

  it('learns a transition the scores cannot show: a tag that always follows another', () => {
    // Tag 1 always follows tag 0 and the scores of positions after a 0 say nothing; only the transitions can tell.
    const loss = create({ numTags: 2 });
    const e = tf.tensor2d([[3, 0], [0, 0], [0, 3], [0, 3]]);
    const target = { gold: Int32Array.from([0, 1, 1, 1]), starts: Int32Array.from([0, 2, 4]) };
    const f = () => value(e.dataSync() as Float32Array, 2, loss.transitionValues(), target, 'sequences');
    const before = f();
    expect(before).toBeGreaterThan(0);
    for (let step = 0; step < 50; step++) {
      tf.tidy(() => loss.compute(e, target));
      const g = loss.transitions.grad!;
      const next = tf.tidy(() => tf.sub(loss.transitions.value, tf.mul(g, 0.5)));
      loss.transitions.value.assign(next);
      next.dispose();
      g.dispose();
      loss.transitions.grad = null;
    }
    expect(f()).toBeLessThan(before / 3);
    const out = new Int32Array(2);
    loss.decode(Float32Array.from([3, 0, 0, 0]), 2, out);
    expect(Array.from(out)).toEqual([0, 1]);
  });

  it('rejects bad targets with messages that say where', () => {
    const loss = create({ numTags: 3 });
    const s = tf.zeros([4, 3]);
    expect(() => loss.compute(s, { gold: new Int32Array(4), starts: Int32Array.from([0, 3]) })).toThrow('starts must run from 0 to the 4 score rows');
    expect(() => loss.compute(s, { gold: Int32Array.from([0, 1, 5, 0]), starts: Int32Array.from([0, 4]) })).toThrow('gold tag 5 at row 2 is outside [0, 3)');
    expect(() => loss.compute(tf.zeros([4, 2]), { gold: new Int32Array(4), starts: Int32Array.from([0, 4]) })).toThrow('expected [rows, 3]');
    expect(() => create({ numTags: 3, init: new Float32Array(9) })).toThrow('expected (3 + 2) x 3 = 15');
  });
});
