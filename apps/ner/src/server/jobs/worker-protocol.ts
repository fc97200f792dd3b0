/** Messages between the server thread and a training worker thread. */
import type { TrainProgress, TrainRequest, TrainResult } from '@window-ner/ner';
import type { Baseline } from './publish-gate.js';

export interface TrainWorkerData {
  request: TrainRequest;
  /** Score this model (the one served) on the dev set after training, for the publish gate. */
  baseline?: { path: string; version: string };
  /** The server's plugin allowlist (allowedPluginSpecs): a thread starts with none. */
  plugins: string[];
}

export type ToWorker = { type: 'cancel' };

/** The trainer's phases, then 'compare' (scoring the served model) in the worker and 'publish' in the server. */
export type JobProgress = Omit<TrainProgress, 'phase'> & { phase: TrainProgress['phase'] | 'compare' | 'publish' };

export type FromWorker =
  | { type: 'progress'; progress: JobProgress }
  | { type: 'done'; result: TrainResult; baseline: Baseline | null }
  | { type: 'failed'; message: string; cancelled: boolean };
