/**
 * The default tokenizer: CoNLL/Penn-Treebank-style tokens with exact character offsets.
 * 1. split on whitespace; 2. inside each chunk keep PROTECTED patterns (URLs, e-mails, emoji, "U.S."…) whole;
 * 2b. split the rest at SPLITTER: markup characters (< > /) become tokens of their own, Unicode format characters
 *    (bidi controls, zero-width ones) are dropped like whitespace, so they never are or end up in a token;
 * 3. hand the rest to natural's TreebankWordTokenizer ("can't" -> "ca" "n't", punctuation split off words) and
 *    map its tokens back onto the string (natural gives no offsets and may drop or rewrite characters);
 * 4. anything natural lost becomes a fallback token, and pieces natural cut inside a character (surrogate pair,
 *    combining mark) are glued back. So slice(start, end) === text holds for every input.
 * Steps 2-4 only ever see one whitespace-delimited chunk, so their result is a function of the chunk's string:
 * it is memoised per chunk (bounded), which takes the regexes and natural off the path for the words that make
 * up most of any text (the tokenizer was ~45% of a serving worker's CPU before).
 */
import { createRequire } from 'node:module';
import type { TreebankWordTokenizer } from 'natural';
import { CONTINUATION, FALLBACK_PIECE, PROTECTED, SPLITTER } from './patterns.js';
import { makeToken, type Token, type Tokenizer } from './token.js';
import { whitespaceTokenizer } from './whitespace.js';

// Only natural's Treebank tokenizer, not its index: the index loads all of natural (classifiers, WordNet, lexicons,
// its Redis/Mongo/Postgres adapters, dotenv), ~660k heap objects that every full GC of a serving worker marks
// again (measured: a worker's live heap 96 -> 49 MB, its mark-compact pauses 15-29 -> 6-14 ms).
const Treebank = createRequire(import.meta.url)('natural/lib/natural/tokenizers/treebank_word_tokenizer.js') as typeof TreebankWordTokenizer;
const treebank = new Treebank();
const JOINERS = '\u00AD\u200C\u200D';

/** Chunks remembered before the memo is emptied (each entry is a short string and a few offsets: ~10 MB full). */
export const CHUNK_MEMO_ENTRIES = 50_000;
/** Longer chunks (URLs, run-on strings) rarely repeat: tokenised each time, never remembered. */
const CHUNK_MEMO_MAX_LENGTH = 40;
/** chunk -> its tokens' [start, end) offsets relative to the chunk, flattened. */
const chunkMemo = new Map<string, Int32Array>();

export const defaultTokenizer: Tokenizer = {
  name: 'default',
  tokenize(text: string): Token[] {
    const tokens: Token[] = [];
    for (const chunk of whitespaceTokenizer.tokenize(text)) {
      const { start, end } = chunk;
      if (end - start > CHUNK_MEMO_MAX_LENGTH) {
        tokenizeChunk(text, start, end, tokens);
        continue;
      }
      let offsets = chunkMemo.get(chunk.text);
      if (!offsets) {
        const fresh: Token[] = [];
        tokenizeChunk(chunk.text, 0, chunk.text.length, fresh);
        offsets = Int32Array.from(fresh.flatMap((t) => [t.start, t.end]));
        if (chunkMemo.size >= CHUNK_MEMO_ENTRIES) chunkMemo.clear();
        chunkMemo.set(chunk.text, offsets);
      }
      // Most chunks are one token: the chunk itself.
      if (offsets.length === 2 && offsets[0] === 0 && offsets[1] === chunk.text.length) tokens.push(chunk);
      else for (let i = 0; i < offsets.length; i += 2) tokens.push(makeToken(text, start + offsets[i], start + offsets[i + 1]));
    }
    return tokens;
  },
};

function tokenizeChunk(source: string, start: number, end: number, out: Token[]): void {
  const chunk = source.slice(start, end);
  let cursor = 0;
  for (const m of chunk.matchAll(PROTECTED)) {
    if (m[0].length === 0) continue;
    if (m.index > cursor) splitThenNatural(source, start + cursor, start + m.index, out);
    out.push(makeToken(source, start + m.index, start + m.index + m[0].length));
    cursor = m.index + m[0].length;
  }
  if (cursor < chunk.length) splitThenNatural(source, start + cursor, end, out);
}

/** Markup characters become tokens, format characters separate pieces and are dropped (see SPLITTER). */
function splitThenNatural(source: string, start: number, end: number, out: Token[]): void {
  const piece = source.slice(start, end);
  let cursor = 0;
  for (const m of piece.matchAll(SPLITTER)) {
    if (m.index > cursor) tokenizeWithNatural(source, start + cursor, start + m.index, out);
    if (m[1] !== undefined) out.push(makeToken(source, start + m.index, start + m.index + m[1].length));
    cursor = m.index + m[0].length;
  }
  if (cursor < piece.length) tokenizeWithNatural(source, start + cursor, end, out);
}

function tokenizeWithNatural(source: string, start: number, end: number, out: Token[]): void {
  const piece = source.slice(start, end);
  // natural's regexes are ASCII-only (\w), so "Müller" would become "M" "ü" "ller". It sees a masked copy of the
  // same length where every non-ASCII letter/mark/digit code unit is "a": its offsets are then valid in `piece`.
  // A joiner left here stands between letters (SPLITTER dropped the others), so it is masked as a letter too.
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
  for (let [s, e] of pieces) {
    // natural may cut a word next to a joiner ("é\u00ADn't" -> "é\u00AD" "n't"): the joiner then has no word on
    // one side, and a format character never ends or starts a token.
    while (s < e && JOINERS.includes(piece[s])) s++;
    while (e > s && JOINERS.includes(piece[e - 1])) e--;
    if (s === e) continue;
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
  for (const ch of piece) masked += ch.charCodeAt(0) < 0x80 || !/[\p{L}\p{M}\p{N}\p{Cf}]/u.test(ch) ? ch : 'a'.repeat(ch.length);
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
