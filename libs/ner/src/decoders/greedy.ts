/**
 * Greedy decoder: per-token argmax, then BIO repair: an I-X that does not continue a chunk of type X becomes B-X
 * (the reading conlleval gives such a tag anyway, made explicit so spans and token accuracy agree).
 */
import type { LabelSet } from '../labels/label-set';
import { checkShape, outputArrays, type DecodeInto, type DecodeResult, type Decoder } from './types';

export function argmaxRow(scores: Float32Array, row: number, L: number): number {
  let best = 0;
  let bestScore = -Infinity;
  for (let j = 0; j < L; j++) {
    const s = scores[row * L + j]!;
    if (s > bestScore) {
      bestScore = s;
      best = j;
    }
  }
  return best;
}

export const greedyDecoder: Decoder = {
  name: 'greedy',
  decode(scores: Float32Array, n: number, labels: LabelSet, into?: DecodeInto): DecodeResult {
    checkShape(scores, n, labels, 'greedy');
    const L = labels.size;
    const tags = new Array<string>(n);
    const { tagScores, indices } = outputArrays(n, 'greedy', into);
    let prevType = '';
    for (let i = 0; i < n; i++) {
      let tag = labels.label(argmaxRow(scores, i, L));
      if (labels.scheme === 'BIO' && tag.startsWith('I-') && tag.slice(2) !== prevType) tag = `B-${tag.slice(2)}`;
      tags[i] = tag;
      indices[i] = labels.index(tag);
      tagScores[i] = scores[i * L + indices[i]]!;
      prevType = tag === 'O' ? '' : tag.slice(2);
    }
    return { tags, tagScores, indices };
  },
};
