/**
 * Constrained Viterbi: the tag path with the highest summed score among paths valid under BIO (no I-X at the
 * start, after O, or after B-Y / I-Y with Y ≠ X). With an IO label set every path is valid, so it equals argmax.
 * Ties go to the lower label index, so results are deterministic. Given a CRF head's transitions, the path score
 * also sums them (start + Σ emissions + Σ transitions + end; nn's crfViterbi), with the BIO-invalid ones forbidden.
 */
import { crfViterbi } from '@window-ner/nn';
import type { LabelSet } from '../labels/label-set.js';
import { checkShape, outputArrays, type DecodeInto, type DecodeResult, type Decoder } from './types.js';

/**
 * allowed[prev * L + next] and allowedStart[next], from the label set's transition rule; also, per next label,
 * its allowed predecessors in increasing order (from[fromStart[j] .. fromStart[j + 1])), which is what the
 * inner loop walks: I-X has two (B-X, I-X), so most of the L x L pairs are never looked at. fromAll[j] = 1 when
 * every label may precede j (O and B-X under BIO): those share one max over the previous column.
 */
export function transitionMask(labels: LabelSet): {
  allowed: Uint8Array;
  allowedStart: Uint8Array;
  from: Int32Array;
  fromStart: Int32Array;
  fromAll: Uint8Array;
} {
  const L = labels.size;
  const allowed = new Uint8Array(L * L);
  const allowedStart = new Uint8Array(L);
  const from: number[] = [];
  const fromStart = new Int32Array(L + 1);
  for (let j = 0; j < L; j++) {
    allowedStart[j] = labels.isValidTransition(null, j) ? 1 : 0;
    fromStart[j] = from.length;
    for (let i = 0; i < L; i++) {
      allowed[i * L + j] = labels.isValidTransition(i, j) ? 1 : 0;
      if (allowed[i * L + j]) from.push(i);
    }
  }
  fromStart[L] = from.length;
  const fromAll = new Uint8Array(L);
  for (let j = 0; j < L; j++) fromAll[j] = fromStart[j + 1] - fromStart[j] === L ? 1 : 0;
  return { allowed, allowedStart, from: Int32Array.from(from), fromStart, fromAll };
}

const masks = new WeakMap<LabelSet, ReturnType<typeof transitionMask>>();

/**
 * Working arrays reused across calls (decode is synchronous and returns none of them): a tagged text has one
 * sentence per ~25 tokens, and fresh typed arrays per sentence were a share of a serving worker's garbage.
 * Sentences over 64k tokens x labels get arrays of their own, so a huge one does not stay allocated.
 */
const scratch = {
  pair: [new Float64Array(16), new Float64Array(16)],
  back: new Int32Array(1 << 12),
  f64(which: 0 | 1, size: number): Float64Array {
    if (this.pair[which].length < size) this.pair[which] = new Float64Array(size);
    return this.pair[which]; // callers index below `size` only
  },
  i32(size: number): Int32Array {
    if (size > 1 << 16) return new Int32Array(size);
    if (this.back.length < size) this.back = new Int32Array(1 << 16);
    return this.back;
  },
};

function maskOf(labels: LabelSet): ReturnType<typeof transitionMask> {
  let mask = masks.get(labels);
  if (!mask) masks.set(labels, (mask = transitionMask(labels)));
  return mask;
}

/**
 * The transitions with every BIO-invalid one (and start) set to −Infinity, in a reused array: copying (L + 2) x L
 * numbers per sentence costs less than the path search, and nothing goes stale when the caller's array changes.
 */
let masked = new Float32Array(0);

function maskedTransitions(T: Float32Array, labels: LabelSet): Float32Array {
  const L = labels.size;
  if (T.length !== (L + 2) * L) throw new Error(`viterbi decoder: expected (${L} + 2) x ${L} = ${(L + 2) * L} transition scores, got ${T.length}`);
  const { allowed, allowedStart } = maskOf(labels);
  if (masked.length !== T.length) masked = new Float32Array(T.length);
  masked.set(T);
  for (let k = 0; k < L * L; k++) if (!allowed[k]) masked[k] = -Infinity;
  for (let j = 0; j < L; j++) if (!allowedStart[j]) masked[L * L + j] = -Infinity;
  return masked;
}

export const viterbiDecoder: Decoder = {
  name: 'viterbi',
  decode(scores: Float32Array, n: number, labels: LabelSet, into?: DecodeInto, transitions?: Float32Array): DecodeResult {
    checkShape(scores, n, labels, 'viterbi');
    const L = labels.size;
    if (transitions) {
      const out = outputArrays(n, 'viterbi', into);
      crfViterbi(scores, n, L, maskedTransitions(transitions, labels), out.indices);
      for (let i = 0; i < n; i++) out.tagScores[i] = scores[i * L + out.indices[i]]!;
      return out;
    }
    const mask = maskOf(labels);
    const { allowedStart, from, fromStart, fromAll } = mask;
    // Path scores in float64: sums of many float32 log-probabilities lose ties/precision otherwise.
    let prev = scratch.f64(0, L);
    let cur = scratch.f64(1, L);
    const back = scratch.i32(n * L);
    for (let j = 0; j < L; j++) prev[j] = allowedStart[j] ? scores[j]! : -Infinity;
    for (let i = 1; i < n; i++) {
      // The best of the whole previous column, for every label any label may precede (ties: lowest index).
      let bestAll = prev[0]!;
      let argAll = 0;
      for (let k = 1; k < L; k++) {
        if (prev[k]! > bestAll) {
          bestAll = prev[k]!;
          argAll = k;
        }
      }
      for (let j = 0; j < L; j++) {
        let best = bestAll;
        let arg = argAll;
        if (!fromAll[j]) {
          best = -Infinity;
          arg = -1;
          for (let q = fromStart[j]; q < fromStart[j + 1]; q++) {
            const k = from[q]!;
            const s = prev[k]!;
            if (s > best || arg < 0) {
              best = s;
              arg = k;
            }
          }
        }
        cur[j] = arg < 0 ? -Infinity : best + scores[i * L + j]!;
        back[i * L + j] = arg;
      }
      const swap = prev;
      prev = cur;
      cur = swap;
    }
    const { tagScores, indices } = outputArrays(n, 'viterbi', into);
    if (n === 0) return { tagScores, indices };
    let j = 0;
    for (let k = 1; k < L; k++) if (prev[k]! > prev[j]!) j = k;
    for (let i = n - 1; i >= 0; i--) {
      indices[i] = j;
      tagScores[i] = scores[i * L + j]!;
      if (i > 0) j = back[i * L + j]!;
    }
    return { tagScores, indices };
  },
};
