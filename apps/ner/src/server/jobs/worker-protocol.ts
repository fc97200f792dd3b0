/** Messages between the server thread and a training worker thread. */
import type { TrainProgress, TrainRequest, TrainResult } from '@window-ner/ner';

export interface TrainWorkerData {
  request: TrainRequest;
}

export type ToWorker = { type: 'cancel' };

export type FromWorker =
  | { type: 'progress'; progress: TrainProgress }
  | { type: 'done'; result: TrainResult }
  | { type: 'failed'; message: string; cancelled: boolean };
