import { describe, expect, it } from 'vitest';
import { spansToTags, tagsToSpans } from './spans';

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
