/**
 * Viterbi over a linear chain: the path with the highest s(y) = T[start, y_0] + Σ_t e[t, y_t] + Σ_{t>0} T[y_{t-1},
 * y_t] + T[end, y_{n-1}] (layout in linear-chain.ts). A −Infinity transition forbids the pair. One implementation
 * serves both a CRF's learned transitions and an emission-only constrained decoder (transitions 0 where allowed,
 * −Infinity where not): each tag's column walks only its possible predecessors, and columns where every tag may
 * precede with one common score share the previous column's best.
 */
import { prepareTransitions, type CrfTransitions } from './transitions.js';

/** Back-pointers and the two score columns, reused across calls (a sentence over 64k positions x tags gets its own). */
let backScratch = new Int32Array(1 << 12);
let colScratch = [new Float64Array(16), new Float64Array(16)];

/**
 * The highest-scoring path into `out` (length ≥ n); returns its score. Ties go to the lower tag index; a column
 * no path reaches (every predecessor −Infinity) points back to its first possible predecessor. Pass a prepared
 * CrfTransitions when decoding many sequences under the same transitions.
 */
export function crfViterbi(e: ArrayLike<number>, n: number, L: number, transitions: ArrayLike<number> | CrfTransitions, out: Int32Array): number {
  if (n === 0) return 0;
  const tr = prepareTransitions(transitions, L);
  const T = tr.scores;
  const { list: from, start: fromStart } = tr.maxFrom;
  const shared = tr.sharedMax;
  let back = backScratch;
  if (back.length < n * L) back = n * L > 1 << 16 ? new Int32Array(n * L) : (backScratch = new Int32Array(1 << 16));
  if (colScratch[0].length < L) colScratch = [new Float64Array(L), new Float64Array(L)];
  let [prev, cur] = colScratch;
  const anyShared = shared.includes(1);
  for (let j = 0; j < L; j++) prev[j] = T[L * L + j] + e[j];
  for (let t = 1; t < n; t++) {
    // The best of the whole previous column (ties: lowest index), for the shared columns.
    let bestAll = prev[0];
    let argAll = 0;
    for (let i = 1; i < L && anyShared; i++) {
      if (prev[i] > bestAll) {
        bestAll = prev[i];
        argAll = i;
      }
    }
    const o = t * L;
    for (let j = 0; j < L; j++) {
      let best: number;
      let arg: number;
      if (shared[j]) {
        best = bestAll + T[j];
        arg = argAll;
      } else {
        const q0 = fromStart[j];
        const q1 = fromStart[j + 1];
        best = -Infinity;
        arg = q0 < q1 ? from[q0] : 0;
        for (let q = q0; q < q1; q++) {
          const i = from[q];
          const s = prev[i] + T[i * L + j];
          if (s > best) {
            best = s;
            arg = i;
          }
        }
      }
      cur[j] = best + e[o + j];
      back[o + j] = arg;
    }
    const swap = prev;
    prev = cur;
    cur = swap;
  }
  let j = 0;
  let best = -Infinity;
  for (let k = 0; k < L; k++) {
    const s = prev[k] + T[(L + 1) * L + k];
    if (s > best) {
      best = s;
      j = k;
    }
  }
  for (let t = n - 1; t >= 0; t--) {
    out[t] = j;
    if (t > 0) j = back[t * L + j];
  }
  return best;
}
