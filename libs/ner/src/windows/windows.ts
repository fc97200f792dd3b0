/**
 * Windows as integers: for every token of a corpus, the key of each feature at each of the 2m+1 positions
 * (padding ids past sentence edges). X is built from these batch by batch (the network's ConcatWindow layer), so a
 * whole corpus of windows costs (2m+1) x features int32 per token, not floats.
 */
import type { Feature, SentenceContext } from '../features/types.js';

export interface WindowSet {
  /** Number of windows (= tokens). */
  readonly n: number;
  /** m: positions i-m .. i+m. */
  readonly m: number;
  /** Per feature: ids[f][w * (2m+1) + p] is feature f's key at position p of window w. */
  readonly ids: Int32Array[];
  /** Gold class per window (-1 when unlabeled). */
  readonly labels: Int32Array;
  /** Start offset of each sentence in window order, plus a final entry = n. */
  readonly sentenceStarts: Int32Array;
}

/**
 * Turn sentences into windows. `training` true maps words outside each feature's trained vocabulary to its
 * <unk> row; false lets features consult the vector store (dev/test/tagging). `contexts[i]` is where sentence i
 * sits in its document (absent: each sentence is a document of its own).
 */
export function buildWindows(sentences: string[][], features: readonly Feature[], m: number, training: boolean, labels?: Int32Array[], contexts?: readonly SentenceContext[]): WindowSet {
  let n = 0;
  let maxLen = 0;
  for (const s of sentences) {
    n += s.length;
    if (s.length > maxLen) maxLen = s.length;
  }
  const width = 2 * m + 1;
  const ids = features.map(() => new Int32Array(n * width));
  const gold = new Int32Array(n).fill(-1);
  const sentenceStarts = new Int32Array(sentences.length + 1);
  const tokIds = new Int32Array(maxLen);
  let base = 0;
  sentences.forEach((tokens, si) => {
    sentenceStarts[si] = base;
    const len = tokens.length;
    if (labels) gold.set(labels[si], base);
    features.forEach((f, fi) => {
      f.encode(tokens, tokIds, 0, training, contexts?.[si]);
      const out = ids[fi];
      for (let t = 0; t < len; t++) {
        const o = (base + t) * width;
        for (let p = 0; p < width; p++) {
          const j = t + p - m;
          out[o + p] = j < 0 ? f.padStart : j >= len ? f.padEnd : tokIds[j];
        }
      }
    });
    base += len;
  });
  sentenceStarts[sentences.length] = n;
  return { n, m, ids, labels: gold, sentenceStarts };
}
