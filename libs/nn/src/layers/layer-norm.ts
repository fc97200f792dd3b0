/** LayerNorm: normalise each row of [n, d] over its d features, then scale by gamma and shift by beta. */
import { tf } from '@window-ner/tensor';
import type { DenseParam, ForwardContext, ForwardResult, Layer } from '../core/types.js';
import { denseParam, accumulateDenseGrad } from '../core/params.js';
import { checkPositiveInt, checkRate, shapeMismatch } from '../core/errors.js';
import { normalize, normalizeBackward } from './normalize.js';
import { defaultName } from './naming.js';

export interface LayerNormConfig {
  type?: 'layerNorm';
  name?: string;
  dim: number;
  epsilon?: number;
}

export class LayerNorm implements Layer {
  readonly name: string;
  readonly gamma: DenseParam;
  readonly beta: DenseParam;
  readonly epsilon: number;

  constructor(readonly config: LayerNormConfig) {
    this.name = config.name ?? defaultName('layerNorm');
    const where = `LayerNorm "${this.name}"`;
    const d = checkPositiveInt(where, 'dim', config.dim);
    this.epsilon = checkRate(where, 'epsilon', config.epsilon ?? 1e-5);
    this.gamma = denseParam(`${this.name}/gamma`, tf.ones([d]));
    this.beta = denseParam(`${this.name}/beta`, tf.zeros([d]));
  }

  forward(x: tf.Tensor, _ctx: ForwardContext): ForwardResult {
    if (x.rank !== 2 || x.shape[1] !== this.config.dim) throw shapeMismatch(`LayerNorm "${this.name}" input`, `[n, ${this.config.dim}]`, x.shape);
    const { xhat, invStd } = normalize(x, 1, this.epsilon);
    const gamma = this.gamma.value;
    return {
      y: tf.add(tf.mul(xhat, gamma), this.beta.value),
      backward: (dy) => {
        accumulateDenseGrad(this.gamma, tf.sum(tf.mul(dy, xhat), 0));
        accumulateDenseGrad(this.beta, tf.sum(dy, 0));
        return normalizeBackward(tf.mul(dy, gamma), xhat, invStd, 1);
      },
    };
  }

  params(): DenseParam[] {
    return [this.gamma, this.beta];
  }

  getConfig() {
    return { type: 'layerNorm', name: this.name, dim: this.config.dim, epsilon: this.epsilon };
  }
}
