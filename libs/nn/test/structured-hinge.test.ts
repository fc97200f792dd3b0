/**
 * The structured hinge over a linear chain: its value against enumeration of every path (max_y s(y) + Δ − s(y*)),
 * a hand-computed case and its gradient counts, and a zero gradient once gold wins by the margin (gradCheck,
 * training and target checks, shared with the CRF: test/chain-losses.test.ts).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, Rng, tf } from '@window-ner/tensor';
import { crfPathScore, StructuredHinge, structuredHingeLoss, transitionCount } from '../src/index.js';

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

  it('rejects a negative or non-finite margin, naming it', () => {
    expect(() => new StructuredHinge({ numTags: 3, margin: -1 })).toThrow('margin must be a finite number >= 0, got -1');
    expect(() => structuredHingeLoss(new Float32Array(3), 3, new Float32Array(15), { gold: new Int32Array(1), starts: Int32Array.from([0, 1]) }, NaN)).toThrow('got NaN');
  });
});
