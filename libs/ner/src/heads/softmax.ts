/**
 * Softmax head: p = softmax(s), loss = −log p_y, dL/ds = p − onehot(y). Emissions are log-probabilities, so
 * Viterbi finds the most probable valid BIO path under per-token independence.
 */
import type { Head, HeadPlugin, TrainBatch } from './types';

export class SoftmaxHead implements Head {
  readonly type = 'softmax';
  readonly rowsPerWindow = 1;

  extend(batch: TrainBatch): number {
    return batch.size;
  }

  lossGrad(scores: Float32Array, rows: number, batch: TrainBatch, C: number, dS: Float32Array): number {
    let loss = 0;
    const inv = 1 / rows;
    for (let r = 0; r < rows; r++) {
      const o = r * C;
      let max = -Infinity;
      for (let c = 0; c < C; c++) if (scores[o + c] > max) max = scores[o + c];
      let z = 0;
      for (let c = 0; c < C; c++) z += Math.exp(scores[o + c] - max);
      const logZ = max + Math.log(z);
      const y = batch.gold[r];
      loss += logZ - scores[o + y];
      for (let c = 0; c < C; c++) dS[o + c] = (Math.exp(scores[o + c] - logZ) - (c === y ? 1 : 0)) * inv;
    }
    return loss;
  }

  emissions(scores: Float32Array, n: number, C: number, out: Float32Array): void {
    logSoftmaxRows(scores, n, C, out);
  }

  confidence(emissions: Float32Array, n: number, C: number, chosen: Int32Array, out: Float32Array): void {
    for (let i = 0; i < n; i++) out[i] = Math.exp(emissions[i * C + chosen[i]]);
  }

  getState(): Record<string, unknown> {
    return {};
  }
}

export function logSoftmaxRows(scores: Float32Array, n: number, C: number, out: Float32Array): void {
  for (let r = 0; r < n; r++) {
    const o = r * C;
    let max = -Infinity;
    for (let c = 0; c < C; c++) if (scores[o + c] > max) max = scores[o + c];
    let z = 0;
    for (let c = 0; c < C; c++) z += Math.exp(scores[o + c] - max);
    const logZ = max + Math.log(z);
    for (let c = 0; c < C; c++) out[o + c] = scores[o + c] - logZ;
  }
}

export const softmaxPlugin: HeadPlugin = {
  create: () => new SoftmaxHead(),
};
