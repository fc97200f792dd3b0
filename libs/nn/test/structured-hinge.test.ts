/**
 * The structured hinge over a linear chain: its value against enumeration of every path (max_y s(y) + Δ − s(y*)),
 * a hand-computed case, gradCheck of ∂/∂scores and ∂/∂transitions through StructuredHinge.compute (random inputs,
 * away from ties), a zero gradient once gold wins by the margin, and training a transition the scores cannot show.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, Rng, tf } from '@window-ner/tensor';
import { accumulateDenseGrad, crfPathScore, denseParam, gradCheck, StructuredHinge, structuredHingeLoss, transitionCount } from '../src/index.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu', log: null });
});

function random(size: number, rng: Rng, std = 1): Float32Array {
  return Float32Array.from({ length: size }, () => rng.normal(0, std));
}

/** max over all L^n paths of s(y) + margin x (positions where y ≠ gold), minus s(gold). */
function bruteForceHinge(e: Float32Array, n: number, L: number, T: Float32Array, gold: Int32Array, margin: number): number {
  let best = -Infinity;
  for (let code = 0; code < L ** n; code++) {
    const path: number[] = [];
    for (let t = 0, c = code; t < n; t++, c = Math.floor(c / L)) path.push(c % L);
    const wrong = path.filter((y, t) => y !== gold[t]).length;
    best = Math.max(best, crfPathScore(e, n, L, T, path) + margin * wrong);
  }
  return best - crfPathScore(e, n, L, T, gold);
}

describe('structured hinge: value', () => {
  it('gives the hand-computed loss on a 2-position, 2-tag case', () => {
    // Transitions 0 except start[1] = 1; gold (0, 1) scores 1 + 2 = 3. Augmented: (0,0) 1 + 1, (0,1) 3,
    // (1,0) 1 + 0 + 2·margin, (1,1) 1 + 2 + margin: margin 1 → max 4, loss 1; margin 0.5 → max 3.5, loss 0.5.
    const e = Float32Array.from([1, 0, 0, 2]);
    const T = new Float32Array(transitionCount(2));
    T[2 * 2 + 1] = 1;
    const target = { gold: Int32Array.from([0, 1]), starts: Int32Array.from([0, 2]) };
    expect(structuredHingeLoss(e, 2, T, target, 1)).toBeCloseTo(1, 6);
    expect(structuredHingeLoss(e, 2, T, target, 0.5)).toBeCloseTo(0.5, 6);
    // Margin 0 is the structured perceptron's loss: (1,1) scores 3, as gold does, so nothing is violated.
    expect(structuredHingeLoss(e, 2, T, target, 0)).toBe(0);
    // Per position: the one sequence's loss over its 2 positions.
    expect(structuredHingeLoss(e, 2, T, target, 1, 'positions')).toBeCloseTo(0.5, 6);
  });

  it('equals enumeration of every path over random sequences, margins and transitions', () => {
    const rng = new Rng(11);
    for (let trial = 0; trial < 60; trial++) {
      const L = 2 + (trial % 3);
      const n = 1 + (trial % 5);
      const margin = [0, 0.5, 1, 2][trial % 4];
      const e = random(n * L, rng, 2);
      const T = random(transitionCount(L), rng);
      const gold = Int32Array.from({ length: n }, () => rng.int(L));
      const want = bruteForceHinge(e, n, L, T, gold, margin);
      expect(want).toBeGreaterThanOrEqual(0);
      expect(structuredHingeLoss(e, L, T, { gold, starts: Int32Array.from([0, n]) }, margin)).toBeCloseTo(want, 5);
    }
  });
});

