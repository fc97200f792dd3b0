/**
 * Greedy decoder: per-token argmax, then BIO repair: an I-X that does not continue a chunk of type X becomes B-X
 * (the reading conlleval gives such a tag anyway, made explicit so spans and token accuracy agree).
 */
import type { LabelSet } from '../labels/label-set.js';
import { checkShape, outputArrays, type DecodeInto, type DecodeResult, type Decoder } from './types.js';

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
    const repair = labels.scheme === 'BIO';
    const { tagScores, indices } = outputArrays(n, 'greedy', into);
    let prevType = -1;
    for (let i = 0; i < n; i++) {
      let j = argmaxRow(scores, i, L);
      const type = labels.typeId(j);
      if (repair && labels.continuesChunk(j) && type !== prevType) j = labels.beginIndex(type);
      indices[i] = j;
      tagScores[i] = scores[i * L + j]!;
      prevType = type;
    }
    return { tagScores, indices };
  },
};
