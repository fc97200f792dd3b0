import type { LabelSet } from '../labels/label-set.js';

/** A decoded sentence as label indices; label strings are looked up only where spans are built (indicesToSpans). */
export interface DecodeResult {
  /** The chosen label index per token. */
  indices: Int32Array;
  /** The input score of each chosen tag (same units as the scores: log-probability or raw score). */
  tagScores: Float32Array;
}

/**
 * Arrays of length n a decoder writes indices and tagScores into instead of allocating its own: views of one
 * batch-wide array, so tagging a text costs two typed arrays rather than two per sentence (each ArrayBuffer is
 * swept by every young-generation GC: 0.8-1.5 ms of a serving worker's ~3 ms scavenges before, 0.27 ms after).
 */
export interface DecodeInto {
  indices: Int32Array;
  tagScores: Float32Array;
}

/**
 * Turns a row-major [n x L] score matrix (L = labels.size; log-probabilities or unnormalised scores, higher is
 * better, summed along a path) into one label index per token. `transitions` ([(L + 2) x L]: label-to-label
 * scores, then start and end rows; a CRF head's) are added along the path by decoders that model paths
 * (viterbi); per-token decoders (greedy) ignore them.
 */
export interface Decoder {
  name: string;
  decode(scores: Float32Array, n: number, labels: LabelSet, into?: DecodeInto, transitions?: Float32Array): DecodeResult;
  /**
   * Optional: every sentence of a batch at once (rows starts[s] .. starts[s + 1] − 1 of scores are sentence s),
   * into `into` (one entry per row); the same result as `decode` per sentence, for decoders whose per-call setup
   * or native call costs more than a short sentence's work. Absent: the caller calls `decode` per sentence.
   */
  decodeBatch?(scores: Float32Array, starts: Int32Array, labels: LabelSet, into: DecodeInto, transitions?: Float32Array): void;
}

/** The output arrays of one decode: the caller's views when given (checked), else fresh ones. */
export function outputArrays(n: number, decoder: string, into?: DecodeInto): DecodeInto {
  if (!into) return { indices: new Int32Array(n), tagScores: new Float32Array(n) };
  if (into.indices.length !== n || into.tagScores.length !== n) {
    throw new Error(`${decoder} decoder: output arrays hold ${into.indices.length} and ${into.tagScores.length} entries, need ${n}`);
  }
  return into;
}

export function checkShape(scores: Float32Array, n: number, labels: LabelSet, decoder: string): void {
  if (!Number.isInteger(n) || n < 0) throw new Error(`${decoder} decoder: token count ${n} is not a non-negative integer`);
  if (scores.length !== n * labels.size) {
    throw new Error(`${decoder} decoder: expected ${n} x ${labels.size} = ${n * labels.size} scores, got ${scores.length}`);
  }
}
