/**
 * BIO transition rules used by the decoders. Under BIO, I-X may only follow B-X or I-X; everything else is free.
 * An IO label set has no constraints (I-X after O simply starts an entity).
 */
import { tryParseTag } from './tag.js';

export type LabelScheme = 'BIO' | 'IO';

/** Is prev → next allowed? prev null = sentence start. Unknown tags are treated as invalid next tags. */
export function isValidTransition(prev: string | null, next: string, scheme: LabelScheme = 'BIO'): boolean {
  const n = tryParseTag(next);
  if (!n) return false;
  if (scheme === 'IO' || n.prefix !== 'I') return true;
  if (prev === null) return false;
  const p = tryParseTag(prev);
  return !!p && (p.prefix === 'B' || p.prefix === 'I') && p.type === n.type;
}
