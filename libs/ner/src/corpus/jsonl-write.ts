/** JSONL writer: the inverse of the reader for sentences that carry text and offsets. */
import { tagsToSpans } from '../labels/spans.js';
import type { Sentence } from './types.js';

export function sentenceToJsonl(s: Sentence): string {
  if (s.text === undefined || !s.offsets) throw new Error('sentence has no text/offsets; JSONL needs character offsets');
  const offsets = s.offsets;
  const entities = tagsToSpans(s.tags).map((sp) => ({
    start: offsets[sp.startToken]!.start,
    end: offsets[sp.endToken - 1]!.end,
    label: sp.type,
  }));
  return JSON.stringify({ text: s.text, entities });
}

export function formatJsonl(sentences: readonly Sentence[]): string {
  return sentences.map(sentenceToJsonl).join('\n') + (sentences.length ? '\n' : '');
}
