/**
 * CRF head: Collobert et al. 2011's sentence-level log-likelihood over the window network's class scores (nn's
 * LinearChainCrf). The network scores every window of a sentence (emissions e [n x C]); a learned transition
 * matrix A (C x C, plus start and end scores) joins them into path scores s(y) = start_{y_0} + Σ_t e_{t,y_t} +
 * Σ_t A_{y_{t-1},y_t} + end_{y_{n-1}}, and the loss is −log softmax over all paths of the gold path's score, per
 * token (the summed sentence NLL divided by the batch's tokens, so lr and clipNorm keep the softmax head's scale).
 *
 * Training batches are whole sentences (`batching: 'sentences'`); the transitions are a head param the optimizer
 * trains with the network, saved in the model file as the head's state. BIO-invalid transitions start at
 * `invalidTransition` (default −10000: their gradient is then exactly 0, so they stay there) and the Viterbi
 * decoder forbids them outright. Token confidence is the marginal p(y_t = chosen | sentence) (forward-backward).
 */
import { CrfScratch, crfConfidenceBatch, crfMarginals, CrfTransitions, LinearChainCrf, type Loss, type Param } from '@window-ner/nn';
import type { HeadSpec } from '../config/config.js';
import { initialTransitions, savedTransitions } from './transitions.js';
import type { Head, HeadContext, HeadPlugin, HeadTarget, TrainBatch } from './types.js';

export class CrfHead implements Head {
  readonly type = 'crf';
  readonly rowsPerWindow = 1;
  readonly batching = 'sentences';
  readonly sentencesPerBatch: number | null;
  readonly loss: Loss<HeadTarget>;
  private readonly crf: LinearChainCrf;
  private readonly scratch = new CrfScratch();
  /** The transitions confidence() last saw, prepared (exps, possible pairs); reused while they are equal. */
  private prepared: CrfTransitions | null = null;

  constructor(spec: HeadSpec, ctx: HeadContext, state?: Record<string, unknown>) {
    const L = ctx.numClasses;
    this.sentencesPerBatch = typeof spec.sentences === 'number' ? spec.sentences : null;
    const init = state ? savedTransitions('crf', state.transitions, L) : initialTransitions(spec, ctx);
    this.crf = new LinearChainCrf({ name: 'crf', numTags: L, init, normalize: 'positions' });
    this.loss = {
      name: 'crf',
      compute: (scores, t) => this.crf.compute(scores, { gold: t.gold.subarray(0, t.size), starts: t.sentenceStarts ?? Int32Array.of(0, t.size) }),
    };
  }

  extend(batch: TrainBatch): number {
    return batch.size;
  }

  params(): Param[] {
    return this.crf.params();
  }

  transitions(): Float32Array {
    return this.crf.transitionValues();
  }

  /** The decoder adds the transitions itself: emissions are the network's scores. */
  emissions(scores: Float32Array, n: number, C: number, out: Float32Array): void {
    out.set(scores.subarray(0, n * C));
  }

  confidence(emissions: Float32Array, n: number, C: number, chosen: Int32Array, out: Float32Array, transitions?: Float32Array): void {
    crfMarginals(emissions, n, C, this.prepare(transitions, C), this.scratch, out, chosen);
  }

  confidenceBatch(emissions: Float32Array, starts: Int32Array, C: number, chosen: Int32Array, out: Float32Array, transitions?: Float32Array): void {
    crfConfidenceBatch(emissions, starts, C, this.prepare(transitions, C), chosen, out, this.scratch);
  }

  /**
   * Preparing is C² exps, several per token of a short sentence: reuse it while the transitions are equal
   * (compared by value, as a caller may change its array between calls).
   */
  private prepare(transitions: Float32Array | undefined, C: number): CrfTransitions {
    const T = transitions ?? this.transitions();
    if (!this.prepared?.matches(T)) this.prepared = new CrfTransitions(T, C);
    return this.prepared;
  }

  getState(): Record<string, unknown> {
    return { transitions: [...this.crf.transitionValues()] };
  }
}

export const crfPlugin: HeadPlugin = {
  create: (spec, ctx, state) => new CrfHead(spec, ctx, state),
};
