/**
 * The linear-chain CRF as an nn loss with a trained parameter: the transition matrix (with start and end rows,
 * layout in linear-chain.ts). `compute(scores [rows, L], {gold, starts})` treats rows starts[s] .. starts[s+1]-1 as
 * sequence s and returns the mean negative log-likelihood of the gold paths and ∂/∂scores; like a layer's
 * backward, it also accumulates ∂/∂transitions into the transitions param (so a Trainer whose model's params()
 * include it trains it). `crfNegLogLikelihood` is the same value with no gradients, for evaluation and checks.
 *
 * The algorithms run on the host in float64 (L is a handful of tags; a batch is a few thousand positions).
 */
import { ChainLoss, chainScale, checkChainTarget, sumSequences, type ChainLossConfig, type ChainNormalize, type CrfTarget } from './chain-loss.js';
import { CrfScratch, crfNllGrad, expTransitions, crfPathScore } from './linear-chain.js';
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
  const { starts, gold } = target;
  const sum = sumSequences(starts, (a, n) => {
    const e = scores.subarray(a * L, (a + n) * L);
    return crfMarginals(e, n, L, prepared, scratch) - crfPathScore(e, n, L, transitions, gold.subarray(a, a + n));
  });
  return sum * chainScale(normalize, starts, rows);
}

export class LinearChainCrf extends ChainLoss {
  private readonly scratch = new CrfScratch();

  constructor(config: LinearChainCrfConfig) {
    super(config, 'crf');
  }

  protected beginBatch(T: Float32Array): void {
    this.scratch.fit(1, this.numTags);
    expTransitions(T, this.numTags, this.scratch.expT);
  }

  protected sequenceLoss(e: Float32Array, n: number, gold: Int32Array, T: Float32Array, scale: number, gradE: Float32Array, gradT: Float64Array): number {
    return crfNllGrad(e, n, this.numTags, T, this.scratch.expT, gold, scale, gradE, gradT, this.scratch);
  }
}
