/**
 * Head plugins: how the window model's class scores are trained (an nn Loss over the scores of a batch's rows)
 * and how they become the per-token emissions a decoder sums along a tag path.
 */
import type { Loss, Param } from '@window-ner/nn';
import type { Rng } from '@window-ner/tensor';
import type { HeadSpec } from '../config/config.js';
import type { LabelSet } from '../labels/label-set.js';
import type { WindowBuilder } from '../windows/builder.js';
import type { WindowSet } from '../windows/windows.js';

export interface TrainBatch {
  builder: WindowBuilder;
  set: WindowSet;
  /** Gold class of each true window (rows 0..size-1 of the builder). */
  gold: Int32Array;
  size: number;
  rng: Rng;
}

/** What a head's loss is given besides the scores [rows, C]: the gold classes of rows 0..size-1. */
export interface HeadTarget {
  gold: Int32Array;
  size: number;
  /**
   * Sentence-level heads: the row where each of the batch's sentences starts, plus `size` at the end (rows are
   * the windows of whole sentences, in order).
   */
  sentenceStarts?: Int32Array;
}

/** What a head may need from the model it is built for. */
export interface HeadContext {
  numClasses: number;
  labels: LabelSet;
  /** Class index of "O" (never replaced-centre corrupted), or -1. */
  outsideClass: number;
  /** A feature whose centre key may be replaced to corrupt a window, and the keys it may take, or null. */
  replacement: { featureIndex: number; first: number; end: number } | null;
}

export interface Head {
  readonly type: string;
  /** Rows scored per true window (1 for softmax, 1 + k for max-margin), to size buffers. */
  readonly rowsPerWindow: number;
  /**
   * 'sentences': a training batch is the windows of whole sentences and the loss gets `sentenceStarts` (a CRF
   * over each sentence); absent or 'windows': a batch is shuffled windows.
   */
  readonly batching?: 'windows' | 'sentences';
  /** Sentences per training batch when batching is 'sentences' (null: about train.batchSize windows' worth). */
  readonly sentencesPerBatch?: number | null;
  /** Trained params of the head itself (a CRF's transitions), besides the network's. */
  params?(): Param[];
  /**
   * Label-to-label scores the decoder adds along a path and confidence() uses: [(C + 2) x C] row-major, C x C
   * transitions then the start and the end row (nn's linear-chain CRF layout). A host snapshot: call once per
   * batch. Absent for heads that score tokens independently.
   */
  transitions?(): Float32Array;
  /**
   * After the builder has filled rows 0..size-1 with the true windows, add any extra rows the loss needs
   * (corrupt windows) and return the total row count to score.
   */
  extend(batch: TrainBatch): number;
  /** Mean loss over the true windows and dL/dscores, from the scores [rows, C] of one batch. */
  readonly loss: Loss<HeadTarget>;
  /** Turn raw scores (n x C) into decoder emissions in place-compatible output (higher is better, summed on a path). */
  emissions(scores: Float32Array, n: number, C: number, out: Float32Array): void;
  /** Per-token confidence in [0, 1] of the chosen label, from the emissions (and the head's transitions, if any). */
  confidence(emissions: Float32Array, n: number, C: number, chosen: Int32Array, out: Float32Array, transitions?: Float32Array): void;
  /**
   * Optional: `confidence` for every sentence of a batch at once (rows starts[s] .. starts[s + 1] − 1 are sentence
   * s; one entry per row). Absent: the caller calls `confidence` per sentence.
   */
  confidenceBatch?(emissions: Float32Array, starts: Int32Array, C: number, chosen: Int32Array, out: Float32Array, transitions?: Float32Array): void;
  /**
   * After training (best weights restored), tune the decision rule on dev: `devF1()` evaluates dev F1 with the
   * head's current state. Returns dev F1 before tuning. Absent when the head has nothing to tune.
   */
  tune?(devF1: () => number): number;
  /** JSON state saved in the model file (e.g. calibrated thresholds). */
  getState(): Record<string, unknown>;
}

export interface HeadPlugin {
  create(spec: HeadSpec, ctx: HeadContext, state?: Record<string, unknown>): Head;
}
