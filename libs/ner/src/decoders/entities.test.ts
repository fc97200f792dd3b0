import { describe, expect, it } from 'vitest';
import { whitespaceTokenize } from '../corpus/whitespace-tokenize.js';
import { tagsToSpans } from '../labels/spans.js';
import { spansToEntities } from './entities.js';

describe('spansToEntities', () => {
  const text = 'Angela  Merkel visited New York.';
  const tokens = whitespaceTokenize(text); // Angela | Merkel | visited | New | York.

  it('maps token spans to character offsets (end exclusive) with mean token scores', () => {
    const spans = tagsToSpans(['B-PER', 'I-PER', 'O', 'B-LOC', 'I-LOC']);
    const ents = spansToEntities(spans, tokens, text, [0.9, 0.7, 1, 0.5, 0.25]);
    expect(ents).toEqual([
      { text: 'Angela  Merkel', label: 'PER', start: 0, end: 14, score: expect.closeTo(0.8, 10) },
      { text: 'New York.', label: 'LOC', start: 23, end: 32, score: 0.375 },
    ]);
    for (const e of ents) expect(text.slice(e.start, e.end)).toBe(e.text);
  });

  it('scores 1 without token scores and handles UTF-16 offsets', () => {
    const t = '😀 Zoë';
    const ents = spansToEntities(tagsToSpans(['O', 'B-PER']), whitespaceTokenize(t), t);
    expect(ents).toEqual([{ text: 'Zoë', label: 'PER', start: 3, end: 6, score: 1 }]);
  });

  it('rejects spans beyond the offsets', () => {
    expect(() => spansToEntities([{ type: 'X', startToken: 4, endToken: 6 }], tokens, text)).toThrow('outside the 5 token offsets');
  });
});
