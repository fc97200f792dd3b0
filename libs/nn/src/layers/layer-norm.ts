/**
 * LayerNorm: each row of [n, dim] normalised by its own mean/variance (same in training and test),
 * y = γ x̂ + β. Backward: dx = (1/D) σ⁻¹ (D dx̂ - Σ_row dx̂ - x̂ Σ_row dx̂ x̂), dx̂ = dy γ.
 */
import { tf } from '@window-ner/tensor';
import { checkPositiveInt, checkRate, shapeMismatch } from '../core/errors';
import { accumulateDenseGrad, denseParam } from '../core/params';
import type { DenseParam, ForwardContext, ForwardResult, Layer, LayerConfig } from '../core/types';
import { autoName, layers } from './registry';

export interface LayerNormConfig {
  name?: string;
  dim: number;
  epsilon?: number;
}

export class LayerNorm implements Layer {
  readonly name: string;
  readonly dim: number;
  readonly epsilon: number;
  readonly gamma: DenseParam;
  readonly beta: DenseParam;

  constructor(config: LayerNormConfig) {
    this.name = config.name ?? autoName('layerNorm');
    const where = `layerNorm "${this.name}"`;
    this.dim = checkPositiveInt(where, 'dim', config.dim);
    this.epsilon = checkRate(where, 'epsilon', config.epsilon ?? 1e-5);
    this.gamma = denseParam(`${this.name}/gamma`, tf.ones([this.dim]));
    this.beta = denseParam(`${this.name}/beta`, tf.zeros([this.dim]));
  }

  forward(x: tf.Tensor, _ctx: ForwardContext): ForwardResult {
    if (x.rank !== 2 || x.shape[1] !== this.dim) throw shapeMismatch(`layerNorm "${this.name}" input`, `[n, ${this.dim}]`, x.shape);
    const D = this.dim;
    const { mean, variance } = tf.moments(x, 1, true);
    const invStd = tf.rsqrt(tf.add(variance, this.epsilon));
    const xhat = tf.mul(tf.sub(x, mean), invStd);
    const y = tf.add(tf.mul(xhat, this.gamma.value), this.beta.value);
    const backward = (dy: tf.Tensor): tf.Tensor => {
      accumulateDenseGrad(this.gamma, tf.sum(tf.mul(dy, xhat), 0));
      accumulateDenseGrad(this.beta, tf.sum(dy, 0));
      const dxhat = tf.mul(dy, this.gamma.value);
      const t = tf.sub(tf.sub(tf.mul(dxhat, D), tf.sum(dxhat, 1, true)), tf.mul(xhat, tf.sum(tf.mul(dxhat, xhat), 1, true)));
      return tf.mul(t, tf.div(invStd, D));
    };
    return { y, backward };
  }

  params(): DenseParam[] {
    return [this.gamma, this.beta];
  }

  getConfig(): LayerConfig {
    return { type: 'layerNorm', name: this.name, dim: this.dim, epsilon: this.epsilon };
  }
}

layers.register('layerNorm', (c) => new LayerNorm(c as unknown as LayerNormConfig));
