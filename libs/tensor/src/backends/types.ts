export interface BackendPlugin {
  /** Name used in config, env var and logs. */
  name: string;
  /** Lower is tried first. */
  priority: number;
  /** Make the backend active; return false (or throw, saying why) when it cannot load here. */
  load(): Promise<boolean>;
  /** Human-readable detail for logs (e.g. which BLAS). */
  detail?(): string;
  /** BLAS behind the backend, when it has one (native). */
  blas?(): BlasSummary | null;
  /** Native kernels on host arrays that come with the backend (native: those of HostKernels its addon has), else absent. */
  hostKernels?(): HostKernels | null;
}

/**
 * Kernels on plain Float32Arrays (no tensors) that a backend may bring; callers keep a JS path for when it does
 * not. adamUpdate: one Adam step in place — dense when rows is null, else row-sparse (row r of g updates row
 * rows[r] of w, m, v, each dim values); g is scaled by `scale` and gets l2·w added; a = lr·√(1−β2ᵗ)/(1−β1ᵗ).
 */
export interface HostKernels {
  adamUpdate(w: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, rows: Int32Array | null, dim: number,
    scale: number, l2: number, beta1: number, beta2: number, eps: number, a: number): void;
  /**
   * Gather-sum, bias, relu, small linear product, per item t < n:
   *   a = relu(bias + Σ_{j<k} rows[offsets[t·k + j] .. + H]);  out[t·C + c] = Σ_h a[h] · wt[c·H + h] + outBias[c].
   * (A one-hidden-layer relu network whose first-layer products are cached per input part is scored this way.)
   * With `starts` (n + 1 non-decreasing values from 0) items have their own run counts: item t sums the runs at
   * offsets[starts[t] .. starts[t + 1]) and k is not read.
   */
  gatherSumReluLinear(rows: Float32Array, offsets: Int32Array, n: number, k: number, H: number, bias: Float32Array,
    wt: Float32Array, outBias: Float32Array, C: number, out: Float32Array, starts?: Int32Array): void;
  /**
   * A linear-chain CRF over a batch of sequences (rows starts[s] .. starts[s + 1] − 1 of e [rows x L] are sequence
   * s; transitions T [(L + 2) x L]: tag-to-tag, start row, end row, −Infinity forbids): each sequence's best path
   * into out (libs/nn's crfViterbi per sequence). Optional, as the next: an addon built before them lacks them,
   * and callers run their JS loops.
   */
  crfViterbiBatch?(e: Float32Array, starts: Int32Array, L: number, T: Float64Array, out: Int32Array): void;
  /** out[r] = p(y_r = tags[r] | its sequence) for every row (libs/nn's crfMarginals with tags); expT = exp(T). */
  crfMarginalsBatch?(e: Float32Array, starts: Int32Array, L: number, T: Float64Array, expT: Float64Array, tags: Int32Array, out: Float32Array): void;
}

export interface BlasSummary {
  /** 'OpenBLAS' or 'Accelerate'. */
  name: string;
  /** Build string (OpenBLAS: version, arch, core). */
  config: string;
  /** Threads BLAS uses (0 when the BLAS does not say). */
  threads: number;
}
