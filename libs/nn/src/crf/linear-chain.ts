/**
 * Linear-chain CRF over per-position scores (the sentence-level log-likelihood of Collobert et al. 2011, §3.3.2),
 * on host arrays. n positions, L tags, emissions e [n x L] row-major, transitions T [(L + 2) x L] row-major:
 * T[i·L + j] scores tag i followed by tag j, row L is the start score of each tag, row L + 1 its end score.
 *
 *   s(y) = T[L, y_0] + Σ_t e[t, y_t] + Σ_{t>0} T[y_{t-1}, y_t] + T[L+1, y_{n-1}]
 *   log Z = logsumexp over all L^n paths of s(y)   (forward algorithm, log space)
 *   NLL(y) = log Z − s(y);  ∂NLL/∂e[t, j] = p(y_t = j) − [y_t = j];  ∂NLL/∂T[i, j] = Σ_t p(y_{t-1} = i, y_t = j) − count
 *
 * All sums run in float64. A transition of −Infinity (or below ~−745, where exp underflows) forbids it.
 * This file holds the training side (log space: the gradient must not under- or overflow for any batch); taggers
 * use crfViterbi (viterbi.ts) and crfMarginals (marginals.ts, scaled, falling back to this file's recursions).
 */

/** Length of the transition array for L tags. */
export function transitionCount(numTags: number): number {
  return (numTags + 2) * numTags;
}

/** s(y): the score of one tag path. */
export function crfPathScore(e: ArrayLike<number>, n: number, L: number, T: ArrayLike<number>, tags: ArrayLike<number>): number {
  if (n === 0) return 0;
  let s = T[L * L + tags[0]] + T[(L + 1) * L + tags[n - 1]];
  for (let t = 0; t < n; t++) s += e[t * L + tags[t]];
  for (let t = 1; t < n; t++) s += T[tags[t - 1] * L + tags[t]];
  return s;
}

/** exp of the L x L transition block (0 for forbidden ones): the factors both recursions multiply by. */
export function expTransitions(T: ArrayLike<number>, L: number, out = new Float64Array(L * L)): Float64Array {
  for (let k = 0; k < L * L; k++) out[k] = Math.exp(T[k]);
  return out;
}

/**
 * log Σ_i exp(v[vo + i·stride] + T_ij) for one j, as M + log Σ_i exp(v_i − M)·exp(T_ij) with M = max_i v_i:
 * the caller computes w_i = exp(v_i − M) once per position, so a position costs L exps and L logs, not L².
 * (When every i whose exp(T_ij) is non-zero has v_i < M − 745 the sum underflows to −Infinity; such a term
 * weighs less than e^-745 of the total, so log Z and the gradients do not notice.)
 */
function shiftedWeights(v: Float64Array, o: number, L: number, w: Float64Array): number {
  let M = -Infinity;
  for (let i = 0; i < L; i++) if (v[o + i] > M) M = v[o + i];
  for (let i = 0; i < L; i++) w[i] = M === -Infinity ? 0 : Math.exp(v[o + i] - M);
  return M;
}

/**
 * Forward algorithm in log space: alpha[t·L + j] = log Σ over paths y_0..y_t with y_t = j of exp(their score so
 * far). Returns log Z. `w` is scratch of length L.
 */
export function crfForward(e: ArrayLike<number>, n: number, L: number, T: ArrayLike<number>, expT: Float64Array, alpha: Float64Array, w: Float64Array): number {
  if (n === 0) return 0;
  for (let j = 0; j < L; j++) alpha[j] = T[L * L + j] + e[j];
  for (let t = 1; t < n; t++) {
    const M = shiftedWeights(alpha, (t - 1) * L, L, w);
    for (let j = 0; j < L; j++) {
      let z = 0;
      for (let i = 0; i < L; i++) z += w[i] * expT[i * L + j];
      alpha[t * L + j] = M + Math.log(z) + e[t * L + j];
    }
  }
  let M = -Infinity;
  const last = (n - 1) * L;
  for (let j = 0; j < L; j++) M = Math.max(M, alpha[last + j] + T[(L + 1) * L + j]);
  if (M === -Infinity) return -Infinity;
  let z = 0;
  for (let j = 0; j < L; j++) z += Math.exp(alpha[last + j] + T[(L + 1) * L + j] - M);
  return M + Math.log(z);
}

