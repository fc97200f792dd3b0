/**
 * Tag sequences <-> token spans. Reading is lenient and follows conlleval's chunk rules, so it accepts BIO, IOB1,
 * IO and IOBES: an I-X (or E-X) that does not continue a chunk of type X starts a new chunk.
 */
import type { LabelSet } from './label-set.js';
import { parseTag } from './tag.js';

export interface Span {
  type: string;
  /** First token index. */
  startToken: number;
  /** One past the last token index (exclusive). */
  endToken: number;
}

export function tagsToSpans(tags: readonly string[]): Span[] {
  const spans: Span[] = [];
  let open: Span | null = null;
  for (let i = 0; i < tags.length; i++) {
    const { prefix, type } = parseTag(tags[i]!);
    const continues = open !== null && open.type === type && (prefix === 'I' || prefix === 'E');
    if (continues) {
      open!.endToken = i + 1;
    } else {
      if (open) spans.push(open);
      open = prefix === 'O' ? null : { type, startToken: i, endToken: i + 1 };
    }
    // E-X and S-X close their chunk at once.
    if (open && (prefix === 'E' || prefix === 'S')) {
      spans.push(open);
      open = null;
    }
  }
  if (open) spans.push(open);
  return spans;
}

/**
 * Spans of a decoded sentence, from label indices of `labels` (the same chunk rules as tagsToSpans, on indices:
 * the type name is the only string touched, once per span).
 */
export function indicesToSpans(indices: ArrayLike<number>, labels: LabelSet): Span[] {
  const spans: Span[] = [];
  let openType = -1;
  let start = 0;
  for (let i = 0; i <= indices.length; i++) {
    const j = i < indices.length ? indices[i] : 0;
    const type = labels.typeId(j);
    if (openType >= 0 && type === openType && labels.continuesChunk(j)) continue;
    if (openType >= 0) spans.push({ type: labels.typeName(openType), startToken: start, endToken: i });
    openType = type;
    start = i;
  }
  return spans;
}

/** Spans → BIO tags for n tokens. Throws on overlapping or out-of-range spans. */
export function spansToTags(spans: readonly Span[], n: number): string[] {
  const tags = new Array<string>(n).fill('O');
  for (const s of spans) {
    if (s.startToken < 0 || s.endToken > n || s.startToken >= s.endToken) {
      throw new Error(`span ${s.type} [${s.startToken}, ${s.endToken}) is out of range for ${n} tokens`);
    }
    for (let i = s.startToken; i < s.endToken; i++) {
      if (tags[i] !== 'O') throw new Error(`span ${s.type} [${s.startToken}, ${s.endToken}) overlaps another span`);
      tags[i] = `${i === s.startToken ? 'B' : 'I'}-${s.type}`;
    }
  }
  return tags;
}
