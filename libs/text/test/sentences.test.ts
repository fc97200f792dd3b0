import { describe, expect, it } from 'vitest';
import { defaultTokenizer, splitSentences } from '../src/index.js';

function sentences(text: string, breakOnNewline = false): string[] {
  const tokens = defaultTokenizer.tokenize(text);
  return splitSentences(text, tokens, { breakOnNewline }).map((r) => tokens.slice(r.start, r.end).map((t) => t.text).join(' '));
}

describe('splitSentences', () => {
  it('ends at . ! ? but not after abbreviations', () => {
    expect(sentences('Mr. Smith went to the U.S. on Monday. He left! Why? Dr. No.')).toEqual([
      'Mr. Smith went to the U.S. on Monday .',
      'He left !',
      'Why ?',
      'Dr. No.',
    ]);
  });

  it('keeps closing quotes and brackets with the sentence they end', () => {
    expect(sentences('He said "Stop!" Then (quietly.) left')).toEqual(['He said " Stop ! "', 'Then ( quietly . )', 'left']);
  });

  it('breaks at blank lines, and at every line only when asked', () => {
    expect(sentences('Apple Inc\n\nJohn Smith\r\nParis')).toEqual(['Apple Inc', 'John Smith Paris']);
    expect(sentences('Apple Inc\n\nJohn Smith\r\nParis', true)).toEqual(['Apple Inc', 'John Smith', 'Paris']);
  });

  it('covers every token exactly once, in order', () => {
    const text = 'A. b! c? ... "d." e';
    const tokens = defaultTokenizer.tokenize(text);
    const ranges = splitSentences(text, tokens);
    expect(ranges[0].start).toBe(0);
    for (let i = 1; i < ranges.length; i++) expect(ranges[i].start).toBe(ranges[i - 1].end);
    expect(ranges.at(-1)!.end).toBe(tokens.length);
    expect(splitSentences('', [])).toEqual([]);
  });
});
