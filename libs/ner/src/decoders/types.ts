import type { LabelSet } from '../labels/label-set';

export interface DecodeResult {
  tags: string[];
  /** The same tags as label indices, when the decoder has them at hand (saves callers a lookup per token). */
  indices?: Int32Array;
  /** The input score of each chosen tag (same units as the scores: log-probability or raw score). */
  tagScores: Float32Array;
}

/**
 * Turns a row-major [n x L] score matrix (L = labels.size; log-probabilities or unnormalised scores, higher is
 * better, summed along a path) into one tag per token.
 */
export interface Decoder {
  name: string;
  decode(scores: Float32Array, n: number, labels: LabelSet): DecodeResult;
}

export function checkShape(scores: Float32Array, n: number, labels: LabelSet, decoder: string): void {
  if (!Number.isInteger(n) || n < 0) throw new Error(`${decoder} decoder: token count ${n} is not a non-negative integer`);
  if (scores.length !== n * labels.size) {
    throw new Error(`${decoder} decoder: expected ${n} x ${labels.size} = ${n * labels.size} scores, got ${scores.length}`);
  }
}
