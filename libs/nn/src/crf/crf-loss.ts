/**
 * The linear-chain CRF as an nn loss with a trained parameter: the transition matrix (with start and end rows,
 * layout in linear-chain.ts). `compute(scores [rows, L], {gold, starts})` treats rows starts[s] .. starts[s+1]-1 as
 * sequence s and returns the mean negative log-likelihood of the gold paths and ∂/∂scores; like a layer's
 * backward, it also accumulates ∂/∂transitions into the transitions param (so a Trainer whose model's params()
 * include it trains it). `crfNegLogLikelihood` is the same value with no gradients, for evaluation and checks.
 *
 * The algorithms run on the host in float64 (L is a handful of tags; a batch is a few thousand positions).
 */
import { tf } from '@window-ner/tensor';
import { accumulateDenseGrad, denseParam } from '../core/params.js';
import { NnError, shapeMismatch } from '../core/errors.js';
import type { DenseParam, Loss, Param } from '../core/types.js';
import { CrfScratch, crfNllGrad, expTransitions, crfPathScore, transitionCount } from './linear-chain.js';
import { crfMarginals } from './marginals.js';
import { CrfTransitions } from './transitions.js';
import { crfViterbi } from './viterbi.js';

export interface CrfTarget {
  /** Gold tag of every row. */
  gold: Int32Array;
  /** Row where each sequence starts, plus the row count at the end (length sequences + 1). */
  starts: Int32Array;
}

export interface LinearChainCrfConfig {
  /** Param name prefix (the param is `<name>/transitions`). */
  name?: string;
  numTags: number;
  /** Initial transitions [(L + 2) x L] (default zeros). */
  init?: Float32Array;
  /** Divide the summed NLL by the number of sequences (default) or of positions (a per-token loss scale). */
  normalize?: 'sequences' | 'positions';
}

function checkTarget(where: string, rows: number, L: number, { gold, starts }: CrfTarget): void {
  if (starts.length < 1 || starts[0] !== 0 || starts[starts.length - 1] !== rows) {
    throw new NnError(`${where}: starts must run from 0 to the ${rows} score rows, got [${starts[0]} .. ${starts[starts.length - 1]}]`);
  }
  for (let s = 1; s < starts.length; s++) if (starts[s] < starts[s - 1]) throw new NnError(`${where}: starts[${s}] = ${starts[s]} is below starts[${s - 1}] = ${starts[s - 1]}`);
  if (gold.length < rows) throw new NnError(`${where}: ${gold.length} gold tags for ${rows} rows`);
  for (let r = 0; r < rows; r++) if (!(gold[r] >= 0 && gold[r] < L)) throw new NnError(`${where}: gold tag ${gold[r]} at row ${r} is outside [0, ${L})`);
}

/** Mean NLL of the gold paths (normalised as configured) from host scores [rows x L] and transitions. */
export function crfNegLogLikelihood(scores: Float32Array, L: number, transitions: ArrayLike<number>, target: CrfTarget, normalize: 'sequences' | 'positions' = 'sequences'): number {
  const rows = scores.length / L;
  checkTarget('crf', rows, L, target);
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
  return sum / Math.max(normalize === 'sequences' ? starts.length - 1 : rows, 1);
}

export class LinearChainCrf implements Loss<CrfTarget> {
  readonly name: string;
  readonly numTags: number;
  readonly normalize: 'sequences' | 'positions';
  /** [(L + 2) x L]: tag-to-tag scores, then the start row, then the end row. Not regularised. */
  readonly transitions: DenseParam;
  private readonly scratch = new CrfScratch();

  constructor(config: LinearChainCrfConfig) {
    const L = config.numTags;
    if (!Number.isInteger(L) || L < 1) throw new NnError(`crf: numTags must be a positive integer, got ${L}`);
    this.name = config.name ?? 'crf';
    this.numTags = L;
    this.normalize = config.normalize ?? 'sequences';
    const init = config.init ?? new Float32Array(transitionCount(L));
    if (init.length !== transitionCount(L)) throw new NnError(`crf: init holds ${init.length} values, expected (${L} + 2) x ${L} = ${transitionCount(L)}`);
    this.transitions = denseParam(`${this.name}/transitions`, tf.tensor2d(init, [L + 2, L]), { regularize: false });
  }

  params(): Param[] {
    return [this.transitions];
  }

  /** A host copy of the transitions. */
  transitionValues(): Float32Array {
    return (this.transitions.value.dataSync() as Float32Array).slice();
  }

  compute(scores: tf.Tensor, target: CrfTarget): { loss: tf.Scalar; grad: tf.Tensor } {
    const L = this.numTags;
    if (scores.rank !== 2 || scores.shape[1] !== L) throw shapeMismatch('crf scores', `[rows, ${L}]`, scores.shape);
    const rows = scores.shape[0];
    checkTarget(this.name, rows, L, target);
    const e = scores.dataSync() as Float32Array;
    const T = this.transitions.value.dataSync() as Float32Array;
    const s = this.scratch;
    s.fit(1, L);
    const expT = expTransitions(T, L, s.expT);
    const { starts, gold } = target;
    const scale = 1 / Math.max(this.normalize === 'sequences' ? starts.length - 1 : rows, 1);
    const gradE = new Float32Array(rows * L);
    const gradT = new Float64Array(transitionCount(L));
    let sum = 0;
    for (let q = 0; q + 1 < starts.length; q++) {
      const a = starts[q];
      const n = starts[q + 1] - a;
      if (n === 0) continue;
      sum += crfNllGrad(e.subarray(a * L, (a + n) * L), n, L, T, expT, gold.subarray(a, a + n), scale, gradE.subarray(a * L, (a + n) * L), gradT, s);
    }
    accumulateDenseGrad(this.transitions, tf.tensor2d(Float32Array.from(gradT), [L + 2, L]));
    return { loss: tf.scalar(sum * scale), grad: tf.tensor2d(gradE, [rows, L]) };
  }

  /** Viterbi path of one sequence's host scores [n x L] under the current transitions; returns its score. */
  decode(scores: Float32Array, n: number, out: Int32Array): number {
    if (scores.length !== n * this.numTags || out.length < n) throw new NnError(`crf decode: expected ${n} x ${this.numTags} scores and ${n} outputs, got ${scores.length} and ${out.length}`);
    return crfViterbi(scores, n, this.numTags, this.transitions.value.dataSync() as Float32Array, out);
  }
}
