import { afterAll, describe, expect, it } from 'vitest';
import { initBackend } from '@window-ner/tensor';
import { LabelSet } from '../labels/label-set.js';
import { isValidTransition } from '../labels/transitions.js';
import { greedyDecoder } from './greedy.js';
import { decoderPlugins } from '../plugins/registry.js';
import { viterbiDecoder } from './viterbi.js';
import type { DecodeResult } from './types.js';

const PER = LabelSet.fromTypes(['PER']); // O B-PER I-PER
const TWO = LabelSet.fromTypes(['LOC', 'PER']); // O B-LOC I-LOC B-PER I-PER

/** The decoded label indices as tag strings, for readable expectations. */
function tags(r: DecodeResult, labels: LabelSet): string[] {
  return Array.from(r.indices, (i) => labels.label(i));
}

/** Small deterministic generator (LCG) so the brute-force cases are reproducible. */
function lcg(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

function isValidPath(tags: string[], scheme: 'BIO' | 'IO' = 'BIO'): boolean {
  return tags.every((t, i) => isValidTransition(i === 0 ? null : tags[i - 1]!, t, scheme));
}

/** Best valid path by enumerating all L^n paths; returns its score. */
function bruteForceBest(scores: Float32Array, n: number, labels: LabelSet): number {
  const L = labels.size;
  let best = -Infinity;
  const path = new Array<number>(n).fill(0);
  for (let code = 0; code < L ** n; code++) {
    let c = code;
    for (let i = 0; i < n; i++) {
      path[i] = c % L;
      c = Math.floor(c / L);
    }
    const tags = path.map((j) => labels.label(j));
    if (!isValidPath(tags, labels.scheme)) continue;
    let s = 0;
    for (let i = 0; i < n; i++) s += scores[i * L + path[i]!]!;
    best = Math.max(best, s);
  }
  return best;
}

function pathScore(tags: string[], scores: Float32Array, labels: LabelSet): number {
  return tags.reduce((acc, t, i) => acc + scores[i * labels.size + labels.index(t)]!, 0);
}

describe('greedy decoder', () => {
  it('takes the argmax and repairs an I- that does not continue its type into B-', () => {
    // rows: token; columns: O B-PER I-PER
    const scores = new Float32Array([0.5, 0.1, 0.4, 0.1, 0.1, 0.8]);
    const r = greedyDecoder.decode(scores, 2, PER);
    expect(tags(r, PER)).toEqual(['O', 'B-PER']);
    expect(Array.from(r.tagScores)).toEqual([0.5, Math.fround(0.1)]);
  });

  it('repairs I-X after B-Y and keeps I-X after B-X', () => {
    // columns: O B-LOC I-LOC B-PER I-PER
    const scores = new Float32Array([
      0, 9, 0, 0, 0,
      0, 0, 0, 0, 9,
      0, 0, 0, 0, 9,
    ]);
    expect(tags(greedyDecoder.decode(scores, 3, TWO), TWO)).toEqual(['B-LOC', 'B-PER', 'I-PER']);
  });

  it('leaves IO label sets alone', () => {
    const io = LabelSet.fromTypes(['PER'], 'IO'); // O I-PER
    expect(tags(greedyDecoder.decode(new Float32Array([0, 1, 1, 0]), 2, io), io)).toEqual(['I-PER', 'O']);
  });
});

describe('viterbi decoder', () => {
  it('finds the best valid path when the argmax path is invalid (hand-checked)', () => {
    // Valid paths and sums: O O .6, O B .6, B O .2, B B .2, B I .9  → B-PER I-PER.
    const scores = new Float32Array([0.5, 0.1, 0.4, 0.1, 0.1, 0.8]);
    const r = viterbiDecoder.decode(scores, 2, PER);
    expect(tags(r, PER)).toEqual(['B-PER', 'I-PER']);
    expect(Array.from(r.tagScores)).toEqual([Math.fround(0.1), Math.fround(0.8)]);
  });

  it('never starts with I- and never puts I-X after B-Y, even when those score highest', () => {
    const scores = new Float32Array([
      -5, -5, -1, -5, -0.1, // I-PER best at start: forbidden
      -5, -0.2, -5, -5, -5, // B-LOC
      -5, -5, -5, -5, -0.1, // I-PER after B-LOC: forbidden
    ].map((x) => x));
    const r = viterbiDecoder.decode(scores, 3, TWO);
    expect(isValidPath(tags(r, TWO))).toBe(true);
    expect(pathScore(tags(r, TWO), scores, TWO)).toBeCloseTo(bruteForceBest(scores, 3, TWO), 5);
  });

  it('matches brute force over all paths on random score matrices', () => {
    const rnd = lcg(7);
    for (let trial = 0; trial < 200; trial++) {
      const labels = trial % 3 === 0 ? PER : TWO;
      const n = 1 + (trial % 5);
      const scores = new Float32Array(n * labels.size).map(() => Math.log(rnd() + 1e-6) * 3);
      const r = viterbiDecoder.decode(scores, n, labels);
      expect(isValidPath(tags(r, labels))).toBe(true);
      expect(pathScore(tags(r, labels), scores, labels)).toBeCloseTo(bruteForceBest(scores, n, labels), 4);
      const g = greedyDecoder.decode(scores, n, labels);
      expect(isValidPath(tags(g, labels))).toBe(true);
      // Viterbi maximises the path score over valid paths, so it can never be beaten by greedy's valid path.
      expect(pathScore(tags(r, labels), scores, labels)).toBeGreaterThanOrEqual(pathScore(tags(g, labels), scores, labels) - 1e-4);
    }
  });

  it('equals argmax on IO label sets and handles n = 0 and -Infinity scores', () => {
    const io = LabelSet.fromTypes(['PER'], 'IO');
    expect(tags(viterbiDecoder.decode(new Float32Array([0, 1, 1, 0]), 2, io), io)).toEqual(['I-PER', 'O']);
    expect(tags(viterbiDecoder.decode(new Float32Array(0), 0, PER), PER)).toEqual([]);
    const r = viterbiDecoder.decode(new Float32Array([-Infinity, 0, -Infinity, -Infinity, -Infinity, 0]), 2, PER);
    expect(tags(r, PER)).toEqual(['B-PER', 'I-PER']);
  });
});

describe('viterbi decoder with learned transitions (crf head)', () => {
  /** start + Σ emissions + Σ transitions + end of a path, as nn's CRF scores it. */
  function crfScore(path: number[], scores: Float32Array, T: Float32Array, L: number): number {
    let s = T[L * L + path[0]!]! + T[(L + 1) * L + path[path.length - 1]!]!;
    path.forEach((j, i) => (s += scores[i * L + j]! + (i > 0 ? T[path[i - 1]! * L + j]! : 0)));
    return s;
  }

  it('finds the best valid path under emissions + transitions (brute force), never a BIO-invalid one', () => {
    const rnd = lcg(5);
    for (let trial = 0; trial < 150; trial++) {
      const labels = trial % 2 ? PER : TWO;
      const L = labels.size;
      const n = 1 + (trial % 5);
      const scores = new Float32Array(n * L).map(() => (rnd() - 0.5) * 6);
      // Large random transitions, the invalid ones included (as a CRF trained with invalidTransition 0 may learn).
      const T = new Float32Array((L + 2) * L).map(() => (rnd() - 0.5) * 8);
      const r = viterbiDecoder.decode(scores, n, labels, undefined, T);
      const got = tags(r, labels);
      expect(isValidPath(got)).toBe(true);
      let best = -Infinity;
      for (let code = 0; code < L ** n; code++) {
        const path = Array.from({ length: n }, (_, i) => Math.floor(code / L ** i) % L);
        if (isValidPath(path.map((j) => labels.label(j)))) best = Math.max(best, crfScore(path, scores, T, L));
      }
      expect(crfScore(Array.from(r.indices), scores, T, L)).toBeCloseTo(best, 4);
      expect(Array.from(r.tagScores)).toEqual(Array.from(r.indices, (j, i) => scores[i * L + j]));
    }
  });

  it('lets a transition overrule the emissions: a strong B-PER → I-PER pulls the next token into the entity', () => {
    const scores = new Float32Array([0, 3, 0, 1, 0, 0.5]); // alone: B-PER then O
    const T = new Float32Array(5 * 3);
    expect(tags(viterbiDecoder.decode(scores, 2, PER, undefined, T), PER)).toEqual(['B-PER', 'O']);
    T[1 * 3 + 2] = 1; // B-PER → I-PER
    expect(tags(viterbiDecoder.decode(scores, 2, PER, undefined, T), PER)).toEqual(['B-PER', 'I-PER']);
    expect(greedyDecoder.decode(scores, 2, PER, undefined, T).indices).toEqual(greedyDecoder.decode(scores, 2, PER).indices);
    expect(() => viterbiDecoder.decode(scores, 2, PER, undefined, new Float32Array(9))).toThrow('expected (3 + 2) x 3 = 15 transition scores, got 9');
  });
});

describe('viterbi decodeBatch', () => {
  afterAll(async () => {
    await initBackend({ backend: 'cpu', log: null });
  });

  /** 30 sentences of 0-6 tokens over TWO's labels, random scores and transitions. */
  function batch(seed: number) {
    const rnd = lcg(seed);
    const lengths = Array.from({ length: 30 }, (_, s) => (s * 5) % 7);
    const starts = Int32Array.from([0, ...lengths.map(((sum) => (n: number) => (sum += n))(0))]);
    const rows = starts[starts.length - 1]!;
    const scores = new Float32Array(rows * TWO.size).map(() => (rnd() - 0.5) * 8);
    const T = new Float32Array((TWO.size + 2) * TWO.size).map(() => (rnd() - 0.5) * 4);
    return { starts, rows, scores, T };
  }

  /** decode sentence by sentence, and decodeBatch once, with and without transitions: the same tags and scores. */
  function check(seed: number): void {
    const { starts, rows, scores, T } = batch(seed);
    const L = TWO.size;
    for (const transitions of [undefined, T]) {
      const into = { indices: new Int32Array(rows), tagScores: new Float32Array(rows) };
      viterbiDecoder.decodeBatch!(scores, starts, TWO, into, transitions);
      for (let s = 0; s + 1 < starts.length; s++) {
        const a = starts[s]!;
        const n = starts[s + 1]! - a;
        const one = viterbiDecoder.decode(scores.subarray(a * L, (a + n) * L), n, TWO, undefined, transitions);
        expect(Array.from(into.indices.subarray(a, a + n))).toEqual(Array.from(one.indices));
        expect(Array.from(into.tagScores.subarray(a, a + n))).toEqual(Array.from(one.tagScores));
        expect(isValidPath(tags(one, TWO))).toBe(true);
      }
    }
    expect(() => viterbiDecoder.decodeBatch!(scores, starts, TWO, { indices: new Int32Array(rows - 1), tagScores: new Float32Array(rows) })).toThrow(`output arrays hold ${rows - 1} and ${rows} entries, need ${rows}`);
  }

  it('equals decode per sentence on the cpu backend (JS)', async () => {
    await initBackend({ backend: 'cpu', log: null });
    check(31);
  });

  it('equals decode per sentence on the native backend (the addon kernel), where it is built', async () => {
    try {
      await initBackend({ backend: 'native', log: null });
    } catch {
      expect(process.env.WINDOW_NER_REQUIRE_NATIVE).not.toBe('1');
      return;
    }
    check(32);
  });
});

describe('decoder registry and checks', () => {
  it('registers both decoders under their names; an unknown name lists the known ones', () => {
    expect(decoderPlugins.get('viterbi')).toBe(viterbiDecoder);
    expect(decoderPlugins.get('greedy')).toBe(greedyDecoder);
    expect(() => decoderPlugins.get('beam')).toThrow('unknown decoder "beam"; known: greedy, viterbi');
  });
  it('writes into caller views when given: same results, only the viewed range touched; wrong lengths rejected', () => {
    const rnd = lcg(11);
    const n = 6;
    const scores = new Float32Array(n * TWO.size).map(() => Math.log(rnd() + 1e-6));
    for (const decoder of [viterbiDecoder, greedyDecoder]) {
      const fresh = decoder.decode(scores, n, TWO);
      const indices = new Int32Array(n + 2).fill(-7);
      const tagScores = new Float32Array(n + 2).fill(-7);
      const r = decoder.decode(scores, n, TWO, { indices: indices.subarray(1, n + 1), tagScores: tagScores.subarray(1, n + 1) });
      expect(r.indices.buffer).toBe(indices.buffer);
      expect(Array.from(r.indices)).toEqual(Array.from(fresh.indices));
      expect(Array.from(indices)).toEqual([-7, ...fresh.indices, -7]);
      expect(Array.from(tagScores)).toEqual([-7, ...fresh.tagScores, -7]);
      expect(() => decoder.decode(scores, n, TWO, { indices: new Int32Array(n - 1), tagScores: new Float32Array(n) })).toThrow('output arrays hold 5 and 6 entries, need 6');
    }
  });

  it('rejects a score matrix of the wrong size', () => {
    expect(() => viterbiDecoder.decode(new Float32Array(5), 2, PER)).toThrow('expected 2 x 3 = 6 scores, got 5');
    expect(() => greedyDecoder.decode(new Float32Array(5), 2, PER)).toThrow('greedy decoder');
  });
});
