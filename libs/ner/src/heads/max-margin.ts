/**
 * Max-margin head (the seed's model): unnormalised class scores s, trained with hinge losses (nn's maxMarginLoss).
 * For a true window of class y:
 *   - window ranking: k corrupt windows c_j (see windows/sampler.ts), J += Σ_j max(0, Δ − s_y(true) + s_y(c_j));
 *   - class margins (classMargins, default on): J += Σ_{c≠y} max(0, Δ − s_y(true) + s_c(true)), i.e. on the true
 *     window the true class must beat every other class by Δ. (Reference run: ranking alone ~85 dev F1, with
 *     class margins ~89.)
 *
 * Decision rule (documented in README "Max-margin decision rule"): emission e_c = s_c − θ_c, where θ_c is a
 * per-class threshold calibrated on dev after training (coordinate ascent on dev F1, θ_O = 0 fixed), then the
 * same constrained BIO Viterbi as the softmax head (maximise Σ_t e_{tag_t}). With θ = 0 this is the class whose
 * score is highest, repaired into a valid BIO path. Confidence of a token: σ(e_chosen − max_{c≠chosen} e_c).
 */
import { maxMarginLoss, type Loss } from '@window-ner/nn';
import { tf } from '@window-ner/tensor';
import type { HeadSpec } from '../config/config.js';
import { CorruptSampler } from '../windows/sampler.js';
import { calibrateThresholds } from './calibrate.js';
import type { Head, HeadContext, HeadPlugin, HeadTarget, TrainBatch } from './types.js';

/**
 * The two hinge terms as nn's maxMarginLoss over scores [rows, C] (true windows first, then k corrupt windows per
 * true window, in order): class margins take every class's score on the true window as the corrupt scores,
 * masking out the true class; window ranking takes column y of the k corrupt windows. The gradient w.r.t. the
 * gathered scores is scattered back through the same one-hot.
 */
function marginLoss(k: number, margin: number, classMargins: boolean): Loss<HeadTarget> {
  return {
    name: 'maxMarginWindows',
    compute(scores, { gold, size }) {
      const [rows, C] = scores.shape as [number, number];
      const onehot = tf.oneHot(tf.tensor1d(gold.subarray(0, size), 'int32'), C).toFloat() as tf.Tensor2D;
      const trueRows = rows === size ? scores : tf.slice(scores, [0, 0], [size, C]);
      const sy = tf.sum(tf.mul(trueRows, onehot), 1);
      let loss: tf.Tensor = tf.scalar(0);
      let dTrue: tf.Tensor = tf.zerosLike(trueRows);
      if (classMargins) {
        const r = maxMarginLoss(sy, trueRows, margin, tf.sub(1, onehot));
        loss = tf.add(loss, r.loss);
        dTrue = tf.add(tf.add(dTrue, r.gradCorrupt), tf.mul(onehot, tf.reshape(r.gradTrue, [size, 1])));
      }
      if (k === 0 || rows === size) return { loss: loss as tf.Scalar, grad: dTrue };
      const corrupt = tf.reshape(tf.slice(scores, [size, 0], [size * k, C]), [size, k, C]);
      const yHot = tf.reshape(onehot, [size, 1, C]);
      const r = maxMarginLoss(sy, tf.sum(tf.mul(corrupt, yHot), 2), margin);
      dTrue = tf.add(dTrue, tf.mul(onehot, tf.reshape(r.gradTrue, [size, 1])));
      const dCorrupt = tf.reshape(tf.mul(tf.reshape(r.gradCorrupt, [size, k, 1]), yHot), [size * k, C]);
      return { loss: tf.add(loss, r.loss) as tf.Scalar, grad: tf.concat([dTrue, dCorrupt], 0) };
    },
  };
}

export class MaxMarginHead implements Head {
  readonly type = 'max-margin';
  readonly rowsPerWindow: number;
  readonly k: number;
  readonly margin: number;
  readonly classMargins: boolean;
  readonly loss: Loss<HeadTarget>;
  /** Per-class thresholds θ (decision rule), length C. */
  thresholds: Float32Array;
  private sampler: CorruptSampler | null = null;
  private samplerFor: Int32Array | null = null;

  constructor(spec: HeadSpec, private readonly ctx: HeadContext, state?: Record<string, unknown>) {
    this.k = spec.k ?? 5;
    this.margin = spec.margin ?? 1;
    this.classMargins = spec.classMargins !== false;
    this.rowsPerWindow = 1 + this.k;
    this.loss = marginLoss(this.k, this.margin, this.classMargins);
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

  /** Calibrate the thresholds on dev (README "Max-margin decision rule"); returns dev F1 before. */
  tune(devF1: () => number): number {
    const before = devF1();
    calibrateThresholds(this, this.ctx.outsideClass, devF1);
    return before;
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
    return { thresholds: [...this.thresholds] };
  }
}

export const maxMarginPlugin: HeadPlugin = {
  create: (spec, ctx, state) => new MaxMarginHead(spec, ctx, state),
};
