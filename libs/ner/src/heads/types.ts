/**
 * Head plugins: how the window model's class scores are trained (loss and dL/dscores) and how they become the
 * per-token emissions a decoder sums along a tag path.
 */
import type { Rng } from '@window-ner/tensor';
import type { HeadSpec } from '../config/config';
import type { WindowBuilder } from '../windows/builder';
import type { WindowSet } from '../windows/windows';

export interface TrainBatch {
  builder: WindowBuilder;
  set: WindowSet;
  /** Gold class of each true window (rows 0..size-1 of the builder's buffer). */
  gold: Int32Array;
  size: number;
  rng: Rng;
}

export interface Head {
  readonly type: string;
  /** Rows scored per true window (1 for softmax, 1 + k for max-margin), to size buffers. */
  readonly rowsPerWindow: number;
  /**
   * After the builder has filled rows 0..size-1 with the true windows, add any extra rows the loss needs
   * (corrupt windows) and return the total row count to score.
   */
  extend(batch: TrainBatch): number;
  /** Summed loss over the batch and dL/dscores (divided by batch size) into dS (rows x C). */
  lossGrad(scores: Float32Array, rows: number, batch: TrainBatch, C: number, dS: Float32Array): number;
  /** Turn raw scores (n x C) into decoder emissions in place-compatible output (higher is better, summed on a path). */
  emissions(scores: Float32Array, n: number, C: number, out: Float32Array): void;
  /** Per-token confidence in [0, 1] of the chosen label, from the emissions. */
  confidence(emissions: Float32Array, n: number, C: number, chosen: Int32Array, out: Float32Array): void;
  /** JSON state saved in the model file (e.g. calibrated thresholds). */
  getState(): Record<string, unknown>;
}

export interface HeadPlugin {
  create(spec: HeadSpec, numClasses: number, state?: Record<string, unknown>): Head;
}
