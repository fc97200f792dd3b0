/**
 * log Z and per-position marginals p(y_t = j | e) of a linear chain (layout in linear-chain.ts), for taggers:
 * forward-backward in scaled probability space (Rabiner 1989, §V.A). With ψ_t(j) = exp(e[t, j] − max_j e[t, j]),
 *   α̂_t(j) ∝ ψ_t(j) Σ_i α̂_{t−1}(i) exp(T_ij), normalised to sum 1 by c_t;
 *   β̂_t(i) = Σ_j exp(T_ij) ψ_{t+1}(j) β̂_{t+1}(j) / c_{t+1},  β̂_{n−1}(i) = exp(end_i);
 *   p(y_t = j) = α̂_t(j) β̂_t(j) / z,  z = Σ_j α̂_{n−1}(j) exp(end_j),  log Z = Σ_t (max_j e[t, j] + log c_t) + log z.
 * A position costs L exps and 2L² multiply-adds (exp(T) is prepared once), against 2L exps, 2L logs and 2L²
 * multiply-adds in log space. (Walking only the non-zero exp(T_ij), 53 of CoNLL's 81 pairs, was slower: the
 * indirection costs more than the multiply-adds it saves.) Scaling keeps every quantity near 1 unless the scores are
 * extreme (a transition or score gap beyond ~±700, where exp over- or underflows): a sequence where a scale or a
 * result leaves the safe range is computed again in log space (linear-chain.ts's crfForward / crfBackward).
 */
import { crfBackward, crfForward, type CrfScratch } from './linear-chain.js';
import { prepareTransitions, type CrfTransitions } from './transitions.js';

/** Scales outside this range fall back to log space (float64 keeps ~1e-308 .. 1e308; leave room for L terms). */
const TINY = 1e-280;
const HUGE = 1e280;

/**
 * log Z of one sequence and, when `marginals` is given, its marginals: all of them into `marginals` [n x L], or,
 * with `tags`, only p(y_t = tags[t]) into `marginals` [n] (a tagger's confidence in its path). Pass a prepared
 * CrfTransitions when computing many sequences under the same transitions.
 */
export function crfMarginals(
  e: ArrayLike<number>, n: number, L: number, transitions: ArrayLike<number> | CrfTransitions, s: CrfScratch,
  marginals?: Float64Array | Float32Array, tags?: ArrayLike<number>,
): number {
  if (n === 0) return 0;
  const tr = prepareTransitions(transitions, L);
  s.fit(n, L);
  const logZ = scaledForwardBackward(e, n, L, tr, s, marginals, tags);
  return Number.isNaN(logZ) ? logSpace(e, n, L, tr, s, marginals, tags) : logZ;
}

/** The scaled recursions; NaN when a scale or a result leaves the safe range (the caller then uses log space). */
function scaledForwardBackward(
  e: ArrayLike<number>, n: number, L: number, tr: CrfTransitions, s: CrfScratch,
  marginals?: Float64Array | Float32Array, tags?: ArrayLike<number>,
): number {
  const X = tr.exp;
  const { alpha, psi, scale } = s;
  let logZ = 0;
  for (let t = 0; t < n; t++) {
    const o = t * L;
    let m = -Infinity;
    for (let j = 0; j < L; j++) if (e[o + j] > m) m = e[o + j];
    if (!(m > -Infinity && m < Infinity)) return NaN;
    for (let j = 0; j < L; j++) psi[o + j] = Math.exp(e[o + j] - m);
    logZ += m;
  }
  // Forward. The product of the scales is kept as a number and folded into logZ only when it nears the range's
  // edge: one log per ~200 positions instead of one per position.
  let product = 1;
  let c = 0;
  for (let j = 0; j < L; j++) c += alpha[j] = X[L * L + j] * psi[j];
  for (let t = 0; ; t++) {
    if (!(c > TINY && c < HUGE)) return NaN;
    const o = t * L;
    const inv = 1 / c;
    for (let j = 0; j < L; j++) alpha[o + j] *= inv;
    scale[t] = c;
    product *= c;
    if (product < 1e-200 || product > 1e200) {
      logZ += Math.log(product);
      product = 1;
    }
    if (t === n - 1) break;
    c = 0;
    for (let j = 0; j < L; j++) {
      let z = 0;
      for (let i = 0; i < L; i++) z += alpha[o + i] * X[i * L + j];
      c += alpha[o + L + j] = z * psi[o + L + j];
    }
  }
  const last = (n - 1) * L;
  let z = 0;
  for (let j = 0; j < L; j++) z += alpha[last + j] * X[(L + 1) * L + j];
  if (!(z > TINY && z < HUGE)) return NaN;
  logZ += Math.log(product) + Math.log(z);
  if (!marginals) return logZ;
  // Backward, writing each position's marginals as its β̂ column is done.
  let next = s.w;
  let cur = s.v;
  for (let i = 0; i < L; i++) next[i] = X[(L + 1) * L + i];
  const invZ = 1 / z;
  for (let t = n - 1; ; t--) {
    const o = t * L;
    if (tags) {
      const p = alpha[o + tags[t]] * next[tags[t]] * invZ;
      if (!(p < 2)) return NaN; // NaN or Infinity: an overflowed β̂
      marginals[t] = p;
    } else {
      for (let j = 0; j < L; j++) {
        const p = alpha[o + j] * next[j] * invZ;
        if (!(p < 2)) return NaN;
        marginals[o + j] = p;
      }
    }
    if (t === 0) break;
    const inv = 1 / scale[t];
    for (let j = 0; j < L; j++) next[j] *= psi[o + j] * inv;
    for (let i = 0; i < L; i++) {
      let b = 0;
      for (let j = 0; j < L; j++) b += X[i * L + j] * next[j];
      cur[i] = b;
    }
    const swap = next;
    next = cur;
    cur = swap;
  }
  return logZ;
}

/** The same in log space (no over- or underflow short of infinite scores), for the sequences scaling cannot take. */
function logSpace(
  e: ArrayLike<number>, n: number, L: number, tr: CrfTransitions, s: CrfScratch,
  marginals?: Float64Array | Float32Array, tags?: ArrayLike<number>,
): number {
  const logZ = crfForward(e, n, L, tr.scores, tr.exp, s.alpha, s.w);
  if (!marginals) return logZ;
  crfBackward(e, n, L, tr.scores, tr.exp, s.beta, s.w, s.v);
  if (tags) for (let t = 0; t < n; t++) marginals[t] = Math.exp(s.alpha[t * L + tags[t]] + s.beta[t * L + tags[t]] - logZ);
  else for (let k = 0; k < n * L; k++) marginals[k] = Math.exp(s.alpha[k] + s.beta[k] - logZ);
  return logZ;
}
