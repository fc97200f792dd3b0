/**
 * The linear-chain CRF: log Z, marginals, NLL and Viterbi against brute-force enumeration of every path, a
 * hand-computed value (gradCheck of LinearChainCrf.compute: test/chain-losses.test.ts).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, Rng } from '@window-ner/tensor';
import { CrfScratch, crfMarginals, CrfTransitions, crfNegLogLikelihood, crfPathScore, crfViterbi, transitionCount } from '../src/index.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu', log: null });
});

/** Every path of length n over L tags, with its score. */
function allPaths(e: Float32Array, n: number, L: number, T: Float32Array): { path: number[]; score: number }[] {
  const out: { path: number[]; score: number }[] = [];
  for (let code = 0; code < L ** n; code++) {
    const path: number[] = [];
    for (let t = 0, c = code; t < n; t++, c = Math.floor(c / L)) path.push(c % L);
    let score = T[L * L + path[0]] + T[(L + 1) * L + path[n - 1]];
    for (let t = 0; t < n; t++) score += e[t * L + path[t]];
    for (let t = 1; t < n; t++) score += T[path[t - 1] * L + path[t]];
    out.push({ path, score });
  }
  return out;
}

const logSumExp = (xs: number[]) => {
  const m = Math.max(...xs);
  return m === -Infinity ? -Infinity : m + Math.log(xs.reduce((a, x) => a + Math.exp(x - m), 0));
};

function random(size: number, rng: Rng, std = 1): Float32Array {
  return Float32Array.from({ length: size }, () => rng.normal(0, std));
}

describe('linear-chain CRF algorithms', () => {
  it('gives the hand-computed NLL on a 2-position, 2-tag case', () => {
    // Transitions 0 except start[1] = 1: paths (0,0) 1, (0,1) 3, (1,0) 0 + 1, (1,1) 2 + 1.
    const e = Float32Array.from([1, 0, 0, 2]);
    const T = new Float32Array(transitionCount(2));
    T[2 * 2 + 1] = 1;
    const logZ = Math.log(Math.E + Math.E ** 3 + Math.E + Math.E ** 3);
    expect(crfMarginals(e, 2, 2, T, new CrfScratch())).toBeCloseTo(logZ, 12);
    const nll = crfNegLogLikelihood(e, 2, T, { gold: Int32Array.from([0, 1]), starts: Int32Array.from([0, 2]) });
    expect(nll).toBeCloseTo(logZ - 3, 6);
    expect(nll).toBeCloseTo(Math.log(2 + 2 * Math.E ** -2), 6);
  });

  it('matches brute force over all paths: log Z, marginals, path score, Viterbi', () => {
    const rng = new Rng(3);
    const scratch = new CrfScratch();
    for (let trial = 0; trial < 40; trial++) {
      const L = 2 + (trial % 3);
      const n = 1 + (trial % 5);
      const e = random(n * L, rng, 2);
      const T = random(transitionCount(L), rng);
      if (trial % 4 === 3) T[0 * L + 1] = -Infinity; // a forbidden transition
      const paths = allPaths(e, n, L, T);
      const logZ = logSumExp(paths.map((p) => p.score));
      const marg = new Float64Array(n * L);
      expect(crfMarginals(e, n, L, T, scratch, marg)).toBeCloseTo(logZ, 4);
      for (let t = 0; t < n; t++) {
        for (let j = 0; j < L; j++) {
          const p = paths.filter((q) => q.path[t] === j).reduce((a, q) => a + Math.exp(q.score - logZ), 0);
          expect(marg[t * L + j]).toBeCloseTo(p, 5);
        }
      }
      const best = paths.reduce((a, b) => (b.score > a.score ? b : a));
      // Only the marginals of one path's tags (a tagger's confidence): the same numbers.
      const chosen = new Float32Array(n);
      crfMarginals(e, n, L, T, scratch, chosen, best.path);
      best.path.forEach((j, t) => expect(chosen[t]).toBeCloseTo(marg[t * L + j], 5));
      const out = new Int32Array(n);
      expect(crfViterbi(e, n, L, T, out)).toBeCloseTo(best.score, 4);
      expect(crfPathScore(e, n, L, T, out)).toBeCloseTo(best.score, 4);
      const gold = Int32Array.from(paths[trial % paths.length].path);
      const nll = crfNegLogLikelihood(e, L, T, { gold, starts: Int32Array.from([0, n]) });
      expect(nll).toBeCloseTo(logZ - paths[trial % paths.length].score, 4);
    }
  });

  it('never decodes a forbidden transition, and a forbidden gold path has infinite NLL', () => {
    const L = 3;
    const T = new Float32Array(transitionCount(L));
    T[0 * L + 2] = -Infinity; // 0 -> 2 forbidden
    T[L * L + 2] = -Infinity; // starting with 2 forbidden
    const e = Float32Array.from([5, 0, 9, 0, 0, 9]); // the unconstrained best is 2, 2
    const out = new Int32Array(2);
    crfViterbi(e, 2, L, T, out);
    // Valid best: 1 (0) then 2 (9) = 9 beats 0 then 0 or 1 (5 + 0); 0 then 2 and any start at 2 are forbidden.
    expect(Array.from(out)).toEqual([1, 2]);
    expect(crfPathScore(e, 2, L, T, out)).toBe(9);
    expect(crfNegLogLikelihood(e, L, T, { gold: Int32Array.from([2, 2]), starts: Int32Array.from([0, 2]) })).toBe(Infinity);
  });
});

