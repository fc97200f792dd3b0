/**
 * Max-margin head (the seed's model): unnormalised class scores s, trained with hinge losses (nn's maxMarginLoss).
 * For a true window of class y:
 *   - window ranking: k corrupt windows c_j (see windows/sampler.ts), J += Σ_j max(0, Δ − s_y(true) + s_y(c_j));
 *   - class margins (classMargins, default on at window level): J += Σ_{c≠y} max(0, Δ − s_y(true) + s_c(true)), i.e. on the true
 *     window the true class must beat every other class by Δ. (Reference run: ranking alone ~85 dev F1, with
 *     class margins ~89.)
 *
 * That is `level: 'window'`: each window is trained alone. `level: 'sentence'` trains whole sentences (batching
 * 'sentences', like the crf head) with nn's StructuredHinge: per sentence max_y [s(y) + Δ·(tokens y gets wrong)]
 * − s(y*), s(y) the path score with learned transitions (a head param, saved as the head's state and added by the
 * decoder's Viterbi); the window terms above join it when k > 0 or classMargins (max-margin-loss.ts).
 *
 * Decision rule (documented in README "Max-margin head"): emission e_c = s_c − θ_c, where θ_c is a
 * per-class threshold calibrated on dev after training when `calibrate` is on (the default; coordinate ascent on dev
 * F1, θ_O = 0 fixed), then the
 * same constrained BIO Viterbi as the softmax head (maximise Σ_t e_{tag_t}, plus the transitions at sentence
 * level). With θ = 0 this is the best-scoring valid BIO path. Confidence of a token: σ(e_chosen − max_{c≠chosen} e_c).
 */
import { StructuredHinge, type Loss, type Param } from '@window-ner/nn';
import { MAX_MARGIN_DEFAULTS, maxMarginLevel, type HeadSpec, type MaxMarginLevel } from '../config/config.js';
import { CorruptSampler } from '../windows/sampler.js';
import { calibrateThresholds } from './calibrate.js';
import { sentenceMarginLoss, windowMarginLoss } from './max-margin-loss.js';
import { initialTransitions, savedTransitions } from './transitions.js';
import type { Head, HeadContext, HeadPlugin, HeadTarget, TrainBatch } from './types.js';

export class MaxMarginHead implements Head {
  readonly type = 'max-margin';
  readonly level: MaxMarginLevel;
  readonly batching: 'windows' | 'sentences';
  readonly sentencesPerBatch: number | null;
  readonly rowsPerWindow: number;
  readonly k: number;
  readonly margin: number;
  readonly classMargins: boolean;
  readonly loss: Loss<HeadTarget>;
  /** Per-class thresholds θ (decision rule), length C. */
  thresholds: Float32Array;
  private sampler: CorruptSampler | null = null;
  private samplerFor: Int32Array | null = null;
  /** Sentence level: the structured hinge and its learned transitions. */
  private readonly hinge: StructuredHinge | null = null;
  /** Sentence level only (absent at window level, so the decoder adds no transitions). */
  readonly params?: () => Param[];
  readonly transitions?: () => Float32Array;
  /**
   * With `calibrate`: calibrate the thresholds on dev (README "Max-margin head"); returns dev F1 before. Absent
   * otherwise, so training leaves θ = 0.
   */
  readonly tune?: (devF1: () => number) => number;

  constructor(spec: HeadSpec, private readonly ctx: HeadContext, state?: Record<string, unknown>) {
    this.level = maxMarginLevel(spec.level ?? MAX_MARGIN_DEFAULTS.level);
    const defaults = MAX_MARGIN_DEFAULTS[this.level];
    this.k = spec.k ?? defaults.k;
    this.margin = spec.margin ?? defaults.margin;
    this.classMargins = spec.classMargins ?? defaults.classMargins;
    if (spec.calibrate ?? defaults.calibrate) {
      this.tune = (devF1) => {
        const before = devF1();
        calibrateThresholds(this, ctx.outsideClass, devF1);
        return before;
      };
    }
    this.rowsPerWindow = 1 + this.k;
    this.batching = this.level === 'sentence' ? 'sentences' : 'windows';
    this.sentencesPerBatch = typeof spec.sentences === 'number' ? spec.sentences : null;
    if (this.level === 'sentence') {
      if (state && state.transitions === undefined) throw new Error('max-margin head: level "sentence" needs the saved state "transitions", which this model file does not hold (it was trained at level "window")');
      const init = state ? savedTransitions('max-margin', state.transitions, ctx.numClasses) : initialTransitions(spec, ctx);
      const hinge = new StructuredHinge({ name: 'max-margin', numTags: ctx.numClasses, init, margin: this.margin, normalize: 'positions' });
      this.hinge = hinge;
      this.params = () => hinge.params();
      this.transitions = () => hinge.transitionValues();
      this.loss = sentenceMarginLoss(hinge, this.k, this.classMargins);
    } else {
      this.loss = windowMarginLoss(this.k, this.margin, this.classMargins);
    }
    const saved = state?.thresholds as number[] | undefined;
    this.thresholds = saved ? Float32Array.from(saved) : new Float32Array(ctx.numClasses);
    if (this.thresholds.length !== ctx.numClasses) throw new Error(`max-margin head: ${this.thresholds.length} thresholds for ${ctx.numClasses} classes`);
  }

  extend(batch: TrainBatch): number {
    const { builder, set, gold, size, rng } = batch;
    if (this.k === 0) return size;
    if (this.samplerFor !== set.labels) {
      this.sampler = new CorruptSampler(set.labels, this.ctx.numClasses);
      this.samplerFor = set.labels;
    }
    const sampler = this.sampler!;
    const rep = this.ctx.replacement;
    let row = size;
    for (let b = 0; b < size; b++) {
      const y = gold[b];
      for (let j = 0; j < this.k; j++, row++) {
        const replace = rep !== null && y !== this.ctx.outsideClass && rep.end > rep.first && (j % 2 === 1 || !sampler.canSample(y));
        if (replace) {
          builder.copyWindow(b, row);
          builder.replaceCentre(row, rep.featureIndex, rep.first + rng.int(rep.end - rep.first));
        } else if (sampler.canSample(y)) {
          builder.fillRow(set, sampler.sample(y, rng), row);
        } else {
          builder.copyWindow(b, row); // degenerate corpus (one class): a copy contributes a constant margin only
        }
      }
    }
    return row;
  }


  emissions(scores: Float32Array, n: number, C: number, out: Float32Array): void {
    const th = this.thresholds;
    for (let i = 0; i < n; i++) for (let c = 0; c < C; c++) out[i * C + c] = scores[i * C + c] - th[c];
  }

  confidence(emissions: Float32Array, n: number, C: number, chosen: Int32Array, out: Float32Array): void {
    for (let i = 0; i < n; i++) {
      const y = chosen[i];
      let other = -Infinity;
      for (let c = 0; c < C; c++) if (c !== y && emissions[i * C + c] > other) other = emissions[i * C + c];
      out[i] = 1 / (1 + Math.exp(-(emissions[i * C + y] - other)));
    }
  }

  getState(): Record<string, unknown> {
    const thresholds = [...this.thresholds];
    return this.hinge ? { thresholds, transitions: [...this.hinge.transitionValues()] } : { thresholds };
  }
}

export const maxMarginPlugin: HeadPlugin = {
  create: (spec, ctx, state) => new MaxMarginHead(spec, ctx, state),
};
