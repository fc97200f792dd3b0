/**
 * The structured hinge (max-margin Markov networks, Taskar et al. 2003; the structured SVM's margin-rescaled loss)
 * over a linear chain, as an nn loss with the same trained transitions as LinearChainCrf (chain-loss.ts). Per
 * sequence with gold path y*, path score s(y) (linear-chain.ts) and Δ(y, y*) = margin x (positions where y ≠ y*):
 *
 *   loss = max_y [ s(y) + Δ(y, y*) ] − s(y*)   (≥ 0: y* itself scores s(y*) + 0)
 *
 * The max is a loss-augmented Viterbi: add the margin to every non-gold tag's emission, then crfViterbi. Its
 * (sub)gradient is the indicator counts of that path ŷ minus those of y*: +1 on e[t, ŷ_t] and −1 on e[t, y*_t],
 * likewise on the start, end and pair transitions each path uses; 0 when ŷ = y*. Normalised like the CRF (per
 * sequence or per position), so a per-token hinge keeps the softmax head's lr and clipNorm scale.
 */
import { NnError } from '../core/errors.js';
import { ChainLoss, chainScale, checkChainTarget, sumSequences, type ChainLossConfig, type ChainNormalize, type CrfTarget } from './chain-loss.js';
import { crfPathScore } from './linear-chain.js';
import { CrfTransitions } from './transitions.js';
import { crfViterbi } from './viterbi.js';

export interface StructuredHingeConfig extends ChainLossConfig {
  /** Δ per position tagged differently from gold (default 1). */
  margin?: number;
}

/** Reused per-sequence buffers: the augmented emissions and the augmented path. */
class HingeScratch {
  aug = new Float64Array(0);
  path = new Int32Array(0);

  fit(n: number, L: number): this {
    if (this.aug.length < n * L) this.aug = new Float64Array(Math.max(n * L, 2 * this.aug.length));
    if (this.path.length < n) this.path = new Int32Array(Math.max(n, 2 * this.path.length));
    return this;
  }
}

/**
 * One sequence's hinge: fills s.path with the loss-augmented Viterbi path ŷ; returns the loss (0 when ŷ is gold).
 */
function sequenceHinge(e: Float32Array, n: number, L: number, T: CrfTransitions, gold: Int32Array, margin: number, s: HingeScratch): number {
  s.fit(n, L);
  const aug = s.aug;
  for (let t = 0; t < n; t++) for (let j = 0; j < L; j++) aug[t * L + j] = e[t * L + j] + (j === gold[t] ? 0 : margin);
  const best = crfViterbi(aug, n, L, T, s.path);
  let same = true;
  for (let t = 0; t < n && same; t++) same = s.path[t] === gold[t];
  // The augmented max includes gold's own score, so the difference is ≥ 0 up to rounding.
  return same ? 0 : Math.max(0, best - crfPathScore(e, n, L, T.scores, gold));
}

/** Add w x the indicator counts of `path` (emissions from index 0 of gradE, transitions into gradT). */
function addPathCounts(path: ArrayLike<number>, n: number, L: number, w: number, gradE: Float32Array, gradT: Float64Array): void {
  gradT[L * L + path[0]] += w;
  gradT[(L + 1) * L + path[n - 1]] += w;
  for (let t = 0; t < n; t++) gradE[t * L + path[t]] += w;
  for (let t = 1; t < n; t++) gradT[path[t - 1] * L + path[t]] += w;
}

function checkMargin(margin: number): number {
  if (!(Number.isFinite(margin) && margin >= 0)) throw new NnError(`structured hinge: margin must be a finite number >= 0, got ${margin}`);
  return margin;
}

/** The mean hinge (normalised as configured) from host scores [rows x L] and transitions: the value alone. */
export function structuredHingeLoss(scores: Float32Array, L: number, transitions: ArrayLike<number>, target: CrfTarget, margin = 1, normalize: ChainNormalize = 'sequences'): number {
  const rows = scores.length / L;
  checkChainTarget('structured hinge', rows, L, target);
  checkMargin(margin);
  const T = new CrfTransitions(transitions, L);
  const s = new HingeScratch();
  const { starts, gold } = target;
  const sum = sumSequences(starts, (a, n) => sequenceHinge(scores.subarray(a * L, (a + n) * L), n, L, T, gold.subarray(a, a + n), margin, s));
  return sum * chainScale(normalize, starts, rows);
}

export class StructuredHinge extends ChainLoss {
  readonly margin: number;
  private readonly scratch = new HingeScratch();
  /** This batch's transitions, prepared for Viterbi. */
  private prepared: CrfTransitions | null = null;

  constructor(config: StructuredHingeConfig) {
    super(config, 'structured-hinge');
    this.margin = checkMargin(config.margin ?? 1);
  }

  protected beginBatch(T: Float32Array): void {
    this.prepared = new CrfTransitions(T, this.numTags);
  }

  protected sequenceLoss(e: Float32Array, n: number, gold: Int32Array, _T: Float32Array, scale: number, gradE: Float32Array, gradT: Float64Array): number {
    const loss = sequenceHinge(e, n, this.numTags, this.prepared!, gold, this.margin, this.scratch);
    if (loss > 0) {
      addPathCounts(this.scratch.path, n, this.numTags, scale, gradE, gradT);
      addPathCounts(gold, n, this.numTags, -scale, gradE, gradT);
    }
    return loss;
  }
}
