/**
 * The linear-chain CRF as an nn loss with a trained parameter: the transition matrix (with start and end rows,
 * layout in linear-chain.ts). `compute(scores [rows, L], {gold, starts})` treats rows starts[s] .. starts[s+1]-1 as
 * sequence s and returns the mean negative log-likelihood of the gold paths and ∂/∂scores; like a layer's
 * backward, it also accumulates ∂/∂transitions into the transitions param (so a Trainer whose model's params()
 * include it trains it). `crfNegLogLikelihood` is the same value with no gradients, for evaluation and checks.
 *
 * The algorithms run on the host in float64 (L is a handful of tags; a batch is a few thousand positions).
 */
import type { tf } from '@window-ner/tensor';
import { ChainLoss, chainScale, checkChainTarget, type ChainLossConfig, type ChainNormalize, type CrfTarget } from './chain-loss.js';
import { CrfScratch, crfNllGrad, expTransitions, crfPathScore, transitionCount } from './linear-chain.js';
import { crfMarginals } from './marginals.js';
import { CrfTransitions } from './transitions.js';

export type { CrfTarget } from './chain-loss.js';
export type LinearChainCrfConfig = ChainLossConfig;

/** Mean NLL of the gold paths (normalised as configured) from host scores [rows x L] and transitions. */
export function crfNegLogLikelihood(scores: Float32Array, L: number, transitions: ArrayLike<number>, target: CrfTarget, normalize: ChainNormalize = 'sequences'): number {
  const rows = scores.length / L;
  checkChainTarget('crf', rows, L, target);
  const scratch = new CrfScratch();
  const prepared = new CrfTransitions(transitions, L);
  let sum = 0;
  const { starts, gold } = target;
  for (let s = 0; s + 1 < starts.length; s++) {
    const a = starts[s];
    const n = starts[s + 1] - a;
    if (n === 0) continue;
    const e = scores.subarray(a * L, (a + n) * L);
    sum += crfMarginals(e, n, L, prepared, scratch) - crfPathScore(e, n, L, transitions, gold.subarray(a, a + n));
  }
  return sum * chainScale(normalize, starts, rows);
}

export class LinearChainCrf extends ChainLoss {
  private readonly scratch = new CrfScratch();

  constructor(config: LinearChainCrfConfig) {
    super(config, 'crf');
  }

  compute(scores: tf.Tensor, target: CrfTarget): { loss: tf.Scalar; grad: tf.Tensor } {
    const L = this.numTags;
    const { e, T, rows, scale } = this.hostInputs(scores, target);
    const s = this.scratch;
    s.fit(1, L);
    const expT = expTransitions(T, L, s.expT);
    const { starts, gold } = target;
    const gradE = new Float32Array(rows * L);
    const gradT = new Float64Array(transitionCount(L));
    let sum = 0;
    for (let q = 0; q + 1 < starts.length; q++) {
      const a = starts[q];
      const n = starts[q + 1] - a;
      if (n === 0) continue;
      sum += crfNllGrad(e.subarray(a * L, (a + n) * L), n, L, T, expT, gold.subarray(a, a + n), scale, gradE.subarray(a * L, (a + n) * L), gradT, s);
    }
    return this.result(sum * scale, gradE, gradT);
  }
}
