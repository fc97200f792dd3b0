import { describe, expect, it } from 'vitest';
import { defaultTokenizer, getTokenizer, whitespaceTokenizer, type Token } from '../src/index.js';
import { isWhiteSpace } from '../src/tokenizer/whitespace.js';

const words = (text: string) => defaultTokenizer.tokenize(text).map((t) => t.text);

function expectOffsets(text: string, tokens: Token[]): void {
  for (const t of tokens) expect(text.slice(t.start, t.end)).toBe(t.text);
}

describe('default tokenizer', () => {
  it('produces CoNLL-style tokens', () => {
    expect(words("Mr. O'Neil can't pay $3.50 to the U.S. firm.")).toEqual(
      ['Mr.', "O'Neil", 'ca', "n't", 'pay', '$', '3.50', 'to', 'the', 'U.S.', 'firm', '.'],
    );
    expect(words('the New York-based bank, (Reuters) said: "no!"')).toEqual(
      ['the', 'New', 'York-based', 'bank', ',', '(', 'Reuters', ')', 'said', ':', '"', 'no', '!', '"'],
    );
    expect(words('Sales rose 10% to 3,000.5 tonnes -- record')).toEqual(
      ['Sales', 'rose', '10', '%', 'to', '3,000.5', 'tonnes', '--', 'record'],
    );
  });

  it('keeps e-mails, URLs, hashtags, mentions and emoji whole', () => {
    expect(words('mail bob.smith@example.co.uk or see https://x.org/a?b=1. #NLProc @jane_doe 👍🏽👨‍👩‍👧🇺🇸!')).toEqual(
      ['mail', 'bob.smith@example.co.uk', 'or', 'see', 'https://x.org/a?b=1', '.', '#NLProc', '@jane_doe', '👍🏽', '👨‍👩‍👧', '🇺🇸', '!'],
    );
  });

  it('keeps non-ASCII words whole (natural is ASCII-only underneath)', () => {
    expect(words("Müller's café in Zürich, 東京 e\u0301t 𝒳y")).toEqual(["Müller", "'s", 'café', 'in', 'Zürich', ',', '東京', 'e\u0301t', '𝒳y']);
  });

  it('gives exact offsets, also around CRLF and tabs', () => {
    const text = 'Paris\r\n\tis in  France.';
    const tokens = defaultTokenizer.tokenize(text);
    expect(tokens.map((t) => [t.start, t.end])).toEqual([[0, 5], [8, 10], [11, 13], [15, 21], [21, 22]]);
    expectOffsets(text, tokens);
  });

  it('gives the same tokens for a chunk wherever it stands (the per-chunk memo)', () => {
    // Each chunk tokenised alone, shifted to where it stands, must equal the whole text's tokens — with the
    // memo cold (first call) and warm (second call), and for chunks too long to be remembered.
    const text = "U.S. firm, U.S. firm,\tMüller's (quietly.) https://example.org/a/very/long/path/that/is/not/memoised?x=1, U.S.";
    const alone: Token[] = [];
    for (const m of text.matchAll(/\S+/gu)) {
      for (const t of defaultTokenizer.tokenize(m[0])) alone.push({ text: t.text, start: t.start + m.index, end: t.end + m.index });
    }
    expect(defaultTokenizer.tokenize(text)).toEqual(alone);
    expect(defaultTokenizer.tokenize(text)).toEqual(alone);
    expect(alone.map((t) => t.text)).toEqual(['U.S.', 'firm', ',', 'U.S.', 'firm', ',', 'Müller', "'s", '(', 'quietly', '.', ')', 'https://example.org/a/very/long/path/that/is/not/memoised?x=1', ',', 'U.S.']);
    expectOffsets(text, alone);
  });

  it('splits chunks on exactly the code units /\\s/u matches', () => {
    const differ: number[] = [];
    for (let c = 0; c <= 0xffff; c++) if (isWhiteSpace(c) !== /\s/u.test(String.fromCharCode(c))) differ.push(c);
    expect(differ).toEqual([]);
    expect(words('a\u00a0b\u2003c\u3000d\ufeffe')).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('splits markup characters off words, keeping "/" between digits (CoNLL "1/2", "08/26/96")', () => {
    expect(words('<b>Paris</b>')).toEqual(['<', 'b', '>', 'Paris', '<', '/', 'b', '>']);
    expect(words('<a href="x">Angela Merkel</a>, a<b')).toEqual(['<', 'a', 'href', '=', '"', 'x', '"', '>', 'Angela', 'Merkel', '<', '/', 'a', '>', ',', 'a', '<', 'b']);
    expect(words('and/or 1/2 08/26/96 Berlin/Paris http://x.org/a/b')).toEqual(['and', '/', 'or', '1/2', '08/26/96', 'Berlin', '/', 'Paris', 'http://x.org/a/b']);
    const text = 'x <i>Zürich</i>.';
    const tokens = defaultTokenizer.tokenize(text);
    expect(tokens.find((t) => t.text === 'Zürich')).toEqual({ text: 'Zürich', start: 5, end: 11 });
    expectOffsets(text, tokens);
  });

  it('never makes a token of a format character (bidi controls, zero-width ones) nor puts one at a token edge', () => {
    // RLO/PDF around a word, LRI/PDI, ZWSP between words, a BOM, an LRM after a URL, a lone ZWJ/ZWNJ.
    const text = '\u202EParis\u202C \u2066Berlin\u2069 Angela\u200BMerkel \u200E\u200F x\u200D http://x.org\u200E \u200C';
    const tokens = defaultTokenizer.tokenize(text);
    expect(tokens.map((t) => t.text)).toEqual(['Paris', 'Berlin', 'Angela', 'Merkel', 'x', 'http://x.org']);
    expect(tokens[0]).toEqual({ text: 'Paris', start: 1, end: 6 });
    expectOffsets(text, tokens);
    expect(defaultTokenizer.tokenize('\u200B\u200E\u2060')).toEqual([]);
  });

  it('keeps joiners that stand between letters inside the word, and ZWJ emoji sequences whole', () => {
    expect(words('می\u200Cخواهم Pa\u00ADris 👨\u200D👩\u200D👧')).toEqual(['می\u200Cخواهم', 'Pa\u00ADris', '👨\u200D👩\u200D👧']);
  });

  it('returns nothing for empty or blank text', () => {
    expect(defaultTokenizer.tokenize('')).toEqual([]);
    expect(defaultTokenizer.tokenize(' \r\n\t ')).toEqual([]);
  });
});

describe('whitespace tokenizer and registry', () => {
  it('splits on whitespace only, with offsets', () => {
    const text = ' U.S. -DOCSTART-  x,y\n';
    expect(whitespaceTokenizer.tokenize(text)).toEqual([
      { text: 'U.S.', start: 1, end: 5 },
      { text: '-DOCSTART-', start: 6, end: 16 },
      { text: 'x,y', start: 18, end: 21 },
    ]);
  });

  it('finds tokenizers by name and names the known ones on a miss', () => {
    expect(getTokenizer('default')).toBe(defaultTokenizer);
    expect(getTokenizer('whitespace')).toBe(whitespaceTokenizer);
    expect(() => getTokenizer('nope')).toThrow(/unknown tokenizer "nope".*default, whitespace/);
  });
});
