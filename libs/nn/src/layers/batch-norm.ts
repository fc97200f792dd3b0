/**
 * BatchNorm over the batch axis of [n, d]: at training normalise with the batch's mean/variance and update the
 * running averages (running = momentum·running + (1−momentum)·batch, variance unbiased); at test use the running
 * averages. gamma/beta are trainable and never regularised; the running stats are non-trainable params so they
 * are saved with the weights.
 */
import { tf } from '@window-ner/tensor';
import type { DenseParam, ForwardContext, ForwardResult, Layer } from '../core/types.js';
import { denseParam, accumulateDenseGrad } from '../core/params.js';
import { checkPositiveInt, checkRate, shapeMismatch } from '../core/errors.js';
import { normalize, normalizeBackward } from './normalize.js';
import { defaultName } from './naming.js';

export interface BatchNormConfig {
  type?: 'batchNorm';
  name?: string;
  dim: number;
  momentum?: number;
  epsilon?: number;
}

export class BatchNorm implements Layer {
  readonly name: string;
  readonly gamma: DenseParam;
  readonly beta: DenseParam;
  readonly runningMean: DenseParam;
  readonly runningVar: DenseParam;
  readonly momentum: number;
  readonly epsilon: number;

  constructor(readonly config: BatchNormConfig) {
    this.name = config.name ?? defaultName('batchNorm');
    const where = `BatchNorm "${this.name}"`;
    const d = checkPositiveInt(where, 'dim', config.dim);
    this.momentum = checkRate(where, 'momentum', config.momentum ?? 0.9, 0, 1);
    this.epsilon = checkRate(where, 'epsilon', config.epsilon ?? 1e-5);
    this.gamma = denseParam(`${this.name}/gamma`, tf.ones([d]));
    this.beta = denseParam(`${this.name}/beta`, tf.zeros([d]));
    this.runningMean = denseParam(`${this.name}/runningMean`, tf.zeros([d]), { trainable: false });
    this.runningVar = denseParam(`${this.name}/runningVar`, tf.ones([d]), { trainable: false });
  }

  forward(x: tf.Tensor, ctx: ForwardContext): ForwardResult {
    if (x.rank !== 2 || x.shape[1] !== this.config.dim) throw shapeMismatch(`BatchNorm "${this.name}" input`, `[n, ${this.config.dim}]`, x.shape);
    const gamma = this.gamma.value;
    if (!ctx.training) {
      const invStd = tf.rsqrt(tf.add(this.runningVar.value, this.epsilon));
      const xhat = tf.mul(tf.sub(x, this.runningMean.value), invStd);
      return {
        y: tf.add(tf.mul(xhat, gamma), this.beta.value),
        backward: (dy) => {
          accumulateDenseGrad(this.gamma, tf.sum(tf.mul(dy, xhat), 0));
          accumulateDenseGrad(this.beta, tf.sum(dy, 0));
          return tf.mul(dy, tf.mul(gamma, invStd));
        },
      };
    }
    const n = x.shape[0];
    const { xhat, invStd, mean, variance } = normalize(x, 0, this.epsilon);
    const m = this.momentum;
    const unbiased = n > 1 ? tf.mul(variance, n / (n - 1)) : variance;
    this.runningMean.value.assign(tf.add(tf.mul(this.runningMean.value, m), tf.mul(tf.reshape(mean, [-1]), 1 - m)));
    this.runningVar.value.assign(tf.add(tf.mul(this.runningVar.value, m), tf.mul(tf.reshape(unbiased, [-1]), 1 - m)));
    return {
      y: tf.add(tf.mul(xhat, gamma), this.beta.value),
      backward: (dy) => {
        accumulateDenseGrad(this.gamma, tf.sum(tf.mul(dy, xhat), 0));
        accumulateDenseGrad(this.beta, tf.sum(dy, 0));
        return normalizeBackward(tf.mul(dy, gamma), xhat, invStd, 0);
      },
    };
  }

  params(): DenseParam[] {
    return [this.gamma, this.beta, this.runningMean, this.runningVar];
  }

  getConfig() {
    return { type: 'batchNorm', name: this.name, dim: this.config.dim, momentum: this.momentum, epsilon: this.epsilon };
  }
}
