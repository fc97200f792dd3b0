import { describe, expect, it } from 'vitest';
import { LabelSet } from './label-set.js';
import { indicesToSpans, spansToTags, tagsToSpans } from './spans.js';

const span = (type: string, startToken: number, endToken: number) => ({ type, startToken, endToken });

describe('tagsToSpans', () => {
  it('reads BIO spans with exclusive ends', () => {
    expect(tagsToSpans(['B-PER', 'I-PER', 'O', 'B-LOC', 'B-LOC', 'I-LOC'])).toEqual(
      [span('PER', 0, 2), span('LOC', 3, 4), span('LOC', 4, 6)]);
  });
  it('starts a span at an I- after O, at sentence start, or after another type (IOB1 / repaired BIO)', () => {
    expect(tagsToSpans(['I-PER', 'O', 'I-LOC', 'I-ORG', 'I-ORG'])).toEqual(
      [span('PER', 0, 1), span('LOC', 2, 3), span('ORG', 3, 5)]);
  });
  it('reads IOBES', () => {
    expect(tagsToSpans(['S-PER', 'B-LOC', 'I-LOC', 'E-LOC', 'E-LOC', 'S-PER', 'S-PER'])).toEqual(
      [span('PER', 0, 1), span('LOC', 1, 4), span('LOC', 4, 5), span('PER', 5, 6), span('PER', 6, 7)]);
  });
  it('closes a span at the end and handles empty input', () => {
    expect(tagsToSpans(['O', 'B-X', 'I-X'])).toEqual([span('X', 1, 3)]);
    expect(tagsToSpans([])).toEqual([]);
  });
  it('throws on an invalid tag', () => {
    expect(() => tagsToSpans(['B_PER'])).toThrow('invalid tag "B_PER"');
  });
});

describe('spansToTags', () => {
  it('is the inverse of tagsToSpans for BIO', () => {
    const tags = ['B-PER', 'I-PER', 'O', 'B-LOC', 'B-LOC', 'I-LOC', 'O'];
    expect(spansToTags(tagsToSpans(tags), tags.length)).toEqual(tags);
  });
  it('rejects out-of-range and overlapping spans', () => {
    expect(() => spansToTags([span('X', 1, 4)], 3)).toThrow('out of range for 3 tokens');
    expect(() => spansToTags([span('X', 0, 2), span('Y', 1, 2)], 3)).toThrow('overlaps');
  });
});

describe('indicesToSpans', () => {
  it('reads label indices as tagsToSpans reads their tags, including invalid BIO and IO sets', () => {
    let seed = 5;
    const next = () => (seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) / 2 ** 32;
    for (const labels of [LabelSet.fromTypes(['LOC', 'creative-work', 'PER']), LabelSet.fromTypes(['LOC', 'PER'], 'IO')]) {
      for (let trial = 0; trial < 300; trial++) {
        const indices = Int32Array.from({ length: trial % 9 }, () => Math.floor(next() * labels.size));
        expect(indicesToSpans(indices, labels)).toEqual(tagsToSpans(Array.from(indices, (i) => labels.label(i))));
      }
    }
  });

  it('names the type once per span: B-PER I-PER O I-LOC → PER [0, 2), LOC [3, 4)', () => {
    const labels = LabelSet.fromTypes(['LOC', 'PER']); // O B-LOC I-LOC B-PER I-PER
    expect(indicesToSpans([3, 4, 0, 2], labels)).toEqual([span('PER', 0, 2), span('LOC', 3, 4)]);
  });
});
