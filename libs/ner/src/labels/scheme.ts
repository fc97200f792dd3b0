/**
 * Tagging schemes and conversions. Internally everything is BIO (= IOB2): B-X starts every chunk, I-X continues.
 * - IOB1 (CoNLL-2003 files): I-X starts a chunk; B-X only separates two adjacent chunks of the same type.
 * - IO: no B- at all; adjacent same-type entities merge (information lost, by design of the scheme).
 * - IOBES: S-X single-token chunk, E-X last token of a chunk.
 */
import { parseTag, tryParseTag } from './tag.js';

export type TagScheme = 'IOB1' | 'IOB2' | 'IOBES' | 'IO';

/**
 * Detect the scheme of a corpus from all of its tag sequences (whole corpus, since one sentence rarely decides it).
 * Rules: any E-/S- → IOBES; no B- → IO (or IOB2 when there are no entities at all); an I-X that starts a chunk
 * (after O, after another type, or at sentence start) → IOB1; otherwise IOB2.
 * Tags that do not parse are ignored here (readers validate them with line numbers).
 */
export function detectScheme(sequences: Iterable<readonly string[]>): TagScheme {
  let hasB = false;
  let hasI = false;
  let hasES = false;
  let iStartsChunk = false;
  for (const tags of sequences) {
    let prevType = '';
    let prevPrefix = 'O';
    for (const tag of tags) {
      const t = tryParseTag(tag);
      if (!t) continue;
      if (t.prefix === 'E' || t.prefix === 'S') hasES = true;
      if (t.prefix === 'B') hasB = true;
      if (t.prefix === 'I') {
        hasI = true;
        if (prevPrefix === 'O' || prevType !== t.type) iStartsChunk = true;
      }
      prevPrefix = t.prefix;
      prevType = t.type;
    }
  }
  if (hasES) return 'IOBES';
  if (!hasB) return hasI ? 'IO' : 'IOB2';
  return iStartsChunk ? 'IOB1' : 'IOB2';
}

/**
 * Convert tags of any scheme to BIO. S-X → B-X, E-X → I-X, then every I-X that does not continue a chunk of type X
 * becomes B-X. That last step IS the IOB1/IO → BIO conversion, and repairs invalid BIO input the way conlleval
 * reads it (an I-X after O starts a chunk), so one function serves every scheme and chunks are preserved.
 */
export function toBio(tags: readonly string[]): string[] {
  const out = new Array<string>(tags.length);
  let prevType = '';
  for (let i = 0; i < tags.length; i++) {
    const { prefix, type } = parseTag(tags[i]!);
    if (prefix === 'O') {
      out[i] = 'O';
      prevType = '';
      continue;
    }
    const continues = (prefix === 'I' || prefix === 'E') && prevType === type;
    out[i] = continues ? `I-${type}` : `B-${type}`;
    // After E-X or S-X the chunk is closed: a following I-X must start a new chunk.
    prevType = prefix === 'E' || prefix === 'S' ? '' : type;
  }
  return out;
}

/** Convert BIO tags to another scheme (for writing corpora or training in IO). */
export function fromBio(tags: readonly string[], scheme: TagScheme): string[] {
  const bio = toBio(tags); // tolerate slightly invalid input: normalise first
  switch (scheme) {
    case 'IOB2':
      return bio;
    case 'IO':
      return bio.map((t) => (t.startsWith('B-') ? `I-${t.slice(2)}` : t));
    case 'IOB1':
      return bio.map((t, i) => {
        if (!t.startsWith('B-')) return t;
        const prev = i > 0 ? bio[i - 1]! : 'O';
        // B- is kept only where an adjacent same-type chunk precedes it.
        return prev !== 'O' && prev.slice(2) === t.slice(2) ? t : `I-${t.slice(2)}`;
      });
    case 'IOBES':
      return bio.map((t, i) => {
        if (t === 'O') return t;
        const type = t.slice(2);
        const next = i + 1 < bio.length ? bio[i + 1]! : 'O';
        const continued = next === `I-${type}`;
        if (t.startsWith('B-')) return continued ? t : `S-${type}`;
        return continued ? t : `E-${type}`;
      });
  }
}
