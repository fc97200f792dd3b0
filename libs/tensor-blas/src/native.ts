/**
 * Loads the compiled addon (build/Release/tensor_blas.node, built by scripts/build.cjs at npm install).
 * Loading never throws: where the build failed, `nativeAddon()` is null and `nativeLoadError()` says why,
 * so callers (libs/tensor's backend chooser, the tests) can fall back or skip with a reason.
 */
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** Activation codes of native/epilogue.h (same order). */
export const ACTIVATION_CODES = { linear: 0, relu: 1, relu6: 2, elu: 3, leakyrelu: 4, prelu: 5, sigmoid: 6 } as const;
export type FusedActivation = keyof typeof ACTIVATION_CODES;

/** Unary op codes of native/elementwise.h (same order). */
export const UNARY_CODES = {
  tanh: 0, sigmoid: 1, square: 2, relu: 3, relu6: 4, elu: 5, leakyRelu: 6, step: 7,
  exp: 8, log: 9, neg: 10, abs: 11, sqrt: 12, rsqrt: 13, reciprocal: 14,
} as const;

/** Binary op codes of native/elementwise.h (same order). */
export const BINARY_CODES = {
  add: 0, sub: 1, mul: 2, div: 3, max: 4, min: 5,
  greater: 6, greaterEqual: 7, less: 8, lessEqual: 9, equal: 10, notEqual: 11,
} as const;

/** Binary codes whose output is 0/1 in a Uint8Array (tfjs 'bool'). */
export const isComparison = (code: number): boolean => code >= BINARY_CODES.greater;

export interface BlasInfo {
  /** 'OpenBLAS' or 'Accelerate'. */
  blas: string;
  /** Build/core string of the BLAS (OpenBLAS: version, arch, core). */
  config: string;
  /** Threads BLAS uses (0 when the BLAS does not say). */
  threads: number;
}

/** The raw functions of the addon (see native/*.cc for the exact contracts; all bounds are checked natively). */
export interface NativeAddon {
  sgemm(transA: boolean, transB: boolean, m: number, n: number, k: number, alpha: number, a: Float32Array, lda: number,
    b: Float32Array, ldb: number, beta: number, c: Float32Array, ldc: number): void;
  sgemmBatched(transA: boolean, transB: boolean, m: number, n: number, k: number, a: Float32Array, aOffsets: Int32Array,
    b: Float32Array, bOffsets: Int32Array, c: Float32Array): void;
  biasActivation(c: Float32Array, cols: number, bias: Float32Array | null, activation: number, leakyAlpha: number,
    preluWeights: Float32Array | null): void;
  reduceSum(x: Float32Array, outer: number, reduced: number, inner: number, out: Float32Array): void;
  unary(op: number, x: Float32Array, out: Float32Array, param: number): void;
  /** out is a Float32Array for arithmetic codes, a Uint8Array for comparisons. */
  binary(op: number, a: Float32Array, b: Float32Array, out: Float32Array | Uint8Array): void;
  binaryStrided(op: number, a: Float32Array, aStrides: Int32Array, b: Float32Array, bStrides: Int32Array, shape: Int32Array, out: Float32Array | Uint8Array): void;
  /** One Adam step in place (native/optim.cc): dense when rows is null, else row-sparse over rows of dim values. */
  adamUpdate(w: Float32Array, g: Float32Array, m: Float32Array, v: Float32Array, rows: Int32Array | null, dim: number,
    scale: number, l2: number, beta1: number, beta2: number, eps: number, a: number): void;
  /**
   * Per item t (native/gather-sum-relu-linear.cc): out[t] = relu(bias + Σ_j rows[offsets[t·k + j] ..+H]) · wtᵀ + outBias;
   * with `starts`, item t's runs are offsets[starts[t] .. starts[t + 1]).
   */
  gatherSumReluLinear(rows: Float32Array, offsets: Int32Array, n: number, k: number, H: number, bias: Float32Array,
    wt: Float32Array, outBias: Float32Array, C: number, out: Float32Array, starts?: Int32Array): void;
  /** Each sequence's best path (native/crf.cc; rows starts[s] .. starts[s + 1] − 1 of e [rows x L]), T [(L + 2) x L]. */
  crfViterbiBatch(e: Float32Array, starts: Int32Array, L: number, T: Float64Array, out: Int32Array): void;
  /** out[r] = p(y_r = tags[r] | its sequence) for every row (native/crf.cc); expT = exp(T). */
  crfMarginalsBatch(e: Float32Array, starts: Int32Array, L: number, T: Float64Array, expT: Float64Array, tags: Int32Array, out: Float32Array): void;
  info(): BlasInfo;
  setThreads(n: number): void;
}

/** Where the addon is expected; WINDOW_NER_BLAS_ADDON overrides it (used by the fall-back test). */
export function addonPath(): string {
  return process.env.WINDOW_NER_BLAS_ADDON || fileURLToPath(new URL('../build/Release/tensor_blas.node', import.meta.url));
}

let loaded: { addon: NativeAddon | null; error: string | null } | null = null;

function load(): { addon: NativeAddon | null; error: string | null } {
  if (loaded) return loaded;
  const path = addonPath();
  try {
    const addon = createRequire(import.meta.url)(path) as NativeAddon;
    loaded = { addon, error: null };
  } catch (e) {
    const msg = (e as Error).message.split('\n')[0];
    loaded = { addon: null, error: `native kernels not built (${path}: ${msg}); run \`npm rebuild @window-ner/tensor-blas\` after installing libopenblas-dev and pkg-config` };
  }
  return loaded;
}

/** The addon, or null when it did not build / load here. */
export function nativeAddon(): NativeAddon | null {
  return load().addon;
}

/** Why the addon is unavailable, or null when it loaded. */
export function nativeLoadError(): string | null {
  return load().error;
}

/** The addon, or a clear error saying why it is unavailable. */
export function requireAddon(): NativeAddon {
  const { addon, error } = load();
  if (!addon) throw new Error(`@window-ner/tensor-blas: ${error}`);
  return addon;
}

/** Which BLAS and how many threads, or null when the addon is unavailable. */
export function blasInfo(): BlasInfo | null {
  return nativeAddon()?.info() ?? null;
}

/** Set the BLAS thread count (OpenBLAS; no-op on Accelerate). OPENBLAS_NUM_THREADS sets the default at load. */
export function setBlasThreads(n: number): void {
  if (!Number.isInteger(n) || n < 1) throw new RangeError(`setBlasThreads: n must be an integer >= 1, got ${n}`);
  requireAddon().setThreads(n);
}
