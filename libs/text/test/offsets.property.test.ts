/**
 * The offset rule, for any input: every token is its own slice of the text, tokens are in order and do not
 * overlap, no token holds whitespace, and every non-whitespace character is inside some token. The default
 * tokenizer drops Unicode format characters (Cf) instead: none is a token or at a token's edge, and markup
 * characters (< >) are tokens of their own.
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { defaultTokenizer, whitespaceTokenizer, type Tokenizer } from '../src/index.js';

// Pieces that stress the tokenizer: surrogate pairs, lone surrogates, combining marks, ZWJ emoji, control chars,
// CRLF, Unicode spaces, and the characters its patterns care about.
const PIECES = [
  '😀', '👍🏽', '👨‍👩‍👧', '🇺🇸', '\u0301', '\u0308', 'e\u0301', '\uD83D', '\uDE00', '\u200D', '\uFE0F', '\u0000', '\u0007',
  '\r\n', '\n', '\t', ' ', '\u00A0', '\u2028', '\u3000', '\uFEFF', 'U.S.', 'Mr.', "'", "n't", '"', '``', "''", '.', '...',
  ',', '$', '3.50', '@', '#', 'http://', 'www.', '-', '--', '—', 'é', 'ß', '東京', '𝒳', 'a', 'Z', '0',
  '<', '>', '/', '</b>', '<b>', '1/2', '\u202E', '\u202C', '\u2066', '\u2069', '\u200B', '\u200C', '\u200E', '\u00AD', '\u2060',
  '\u{E0067}', 'می',
];
const text = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc.string({ unit: 'grapheme' }),
  fc.array(fc.oneof(fc.constantFrom(...PIECES), fc.string({ maxLength: 3 })), { maxLength: 30 }).map((a) => a.join('')),
);

const FORMAT = /^\p{Cf}$/u;
/** Characters a tokenizer may leave out of every token: whitespace, and format characters for the default one. */
const skippable = (tokenizer: Tokenizer, ch: string) => /\s/u.test(ch) || (tokenizer === defaultTokenizer && FORMAT.test(ch));

function checkOffsets(tokenizer: Tokenizer, input: string): void {
  const tokens = tokenizer.tokenize(input);
  const covered = new Uint8Array(input.length);
  let prevEnd = 0;
  for (const t of tokens) {
    if (input.slice(t.start, t.end) !== t.text) throw new Error(`slice mismatch for ${JSON.stringify(t)}`);
    if (t.end <= t.start) throw new Error(`empty token ${JSON.stringify(t)}`);
    if (t.start < prevEnd) throw new Error(`overlap/out of order at ${t.start}`);
    if (/\s/u.test(t.text)) throw new Error(`whitespace inside ${JSON.stringify(t.text)}`);
    if (tokenizer === defaultTokenizer) {
      const first = String.fromCodePoint(t.text.codePointAt(0)!);
      const last = String.fromCodePoint(t.text.codePointAt(t.text.length - 1)!);
      if (FORMAT.test(first) || FORMAT.test(last)) throw new Error(`format character at the edge of ${JSON.stringify(t.text)}`);
      // Combining marks (or a lone low surrogate) after "<" stay on it, as after any character.
      if (/[<>]/.test(t.text) && !/^[<>](?:\p{M}|[\uDC00-\uDFFF])*$/u.test(t.text) && !/^(?:https?:|ftp:|www\.)/.test(t.text)) throw new Error(`markup inside ${JSON.stringify(t.text)}`);
    }
    covered.fill(1, t.start, t.end);
    prevEnd = t.end;
  }
  for (let i = 0; i < input.length; i++) {
    // An astral character is judged whole: both halves of a format character's surrogate pair may be left out.
    const lowHalf = i > 0 && /^[\uD800-\uDBFF][\uDC00-\uDFFF]$/.test(input.slice(i - 1, i + 1));
    const ch = String.fromCodePoint(input.codePointAt(lowHalf ? i - 1 : i)!);
    if (!covered[i] && !skippable(tokenizer, ch)) throw new Error(`char ${i} (${JSON.stringify(input[i])}) lost`);
  }
}

describe.each([defaultTokenizer, whitespaceTokenizer])('$name tokenizer offsets (property)', (tokenizer) => {
  it('never loses, reorders or rewrites characters', () => {
    fc.assert(fc.property(text, (input) => checkOffsets(tokenizer, input)), { numRuns: 2000 });
  });
});
