/**
 * The default tokenizer: CoNLL/Penn-Treebank-style tokens with exact character offsets.
 * 1. split on whitespace; 2. inside each chunk keep PROTECTED patterns (URLs, e-mails, emoji, "U.S."…) whole;
 * 3. hand the rest to natural's TreebankWordTokenizer ("can't" -> "ca" "n't", punctuation split off words) and
 *    map its tokens back onto the string (natural gives no offsets and may drop or rewrite characters);
 * 4. anything natural lost becomes a fallback token, and pieces natural cut inside a character (surrogate pair,
 *    combining mark) are glued back. So slice(start, end) === text holds for every input.
 */
import natural from 'natural';
import { CONTINUATION, FALLBACK_PIECE, PROTECTED } from './patterns';
import { makeToken, type Token, type Tokenizer } from './token';

const treebank = new natural.TreebankWordTokenizer();

export const defaultTokenizer: Tokenizer = {
  name: 'default',
  tokenize(text: string): Token[] {
    const tokens: Token[] = [];
    for (const chunk of text.matchAll(/\S+/gu)) tokenizeChunk(text, chunk.index, chunk.index + chunk[0].length, tokens);
    return tokens;
  },
};

function tokenizeChunk(source: string, start: number, end: number, out: Token[]): void {
  const chunk = source.slice(start, end);
  let cursor = 0;
  for (const m of chunk.matchAll(PROTECTED)) {
    if (m[0].length === 0) continue;
    if (m.index > cursor) tokenizeWithNatural(source, start + cursor, start + m.index, out);
    out.push(makeToken(source, start + m.index, start + m.index + m[0].length));
    cursor = m.index + m[0].length;
  }
  if (cursor < chunk.length) tokenizeWithNatural(source, start + cursor, end, out);
}

function tokenizeWithNatural(source: string, start: number, end: number, out: Token[]): void {
  const piece = source.slice(start, end);
  // natural's regexes are ASCII-only (\w), so "Müller" would become "M" "ü" "ller". It sees a masked copy of the
  // same length where every non-ASCII letter/mark/digit code unit is "a": its offsets are then valid in `piece`.
  const masked = maskForNatural(piece);
  const pieces: Array<[number, number]> = [];
  let cursor = 0;
  for (const word of treebank.tokenize(masked)) {
    if (!word) continue;
    const at = masked.indexOf(word, cursor);
    if (at < 0) continue; // natural rewrote this token; its characters are recovered as a gap below
    if (at > cursor) fallback(piece, cursor, at, pieces);
    // natural only splits a final period at the very end of its input ("(quietly.)" keeps "quietly.");
    // abbreviations never reach natural (they are PROTECTED), so a trailing dot here is punctuation.
    const end = word.length > 1 && word.endsWith('.') && !word.endsWith('..') ? at + word.length - 1 : at + word.length;
    splitCommas(piece, at, end, pieces);
    if (end < at + word.length) pieces.push([end, end + 1]);
    cursor = at + word.length;
  }
  if (cursor < piece.length) fallback(piece, cursor, piece.length, pieces);
  for (const [s, e] of pieces) {
    const prev = out[out.length - 1];
    if (prev && prev.end === start + s && CONTINUATION.test(piece.slice(s, e))) {
      out[out.length - 1] = makeToken(source, prev.start, start + e);
    } else {
      out.push(makeToken(source, start + s, start + e));
    }
  }
}

function fallback(piece: string, from: number, to: number, pieces: Array<[number, number]>): void {
  const gap = piece.slice(from, to);
  for (const m of gap.matchAll(FALLBACK_PIECE)) pieces.push([from + m.index, from + m.index + m[0].length]);
}

function maskForNatural(piece: string): string {
  let masked = '';
  for (const ch of piece) masked += ch.charCodeAt(0) < 0x80 || !/[\p{L}\p{M}\p{N}]/u.test(ch) ? ch : 'a'.repeat(ch.length);
  return masked;
}

/** natural leaves a comma glued to a word at the end of its input ("firm,"); split commas not inside numbers. */
function splitCommas(piece: string, from: number, to: number, pieces: Array<[number, number]>): void {
  const word = piece.slice(from, to);
  let cursor = 0;
  for (const m of word.matchAll(/(?<!\p{N}),|,(?!\p{N})/gu)) {
    if (m.index > cursor) pieces.push([from + cursor, from + m.index]);
    pieces.push([from + m.index, from + m.index + 1]);
    cursor = m.index + 1;
  }
  if (cursor < word.length) pieces.push([from + cursor, to]);
}
