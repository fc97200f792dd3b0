/** The token interner: stable ids, a memo per token array that lasts one batch, and a bounded table. */
import { describe, expect, it } from 'vitest';
import { WordIds } from './word-ids.js';

describe('WordIds', () => {
  it('gives each distinct string one id, in order of first sight', () => {
    const words = new WordIds();
    expect(Array.from(words.of(['the', 'cat', 'the']))).toEqual([0, 1, 0]);
    expect(Array.from(words.of(['cat', 'sat']))).toEqual([1, 2]);
    expect(words.id('sat')).toBe(2);
    expect(words.size).toBe(3);
  });

  it('memoises a sentence\'s ids for the batch only', () => {
    const words = new WordIds();
    const sentence = ['a', 'b'];
    const first = words.of(sentence);
    expect(words.of(sentence)).toBe(first);
    sentence[1] = 'c'; // changed between batches: the next batch reads it afresh
    words.beginBatch();
    expect(Array.from(words.of(sentence))).toEqual([0, 2]);
    // A length change is noticed even within a batch.
    sentence.push('d');
    expect(Array.from(words.of(sentence))).toEqual([0, 2, 3]);
  });

  it('starts the ids over between batches once over capacity, and says so by its generation', () => {
    const words = new WordIds(3);
    words.of(['a', 'b', 'c']);
    words.beginBatch();
    expect(words.generation).toBe(0); // at capacity, not over
    words.of(['d']);
    words.beginBatch();
    expect(words.generation).toBe(1);
    expect(words.size).toBe(0);
    expect(Array.from(words.of(['d', 'a']))).toEqual([0, 1]);
  });
});
