/**
 * The learned transitions of the sentence-level heads (crf; max-margin at `level: 'sentence'`): nn's layout
 * [(C + 2) x C] (C x C label-to-label, then the start and the end row), initialised with the BIO-invalid ones at
 * `invalidTransition`, or restored from a model file's head state.
 */
import { transitionCount } from '@window-ner/nn';
import type { HeadSpec } from '../config/config.js';
import type { HeadContext } from './types.js';

/** −10000: a BIO-invalid transition's gradient is then exactly 0 (CRF) or never taken (hinge), so it stays. */
export const INVALID_TRANSITION = -10000;

/** Initial transitions: 0, except BIO-invalid transitions and starts at spec.invalidTransition (default −10000). */
export function initialTransitions(spec: HeadSpec, ctx: HeadContext): Float32Array {
  const invalid = typeof spec.invalidTransition === 'number' ? spec.invalidTransition : INVALID_TRANSITION;
  const L = ctx.numClasses;
  const T = new Float32Array(transitionCount(L));
  for (let j = 0; j < L; j++) {
    if (!ctx.labels.isValidTransition(null, j)) T[L * L + j] = invalid;
    for (let i = 0; i < L; i++) if (!ctx.labels.isValidTransition(i, j)) T[i * L + j] = invalid;
  }
  return T;
}

/** A head state's saved "transitions", checked. */
export function savedTransitions(head: string, saved: unknown, L: number): Float32Array {
  const n = transitionCount(L);
  if (!Array.isArray(saved) || saved.length !== n || !saved.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    throw new Error(`${head} head: saved state "transitions" must be ${n} finite numbers ((${L} + 2) x ${L} labels), got ${Array.isArray(saved) ? `${saved.length} entries` : typeof saved}`);
  }
  return Float32Array.from(saved as number[]);
}
