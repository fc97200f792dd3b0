/**
 * The offset rule, for any input: every token is its own slice of the text, tokens are in order and do not
 * overlap, no token holds whitespace, and every non-whitespace character is inside some token.
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { defaultTokenizer, whitespaceTokenizer, type Tokenizer } from '../src/index';

// Pieces that stress the tokenizer: surrogate pairs, lone surrogates, combining marks, ZWJ emoji, control chars,
// CRLF, Unicode spaces, and the characters its patterns care about.
const PIECES = [
  '😀', '👍🏽', '👨‍👩‍👧', '🇺🇸', '\u0301', '\u0308', 'e\u0301', '\uD83D', '\uDE00', '\u200D', '\uFE0F', '\u0000', '\u0007',
  '\r\n', '\n', '\t', ' ', '\u00A0', '\u2028', '\u3000', '\uFEFF', 'U.S.', 'Mr.', "'", "n't", '"', '``', "''", '.', '...',
  ',', '$', '3.50', '@', '#', 'http://', 'www.', '-', '--', '—', 'é', 'ß', '東京', '𝒳', 'a', 'Z', '0',
];
const text = fc.oneof(
  fc.string({ unit: 'binary' }),
  fc.string({ unit: 'grapheme' }),
  fc.array(fc.oneof(fc.constantFrom(...PIECES), fc.string({ maxLength: 3 })), { maxLength: 30 }).map((a) => a.join('')),
);

function checkOffsets(tokenizer: Tokenizer, input: string): void {
  const tokens = tokenizer.tokenize(input);
  const covered = new Uint8Array(input.length);
  let prevEnd = 0;
  for (const t of tokens) {
    if (input.slice(t.start, t.end) !== t.text) throw new Error(`slice mismatch for ${JSON.stringify(t)}`);
    if (t.end <= t.start) throw new Error(`empty token ${JSON.stringify(t)}`);
    if (t.start < prevEnd) throw new Error(`overlap/out of order at ${t.start}`);
    if (/\s/u.test(t.text)) throw new Error(`whitespace inside ${JSON.stringify(t.text)}`);
    covered.fill(1, t.start, t.end);
    prevEnd = t.end;
  }
  for (let i = 0; i < input.length; i++) {
    if (!covered[i] && !/\s/u.test(input[i])) throw new Error(`char ${i} (${JSON.stringify(input[i])}) lost`);
  }
}

describe.each([defaultTokenizer, whitespaceTokenizer])('$name tokenizer offsets (property)', (tokenizer) => {
  it('never loses, reorders or rewrites characters', () => {
    fc.assert(fc.property(text, (input) => checkOffsets(tokenizer, input)), { numRuns: 2000 });
  });
});
