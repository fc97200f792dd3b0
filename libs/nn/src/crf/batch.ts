/**
 * The tagging-side algorithms over a whole batch of sequences (rows starts[s] .. starts[s + 1] − 1 of e [rows x L]
 * are sequence s): one call of the native addon's kernel when the active backend has it (the same algorithms in
 * C++; per sentence, the N-API call would cost as much as a short sentence's work), else crfViterbi and
 * crfMarginals sequence by sequence.
 */
import { hostKernels } from '@window-ner/tensor';
import { NnError } from '../core/errors.js';
import { CrfScratch } from './linear-chain.js';
import { crfMarginals } from './marginals.js';
import { prepareTransitions, type CrfTransitions } from './transitions.js';
import { crfViterbi } from './viterbi.js';

function checkStarts(where: string, starts: Int32Array, rows: number): void {
  if (starts.length < 1 || starts[0] !== 0) throw new NnError(`${where}: starts must begin at 0`);
  for (let s = 1; s < starts.length; s++) if (starts[s] < starts[s - 1]) throw new NnError(`${where}: starts[${s}] = ${starts[s]} is below starts[${s - 1}] = ${starts[s - 1]}`);
  if (starts[starts.length - 1] > rows) throw new NnError(`${where}: starts end at ${starts[starts.length - 1]}, past the ${rows} rows`);
}

/** Each sequence's best path (crfViterbi) into out, one tag per row. */
export function crfViterbiBatch(e: Float32Array, starts: Int32Array, L: number, transitions: ArrayLike<number> | CrfTransitions, out: Int32Array): void {
  const tr = prepareTransitions(transitions, L);
  checkStarts('crfViterbiBatch', starts, Math.min(Math.floor(e.length / L), out.length));
  const native = hostKernels();
  if (native?.crfViterbiBatch) return native.crfViterbiBatch(e, starts, L, tr.scores, out);
  for (let s = 0; s + 1 < starts.length; s++) {
    const a = starts[s];
    const b = starts[s + 1];
    crfViterbi(e.subarray(a * L, b * L), b - a, L, tr, out.subarray(a, b));
  }
}

/** out[r] = p(y_r = tags[r] | its sequence) for every row (crfMarginals with tags): a tagger's confidences. */
export function crfConfidenceBatch(
  e: Float32Array, starts: Int32Array, L: number, transitions: ArrayLike<number> | CrfTransitions, tags: Int32Array, out: Float32Array,
  scratch = new CrfScratch(),
): void {
  const tr = prepareTransitions(transitions, L);
  checkStarts('crfConfidenceBatch', starts, Math.min(Math.floor(e.length / L), tags.length, out.length));
  const native = hostKernels();
  if (native?.crfMarginalsBatch) return native.crfMarginalsBatch(e, starts, L, tr.scores, tr.exp, tags, out);
  for (let s = 0; s + 1 < starts.length; s++) {
    const a = starts[s];
    const b = starts[s + 1];
    crfMarginals(e.subarray(a * L, b * L), b - a, L, tr, scratch, out.subarray(a, b), tags.subarray(a, b));
  }
}
