/**
 * Constrained Viterbi: the tag path with the highest summed score among paths valid under BIO (no I-X at the
 * start, after O, or after B-Y / I-Y with Y ≠ X). With an IO label set every path is valid, so it equals argmax.
 * Ties go to the lower label index, so results are deterministic. Given a CRF head's transitions, the path score
 * also sums them (start + Σ emissions + Σ transitions + end), with the BIO-invalid ones forbidden.
 *
 * Both cases are nn's crfViterbi over a prepared transition matrix: the emission-only one is transitions 0 where
 * BIO allows a pair and −Infinity where not (prepared once per label set), so O and B-X share one max over the
 * previous column and I-X looks at its two predecessors; a CRF's is its learned matrix with the same −Infinity
 * mask (prepared once per distinct matrix: a tagging batch passes one snapshot for all its sentences).
 */
import { CrfTransitions, crfViterbi, crfViterbiBatch } from '@window-ner/nn';
import type { LabelSet } from '../labels/label-set.js';
import { checkShape, outputArrays, type DecodeInto, type DecodeResult, type Decoder } from './types.js';

/** allowed[prev * L + next] and allowedStart[next], from the label set's transition rule. */
export function transitionMask(labels: LabelSet): { allowed: Uint8Array; allowedStart: Uint8Array } {
  const L = labels.size;
  const allowed = new Uint8Array(L * L);
  const allowedStart = new Uint8Array(L);
  for (let j = 0; j < L; j++) {
    allowedStart[j] = labels.isValidTransition(null, j) ? 1 : 0;
    for (let i = 0; i < L; i++) allowed[i * L + j] = labels.isValidTransition(i, j) ? 1 : 0;
  }
  return { allowed, allowedStart };
}

/** Per label set: its mask and the emission-only decoder's prepared transitions. */
const prepared = new WeakMap<LabelSet, { mask: ReturnType<typeof transitionMask>; zero: CrfTransitions }>();

function forLabels(labels: LabelSet): { mask: ReturnType<typeof transitionMask>; zero: CrfTransitions } {
  let p = prepared.get(labels);
  if (!p) {
    const mask = transitionMask(labels);
    p = { mask, zero: new CrfTransitions(masked(new Float32Array((labels.size + 2) * labels.size), mask, labels.size), labels.size) };
    prepared.set(labels, p);
  }
  return p;
}

/** T with every BIO-invalid transition (and start) set to −Infinity, in place. */
function masked(T: Float32Array, { allowed, allowedStart }: ReturnType<typeof transitionMask>, L: number): Float32Array {
  for (let k = 0; k < L * L; k++) if (!allowed[k]) T[k] = -Infinity;
  for (let j = 0; j < L; j++) if (!allowedStart[j]) T[L * L + j] = -Infinity;
  return T;
}

/**
 * The last CRF matrix seen (as given, to compare a caller's array by value: it may change between calls) and its
 * masked, prepared form.
 */
let lastCrf: { labels: LabelSet; given: Float32Array; prepared: CrfTransitions } | null = null;

function crfTransitions(T: Float32Array, labels: LabelSet): CrfTransitions {
  const L = labels.size;
  if (T.length !== (L + 2) * L) throw new Error(`viterbi decoder: expected (${L} + 2) x ${L} = ${(L + 2) * L} transition scores, got ${T.length}`);
  if (lastCrf?.labels !== labels || !sameValues(lastCrf.given, T)) {
    lastCrf = { labels, given: T.slice(), prepared: new CrfTransitions(masked(T.slice(), forLabels(labels).mask, L), L) };
  }
  return lastCrf.prepared;
}

function sameValues(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  for (let k = 0; k < a.length; k++) if (a[k] !== b[k]) return false;
  return true;
}

export const viterbiDecoder: Decoder = {
  name: 'viterbi',
  decode(scores: Float32Array, n: number, labels: LabelSet, into?: DecodeInto, transitions?: Float32Array): DecodeResult {
    checkShape(scores, n, labels, 'viterbi');
    const L = labels.size;
    const T = transitions ? crfTransitions(transitions, labels) : forLabels(labels).zero;
    const out = outputArrays(n, 'viterbi', into);
    crfViterbi(scores, n, L, T, out.indices);
    for (let i = 0; i < n; i++) out.tagScores[i] = scores[i * L + out.indices[i]]!;
    return out;
  },

  decodeBatch(scores: Float32Array, starts: Int32Array, labels: LabelSet, into: DecodeInto, transitions?: Float32Array): void {
    const L = labels.size;
    const rows = starts[starts.length - 1] ?? 0;
    checkShape(scores, rows, labels, 'viterbi');
    outputArrays(rows, 'viterbi', into);
    crfViterbiBatch(scores, starts, L, transitions ? crfTransitions(transitions, labels) : forLabels(labels).zero, into.indices);
    for (let i = 0; i < rows; i++) into.tagScores[i] = scores[i * L + into.indices[i]]!;
  },
};