/** Backward algorithm in log space: beta[t·L + i] = log Σ over continuations y_{t+1}..y_{n-1} from y_t = i. */
export function crfBackward(e: ArrayLike<number>, n: number, L: number, T: ArrayLike<number>, expT: Float64Array, beta: Float64Array, w: Float64Array, v: Float64Array): void {
  if (n === 0) return;
  for (let i = 0; i < L; i++) beta[(n - 1) * L + i] = T[(L + 1) * L + i];
  for (let t = n - 2; t >= 0; t--) {
    const o = (t + 1) * L;
    for (let j = 0; j < L; j++) v[j] = e[o + j] + beta[o + j];
    const M = shiftedWeights(v, 0, L, w);
    for (let i = 0; i < L; i++) {
      let z = 0;
      for (let j = 0; j < L; j++) z += expT[i * L + j] * w[j];
      beta[t * L + i] = M + Math.log(z);
    }
  }
}

/**
 * Working arrays of one sequence's forward-backward, grown on demand and reused across calls: alpha, beta, w, v
 * for the log-space recursions (training); alpha, psi (exp of the shifted scores), scale, w, v for the scaled
 * ones (marginals.ts).
 */
export class CrfScratch {
  alpha = new Float64Array(0);
  beta = new Float64Array(0);
  psi = new Float64Array(0);
  scale = new Float64Array(0);
  expT = new Float64Array(0);
  w = new Float64Array(0);
  v = new Float64Array(0);

  fit(n: number, L: number): this {
    if (this.alpha.length < n * L) {
      this.alpha = new Float64Array(Math.max(n * L, 2 * this.alpha.length));
      this.beta = new Float64Array(this.alpha.length);
      this.psi = new Float64Array(this.alpha.length);
    }
    if (this.scale.length < n) this.scale = new Float64Array(Math.max(n, 2 * this.scale.length));
    if (this.w.length < L) {
      this.w = new Float64Array(L);
      this.v = new Float64Array(L);
    }
    if (this.expT.length !== L * L) this.expT = new Float64Array(L * L);
    return this;
  }
}

/**
 * NLL of the gold path of one sequence, adding scale·∂NLL/∂e into gradE [n x L] (from index 0) and
 * scale·∂NLL/∂T into gradT [(L + 2) x L]. Pair marginals ξ_t(i, j) = exp(α_{t-1}(i) + T_ij + e_t(j) + β_t(j) − log Z)
 * are computed as u_i · exp(T_ij) · v_j with u_i = exp(α_{t-1}(i) − M), v_j = exp(e_t(j) + β_t(j) + M − log Z),
 * M = max_i α_{t-1}(i): 2L exps per position instead of L² (L² exps made this 25x slower than the forward pass).
 * v_j can only overflow when every allowed predecessor of j is ~700 below M; that column takes the direct form.
 */
export function crfNllGrad(
  e: ArrayLike<number>, n: number, L: number, T: ArrayLike<number>, expT: Float64Array, gold: ArrayLike<number>,
  scale: number, gradE: Float32Array, gradT: Float64Array, s: CrfScratch,
): number {
  if (n === 0) return 0;
  s.fit(n, L);
  const { alpha, beta } = s;
  const logZ = crfForward(e, n, L, T, expT, alpha, s.w);
  crfBackward(e, n, L, T, expT, beta, s.w, s.v);
  for (let t = 0; t < n; t++) {
    for (let j = 0; j < L; j++) gradE[t * L + j] += scale * Math.exp(alpha[t * L + j] + beta[t * L + j] - logZ);
    gradE[t * L + gold[t]] -= scale;
  }
  for (let j = 0; j < L; j++) {
    gradT[L * L + j] += scale * Math.exp(alpha[j] + beta[j] - logZ);
    gradT[(L + 1) * L + j] += scale * Math.exp(alpha[(n - 1) * L + j] + beta[(n - 1) * L + j] - logZ);
  }
  gradT[L * L + gold[0]] -= scale;
  gradT[(L + 1) * L + gold[n - 1]] -= scale;
  const u = s.w;
  for (let t = 1; t < n; t++) {
    const M = shiftedWeights(alpha, (t - 1) * L, L, u);
    for (let j = 0; j < L; j++) {
      const right = e[t * L + j] + beta[t * L + j] - logZ;
      if (M + right < 700) {
        const v = scale * Math.exp(M + right);
        for (let i = 0; i < L; i++) gradT[i * L + j] += u[i] * expT[i * L + j] * v;
      } else {
        for (let i = 0; i < L; i++) gradT[i * L + j] += scale * Math.exp(alpha[(t - 1) * L + i] + T[i * L + j] + right);
      }
    }
    gradT[gold[t - 1] * L + gold[t]] -= scale;
  }
  return logZ - crfPathScore(e, n, L, T, gold);
}
