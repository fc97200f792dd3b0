import { describe, expect, it } from 'vitest';
import { fromBio, toBio } from '../labels/scheme.js';
import { tagsToSpans } from '../labels/spans.js';
import { conlleval } from './conlleval.js';

// Cross-checks between independent implementations: conlleval's chunk rules (metrics/) and the span reader and
// scheme conversions (labels/), on random tag sequences.

function lcg(seed: number) {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

const TAGS = ['O', 'O', 'B-PER', 'I-PER', 'B-LOC', 'I-LOC', 'I-creative-work'];

function randomTags(rnd: () => number, n: number): string[] {
  return Array.from({ length: n }, () => TAGS[Math.floor(rnd() * TAGS.length)]!);
}

const key = (tags: string[]) => tagsToSpans(tags).map((s) => `${s.type}:${s.startToken}-${s.endToken}`);

describe('metrics agree with spans and scheme conversion', () => {
  it('conlleval chunk counts equal tagsToSpans counts, and matching spans equal correct chunks', () => {
    const rnd = lcg(11);
    for (let trial = 0; trial < 300; trial++) {
      const n = 1 + Math.floor(rnd() * 10);
      const gold = randomTags(rnd, n);
      const pred = randomTags(rnd, n);
      const r = conlleval([gold], [pred]);
      const g = key(gold);
      const p = key(pred);
      expect(r.overall.gold).toBe(g.length);
      expect(r.overall.found).toBe(p.length);
      expect(r.overall.correct).toBe(p.filter((s) => g.includes(s)).length);
    }
  });

  it('converting both sides between BIO, IOB1 and IOBES→BIO leaves chunk scores unchanged', () => {
    const rnd = lcg(12);
    for (let trial = 0; trial < 200; trial++) {
      const n = 1 + Math.floor(rnd() * 10);
      const gold = toBio(randomTags(rnd, n));
      const pred = toBio(randomTags(rnd, n));
      const base = conlleval([gold], [pred]).overall;
      expect(conlleval([fromBio(gold, 'IOB1')], [fromBio(pred, 'IOB1')]).overall).toEqual(base);
      expect(conlleval([toBio(fromBio(gold, 'IOBES'))], [toBio(fromBio(pred, 'IOBES'))]).overall).toEqual(base);
    }
  });
});
