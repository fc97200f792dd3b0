/** Token spans → Entity objects with character offsets into the original text. */
import type { Entity } from '../api.js';
import type { TokenOffset } from '../corpus/types.js';
import type { Span } from '../labels/spans.js';

/**
 * tokenScores: per-token confidence in [0, 1] (e.g. exp of the chosen tag's log-probability); an entity's score is
 * the mean over its tokens (1 when no scores are given). Offsets are JS string indices, end exclusive.
 */
export function spansToEntities(
  spans: readonly Span[], offsets: readonly TokenOffset[], text: string, tokenScores?: ArrayLike<number>,
): Entity[] {
  return spans.map((sp) => {
    const first = offsets[sp.startToken];
    const last = offsets[sp.endToken - 1];
    if (!first || !last || sp.startToken >= sp.endToken) {
      throw new Error(`span ${sp.type} [${sp.startToken}, ${sp.endToken}) is outside the ${offsets.length} token offsets`);
    }
    let score = 1;
    if (tokenScores) {
      let sum = 0;
      for (let i = sp.startToken; i < sp.endToken; i++) sum += tokenScores[i]!;
      score = sum / (sp.endToken - sp.startToken);
    }
    return { text: text.slice(first.start, last.end), label: sp.type, start: first.start, end: last.end, score };
  });
}
