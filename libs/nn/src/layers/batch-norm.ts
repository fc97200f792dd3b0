/**
 * BatchNorm over the feature axis of [n, dim]: training uses the batch mean/variance (biased) and updates
 * running averages (r = momentum r + (1 - momentum) batch); test uses the running averages. y = γ x̂ + β.
 * Backward (training): dx = (1/n) σ⁻¹ (n dx̂ - Σ dx̂ - x̂ Σ dx̂ x̂), dx̂ = dy γ; (test) dx = dy γ σ⁻¹.
 * Running stats are non-trainable params, so they are saved with the weights.
 */
import { tf } from '@window-ner/tensor';
import { checkPositiveInt, checkRate, shapeMismatch } from '../core/errors';
import { accumulateDenseGrad, denseParam } from '../core/params';
import type { DenseParam, ForwardContext, ForwardResult, Layer, LayerConfig } from '../core/types';
import { autoName, layers } from './registry';

export interface BatchNormConfig {
  name?: string;
  dim: number;
  momentum?: number;
  epsilon?: number;
}

export class BatchNorm implements Layer {
  readonly name: string;
  readonly dim: number;
  readonly momentum: number;
  readonly epsilon: number;
  readonly gamma: DenseParam;
  readonly beta: DenseParam;
  readonly runningMean: DenseParam;
  readonly runningVar: DenseParam;

  constructor(config: BatchNormConfig) {
    this.name = config.name ?? autoName('batchNorm');
    const where = `batchNorm "${this.name}"`;
    this.dim = checkPositiveInt(where, 'dim', config.dim);
    this.momentum = checkRate(where, 'momentum', config.momentum ?? 0.9, 0, 1);
    this.epsilon = checkRate(where, 'epsilon', config.epsilon ?? 1e-5);
    this.gamma = denseParam(`${this.name}/gamma`, tf.ones([this.dim]));
    this.beta = denseParam(`${this.name}/beta`, tf.zeros([this.dim]));
    this.runningMean = denseParam(`${this.name}/runningMean`, tf.zeros([this.dim]), { trainable: false });
    this.runningVar = denseParam(`${this.name}/runningVar`, tf.ones([this.dim]), { trainable: false });
  }

  forward(x: tf.Tensor, ctx: ForwardContext): ForwardResult {
    if (x.rank !== 2 || x.shape[1] !== this.dim) throw shapeMismatch(`batchNorm "${this.name}" input`, `[n, ${this.dim}]`, x.shape);
    const n = x.shape[0];
    let mean: tf.Tensor;
    let variance: tf.Tensor;
    if (ctx.training) {
      ({ mean, variance } = tf.moments(x, 0));
      const m = this.momentum;
      this.runningMean.value.assign(tf.add(tf.mul(this.runningMean.value, m), tf.mul(mean, 1 - m)));
      this.runningVar.value.assign(tf.add(tf.mul(this.runningVar.value, m), tf.mul(variance, 1 - m)));
    } else {
      mean = this.runningMean.value;
      variance = this.runningVar.value;
    }
    const invStd = tf.rsqrt(tf.add(variance, this.epsilon));
    const xhat = tf.mul(tf.sub(x, mean), invStd);
    const y = tf.add(tf.mul(xhat, this.gamma.value), this.beta.value);
    const backward = (dy: tf.Tensor): tf.Tensor => {
      accumulateDenseGrad(this.gamma, tf.sum(tf.mul(dy, xhat), 0));
      accumulateDenseGrad(this.beta, tf.sum(dy, 0));
      const dxhat = tf.mul(dy, this.gamma.value);
      if (!ctx.training) return tf.mul(dxhat, invStd);
      const t = tf.sub(tf.sub(tf.mul(dxhat, n), tf.sum(dxhat, 0)), tf.mul(xhat, tf.sum(tf.mul(dxhat, xhat), 0)));
      return tf.mul(t, tf.div(invStd, n));
    };
    return { y, backward };
  }

  params(): DenseParam[] {
    return [this.gamma, this.beta, this.runningMean, this.runningVar];
  }

  getConfig(): LayerConfig {
    return { type: 'batchNorm', name: this.name, dim: this.dim, momentum: this.momentum, epsilon: this.epsilon };
  }
}

layers.register('batchNorm', (c) => new BatchNorm(c as unknown as BatchNormConfig));
