/**
 * What the two sentence-level losses over a linear chain share — LinearChainCrf (log-likelihood, crf-loss.ts) and
 * StructuredHinge (max-margin, structured-hinge.ts): the trained transition matrix [(L + 2) x L] (layout in
 * linear-chain.ts) as a param, the target (gold tags, sequence starts) and its checks, the normalisation (per
 * sequence or per position), handing ∂/∂transitions to the param, and Viterbi under the current transitions.
 */
import { tf } from '@window-ner/tensor';
import { accumulateDenseGrad, denseParam } from '../core/params.js';
import { NnError, shapeMismatch } from '../core/errors.js';
import type { DenseParam, Loss, Param } from '../core/types.js';
import { transitionCount } from './linear-chain.js';
import { crfViterbi } from './viterbi.js';

export interface CrfTarget {
  /** Gold tag of every row. */
  gold: Int32Array;
  /** Row where each sequence starts, plus the row count at the end (length sequences + 1). */
  starts: Int32Array;
}

export interface ChainLossConfig {
  /** Param name prefix (the param is `<name>/transitions`). */
  name?: string;
  numTags: number;
  /** Initial transitions [(L + 2) x L] (default zeros). */
  init?: Float32Array;
  /** Divide the summed loss by the number of sequences (default) or of positions (a per-token loss scale). */
  normalize?: 'sequences' | 'positions';
}

export type ChainNormalize = NonNullable<ChainLossConfig['normalize']>;

export function checkChainTarget(where: string, rows: number, L: number, { gold, starts }: CrfTarget): void {
  if (starts.length < 1 || starts[0] !== 0 || starts[starts.length - 1] !== rows) {
    throw new NnError(`${where}: starts must run from 0 to the ${rows} score rows, got [${starts[0]} .. ${starts[starts.length - 1]}]`);
  }
  for (let s = 1; s < starts.length; s++) if (starts[s] < starts[s - 1]) throw new NnError(`${where}: starts[${s}] = ${starts[s]} is below starts[${s - 1}] = ${starts[s - 1]}`);
  if (gold.length < rows) throw new NnError(`${where}: ${gold.length} gold tags for ${rows} rows`);
  for (let r = 0; r < rows; r++) if (!(gold[r] >= 0 && gold[r] < L)) throw new NnError(`${where}: gold tag ${gold[r]} at row ${r} is outside [0, ${L})`);
}

/** Σ fn(first row, length) over the non-empty sequences of `starts`. */
export function sumSequences(starts: Int32Array, fn: (first: number, n: number) => number): number {
  let sum = 0;
  for (let q = 0; q + 1 < starts.length; q++) {
    const n = starts[q + 1] - starts[q];
    if (n > 0) sum += fn(starts[q], n);
  }
  return sum;
}

/** 1 / the count the summed loss is divided by. */
export function chainScale(normalize: ChainNormalize, starts: Int32Array, rows: number): number {
  return 1 / Math.max(normalize === 'sequences' ? starts.length - 1 : rows, 1);
}

export abstract class ChainLoss implements Loss<CrfTarget> {
  readonly name: string;
  readonly numTags: number;
  readonly normalize: ChainNormalize;
  /** [(L + 2) x L]: tag-to-tag scores, then the start row, then the end row. Not regularised. */
  readonly transitions: DenseParam;

  constructor(config: ChainLossConfig, defaultName: string) {
    const L = config.numTags;
    if (!Number.isInteger(L) || L < 1) throw new NnError(`${defaultName}: numTags must be a positive integer, got ${L}`);
    this.name = config.name ?? defaultName;
    this.numTags = L;
    this.normalize = config.normalize ?? 'sequences';
    const init = config.init ?? new Float32Array(transitionCount(L));
    if (init.length !== transitionCount(L)) throw new NnError(`${defaultName}: init holds ${init.length} values, expected (${L} + 2) x ${L} = ${transitionCount(L)}`);
    this.transitions = denseParam(`${this.name}/transitions`, tf.tensor2d(init, [L + 2, L]), { regularize: false });
  }

  params(): Param[] {
    return [this.transitions];
  }

  /** A host copy of the transitions. */
  transitionValues(): Float32Array {
    return (this.transitions.value.dataSync() as Float32Array).slice();
  }

  /**
   * The loss of one sequence (host scores e [n x L], its gold tags), adding scale x its gradient into gradE (from
   * index 0) and gradT. `beginBatch` has seen this batch's transitions T.
   */
  protected abstract sequenceLoss(e: Float32Array, n: number, gold: Int32Array, T: Float32Array, scale: number, gradE: Float32Array, gradT: Float64Array): number;

  /** Per-batch work on the transitions before the sequences (exps, a prepared matrix). */
  protected abstract beginBatch(T: Float32Array): void;

  /**
   * Mean loss over the sequences (normalised as configured) and ∂/∂scores; ∂/∂transitions goes into the param,
   * as a layer's backward would.
   */
  compute(scores: tf.Tensor, target: CrfTarget): { loss: tf.Scalar; grad: tf.Tensor } {
    const L = this.numTags;
    if (scores.rank !== 2 || scores.shape[1] !== L) throw shapeMismatch(`${this.name} scores`, `[rows, ${L}]`, scores.shape);
    const rows = scores.shape[0];
    checkChainTarget(this.name, rows, L, target);
    const e = scores.dataSync() as Float32Array;
    const T = this.transitions.value.dataSync() as Float32Array;
    const scale = chainScale(this.normalize, target.starts, rows);
    this.beginBatch(T);
    const gradE = new Float32Array(rows * L);
    const gradT = new Float64Array(transitionCount(L));
    const sum = sumSequences(target.starts, (a, n) =>
      this.sequenceLoss(e.subarray(a * L, (a + n) * L), n, target.gold.subarray(a, a + n), T, scale, gradE.subarray(a * L, (a + n) * L), gradT));
    accumulateDenseGrad(this.transitions, tf.tensor2d(Float32Array.from(gradT), [L + 2, L]));
    return { loss: tf.scalar(sum * scale), grad: tf.tensor2d(gradE, [rows, L]) };
  }

  /** Viterbi path of one sequence's host scores [n x L] under the current transitions; returns its score. */
  decode(scores: Float32Array, n: number, out: Int32Array): number {
    if (scores.length !== n * this.numTags || out.length < n) throw new NnError(`${this.name} decode: expected ${n} x ${this.numTags} scores and ${n} outputs, got ${scores.length} and ${out.length}`);
    return crfViterbi(scores, n, this.numTags, this.transitions.value.dataSync() as Float32Array, out);
  }
}
