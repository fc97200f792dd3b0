/**
 * Softmax head: p = softmax(s), loss = −log p_y (nn's softmaxCrossEntropy). Emissions are log-probabilities, so
 * Viterbi finds the most probable valid BIO path under per-token independence.
 */
import { softmaxCrossEntropy, type Loss } from '@window-ner/nn';
import type { Head, HeadPlugin, HeadTarget, TrainBatch } from './types.js';

const loss: Loss<HeadTarget> = {
  name: 'softmaxCrossEntropy',
  compute: (scores, target) => softmaxCrossEntropy.compute(scores, target.gold.subarray(0, target.size)),
};

export class SoftmaxHead implements Head {
  readonly type = 'softmax';
  readonly rowsPerWindow = 1;
  readonly loss = loss;

  extend(batch: TrainBatch): number {
    return batch.size;
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

function logSoftmaxRows(scores: Float32Array, n: number, C: number, out: Float32Array): void {
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
