/**
 * Chunk boundary rules of conlleval.pl (CoNLL-2000/2003 evaluation script, version 2004-01-26), reproduced
 * rule for rule so scores match the official script, including its quirks: it understands B/I/O and E, but an
 * S- tag only starts a chunk on a type change (evaluate IOBES data after converting it to BIO).
 * A tag is split at its FIRST hyphen into prefix and type ("O" → prefix "O", type "").
 */
export interface ChunkTag {
  prefix: string;
  type: string;
}

export function splitTag(tag: string): ChunkTag {
  const dash = tag.indexOf('-');
  return dash < 0 ? { prefix: tag, type: '' } : { prefix: tag.slice(0, dash), type: tag.slice(dash + 1) };
}

/** Did a chunk end between the previous and the current token? */
export function endOfChunk(prev: ChunkTag, cur: ChunkTag): boolean {
  const p = prev.prefix;
  const t = cur.prefix;
  if (p === 'B' && (t === 'B' || t === 'O')) return true;
  if (p === 'I' && (t === 'B' || t === 'O')) return true;
  if (p === 'E' && (t === 'E' || t === 'I' || t === 'O')) return true;
  if (p !== 'O' && p !== '.' && prev.type !== cur.type) return true;
  // conlleval: bracket chunks are one token long.
  return p === ']' || p === '[';
}

/** Did a chunk start between the previous and the current token? */
export function startOfChunk(prev: ChunkTag, cur: ChunkTag): boolean {
  const p = prev.prefix;
  const t = cur.prefix;
  if (t === 'B' && (p === 'B' || p === 'I' || p === 'O')) return true;
  if (p === 'O' && (t === 'I' || t === 'E')) return true;
  if (p === 'E' && (t === 'E' || t === 'I')) return true;
  if (t !== 'O' && t !== '.' && prev.type !== cur.type) return true;
  return t === '[' || t === ']';
}