describe('prepared transitions (the tagging path)', () => {
  /** Brute-force marginals p(y_t = j) and the best path, in float64 over every path. */
  function oracle(e: Float32Array, n: number, L: number, T: Float32Array) {
    const paths = allPaths(e, n, L, T);
    const logZ = logSumExp(paths.map((p) => p.score));
    const marg = new Float64Array(n * L);
    for (const p of paths) p.path.forEach((j, t) => (marg[t * L + j] += Math.exp(p.score - logZ)));
    // Ties go to the lower tag index at the latest position that differs: compare paths right to left.
    const best = paths.reduce((a, b) => (b.score > a.score ? b : a));
    return { logZ, marg, best };
  }

  /** BIO-like constraints on L = 1 + 2k tags (O, B-1, I-1, ...): I-x only after B-x or I-x, never first. */
  function bioMask(T: Float32Array, L: number, forbidden: number): void {
    for (let j = 2; j < L; j += 2) {
      T[L * L + j] = forbidden;
      for (let i = 0; i < L; i++) if (i !== j - 1 && i !== j) T[i * L + j] = forbidden;
    }
  }

  it('Viterbi and marginals equal brute force, with BIO-forbidden pairs at −Infinity or −10000', () => {
    const rng = new Rng(11);
    const scratch = new CrfScratch();
    for (let trial = 0; trial < 60; trial++) {
      const L = trial % 2 ? 3 : 5;
      const n = 1 + (trial % 5);
      const e = random(n * L, rng, 3);
      const T = random(transitionCount(L), rng, 2);
      if (trial % 3 !== 2) bioMask(T, L, trial % 3 === 0 ? -Infinity : -10000);
      const tr = new CrfTransitions(T, L);
      const { logZ, marg, best } = oracle(e, n, L, T);
      const all = new Float64Array(n * L);
      expect(crfMarginals(e, n, L, tr, scratch, all)).toBeCloseTo(logZ, 9);
      for (let k = 0; k < n * L; k++) expect(all[k]).toBeCloseTo(marg[k], 9);
      const out = new Int32Array(n);
      expect(crfViterbi(e, n, L, tr, out)).toBeCloseTo(best.score, 5);
      expect(crfPathScore(e, n, L, T, out)).toBeCloseTo(best.score, 5);
      // Confidence of the decoded path: the marginals of its tags, and never a forbidden pair on it.
      const chosen = new Float32Array(n);
      crfMarginals(e, n, L, tr, scratch, chosen, out);
      out.forEach((j, t) => expect(chosen[t]).toBeCloseTo(marg[t * L + j], 6));
      for (let t = 1; t < n; t++) expect(T[out[t - 1] * L + out[t]]).toBeGreaterThan(-Infinity);
    }
  });

  it('keeps its results where scaling would over- or underflow (log-space fallback)', () => {
    const rng = new Rng(12);
    const scratch = new CrfScratch();
    const L = 3;
    // Score gaps far beyond exp's range; transitions of −700 (every step's scale ~1e-304: only log space holds it).
    for (const [eStd, tStd, tMean] of [[400, 1, 0], [1, 150, 0], [300, 150, 0], [1, 1, -700]]) {
      for (let n = 1; n <= 4; n++) {
        const e = random(n * L, rng, eStd);
        const T = random(transitionCount(L), rng, tStd).map((v) => v + tMean);
        const { logZ, marg } = oracle(e, n, L, T);
        const all = new Float64Array(n * L);
        expect(crfMarginals(e, n, L, new CrfTransitions(T, L), scratch, all) / logZ).toBeCloseTo(1, 9);
        for (let k = 0; k < n * L; k++) expect(all[k]).toBeCloseTo(marg[k], 9);
      }
    }
  });

  it('an emission-only constrained decoder (0 or −Infinity transitions) shares the column max and stays exact', () => {
    const rng = new Rng(13);
    const L = 5;
    const T = new Float32Array(transitionCount(L));
    bioMask(T, L, -Infinity);
    const tr = new CrfTransitions(T, L);
    expect(Array.from(tr.sharedMax)).toEqual([1, 1, 0, 1, 0]);
    expect(Array.from(tr.maxFrom.list.subarray(tr.maxFrom.start[2], tr.maxFrom.start[3]))).toEqual([1, 2]);
    for (let trial = 0; trial < 30; trial++) {
      const n = 1 + (trial % 5);
      const e = random(n * L, rng, 2);
      const out = new Int32Array(n);
      expect(crfViterbi(e, n, L, tr, out)).toBeCloseTo(oracle(e, n, L, T).best.score, 5);
      expect(Array.from(out)).toEqual(Array.from(((o) => (crfViterbi(e, n, L, T, o), o))(new Int32Array(n))));
    }
    expect(tr.matches(T)).toBe(true);
    T[3] = 1;
    expect(tr.matches(T)).toBe(false);
    expect(() => crfViterbi(new Float32Array(4), 1, 4, tr, new Int32Array(1))).toThrow('prepared for 5 tags, used with 4');
  });
});
