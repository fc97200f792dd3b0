/**
 * Feature plugins: f(w) for one token is the concatenation of every configured feature's vector. Each feature
 * maps a token to a row id in its own table (embedding rows, casing classes, ...), so a window is a few integer
 * ids per position and X is built by copying rows — no per-token allocation.
 */
import type { SparseParam } from '@window-ner/nn';
import type { Rng } from '@window-ner/tensor';
import type { VectorSource } from '../vectors/source';
import type { FeatureSpec } from '../config/config';

/** What a feature needs to build itself for training. */
export interface FeatureBuildContext {
  /** Training tokens in corpus order (a feature may count them to choose its vocabulary). */
  trainTokens: string[][];
  vectors: VectorSource | null;
  rng: Rng;
  minFreq: number;
}

/** Saved state of a feature: JSON plus named float tables (stored as BLOBs). */
export interface FeatureState {
  json: Record<string, unknown>;
  tables: Record<string, { data: Float32Array; shape: number[] }>;
}

export interface Feature {
  readonly type: string;
  /** Width of this feature's vector. */
  readonly dim: number;
  /** Row id used for window positions before the sentence start / after its end. */
  readonly padStart: number;
  readonly padEnd: number;
  /** Row id a word-dropout replaces a token with, or -1 if this feature has none. */
  readonly unkId: number;
  /**
   * Row ids of the tokens of one sentence into out[offset..]. `training` false lets a feature resolve words
   * outside its trained vocabulary (e.g. read the vector store) instead of mapping them to <unk>.
   */
  ids(tokens: string[], out: Int32Array, offset: number, training: boolean): void;
  /** Write row `id` (dim values) into dst at dstOffset. Must write every value (dst is a reused buffer). */
  copyRow(id: number, dst: Float32Array, dstOffset: number): void;
  /** Accumulate a gradient for row `id` (only called on trainable features). */
  trainable: boolean;
  /** Trainable tables (row-sparse). */
  params(): SparseParam[];
  /** Number of rows currently addressable (trained + cached extra rows). */
  readonly rows: number;
  /** Rows whose gradients are applied during training (ids < trainableRows). */
  readonly trainableRows: number;
  getState(): FeatureState;
}

export interface FeaturePlugin {
  /** Build a fresh feature from a config entry and the training data. */
  create(spec: FeatureSpec, ctx: FeatureBuildContext): Feature;
  /** Rebuild from a model file; `vectors` resolves words outside the trained vocabulary at tag time. */
  restore(spec: FeatureSpec, state: FeatureState, vectors: VectorSource | null): Feature;
}