describe('StructuredHinge loss', () => {
  const L = 4;
  const starts = Int32Array.from([0, 3, 3, 8, 9]); // sequences of 3, 0, 5 and 1 positions
  const rows = 9;
  const gold = Int32Array.from([0, 1, 2, 3, 3, 0, 1, 2, 1]);

  for (const normalize of ['sequences', 'positions'] as const) {
    it(`passes gradCheck for the scores and the transitions (normalize: ${normalize})`, () => {
      const rng = new Rng(5);
      const hinge = new StructuredHinge({ numTags: L, init: random(transitionCount(L), rng), normalize, margin: 1 });
      const scores = denseParam('scores', tf.tensor2d(random(rows * L, rng, 2), [rows, L]));
      const target = { gold, starts };
      const loss = () => structuredHingeLoss(scores.value.dataSync() as Float32Array, L, hinge.transitions.value.dataSync(), target, 1, normalize);
      expect(loss()).toBeGreaterThan(0.1); // random scores: gold is far from winning, every sequence contributes
      const backward = () => tf.tidy(() => accumulateDenseGrad(scores, hinge.compute(scores.value, target).grad));
      // Piecewise linear: a small step stays on one piece unless two augmented paths nearly tie (not at this seed).
      const r = gradCheck([scores, ...hinge.params()], loss, backward, { eps: 1e-3, samplesPerParam: 60, floor: 1e-2, rng: new Rng(2) });
      expect(r.checked).toBe(rows * L + transitionCount(L));
      expect(r.maxRelError, JSON.stringify(r.worst)).toBeLessThan(1e-2);
      const l = tf.tidy(() => hinge.compute(scores.value, target).loss);
      expect(l.dataSync()[0]).toBeCloseTo(loss(), 4);
      l.dispose();
      hinge.transitions.grad?.dispose();
    });
  }

  it('has zero loss and zero gradient once gold beats every path by its margin', () => {
    const hinge = new StructuredHinge({ numTags: 3, margin: 1 });
    // Gold's emission leads every other tag by 1.5 at each position, transitions 0: gold wins by ≥ 1.5 per error.
    const e = tf.tensor2d([[1.5, 0, 0], [0, 1.5, 0], [0, 0, 1.5]]);
    const r = hinge.compute(e, { gold: Int32Array.from([0, 1, 2]), starts: Int32Array.from([0, 3]) });
    expect(r.loss.dataSync()[0]).toBe(0);
    expect(Array.from(r.grad.dataSync()).every((g) => g === 0)).toBe(true);
    expect(Array.from(hinge.transitions.grad!.dataSync()).every((g) => g === 0)).toBe(true);
  });

  it('counts the augmented path minus the gold path in its gradient', () => {
    // The hand-computed case above: the augmented best path is (1, 1), gold (0, 1).
    const T = new Float32Array(transitionCount(2));
    T[2 * 2 + 1] = 1;
    const hinge = new StructuredHinge({ numTags: 2, init: T });
    const r = hinge.compute(tf.tensor2d([[1, 0], [0, 2]]), { gold: Int32Array.from([0, 1]), starts: Int32Array.from([0, 2]) });
    expect(Array.from(r.grad.dataSync())).toEqual([-1, 1, 0, 0]);
    // Rows: 0→0, 0→1, 1→0, 1→1, start, end. ŷ uses start 1, 1→1, end 1; y* start 0, 0→1, end 1.
    expect(Array.from(hinge.transitions.grad!.dataSync())).toEqual([0, -1, 0, 1, -1, 1, 0, 0]);
  });

  it('learns a transition the scores cannot show: a tag that always follows another', () => {
    const hinge = new StructuredHinge({ numTags: 2 });
    const e = tf.tensor2d([[3, 0], [0, 0], [0, 3], [0, 3]]);
    const target = { gold: Int32Array.from([0, 1, 1, 1]), starts: Int32Array.from([0, 2, 4]) };
    expect(structuredHingeLoss(e.dataSync() as Float32Array, 2, hinge.transitionValues(), target)).toBeGreaterThan(0);
    for (let step = 0; step < 50; step++) {
      tf.tidy(() => hinge.compute(e, target));
      const g = hinge.transitions.grad!;
      const next = tf.tidy(() => tf.sub(hinge.transitions.value, tf.mul(g, 0.5)));
      hinge.transitions.value.assign(next);
      next.dispose();
      g.dispose();
      hinge.transitions.grad = null;
    }
    expect(structuredHingeLoss(e.dataSync() as Float32Array, 2, hinge.transitionValues(), target)).toBe(0);
    const out = new Int32Array(2);
    hinge.decode(Float32Array.from([3, 0, 0, 0]), 2, out);
    expect(Array.from(out)).toEqual([0, 1]);
  });

  it('rejects bad margins and targets with messages that say where', () => {
    expect(() => new StructuredHinge({ numTags: 3, margin: -1 })).toThrow('margin must be a finite number >= 0, got -1');
    const hinge = new StructuredHinge({ numTags: 3 });
    const s = tf.zeros([4, 3]);
    expect(() => hinge.compute(s, { gold: new Int32Array(4), starts: Int32Array.from([0, 3]) })).toThrow('starts must run from 0 to the 4 score rows');
    expect(() => hinge.compute(s, { gold: Int32Array.from([0, 1, 5, 0]), starts: Int32Array.from([0, 4]) })).toThrow('gold tag 5 at row 2 is outside [0, 3)');
    expect(() => hinge.compute(tf.zeros([4, 2]), { gold: new Int32Array(4), starts: Int32Array.from([0, 4]) })).toThrow('expected [rows, 3]');
  });
});
