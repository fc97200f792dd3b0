/**
 * Highway layer (Srivastava et al. 2015; Kim et al. 2016 put one after a character CNN):
 *   t = σ(x W_T + b_T),  h = g(x W_H + b_H),  y = t ⊙ h + (1 − t) ⊙ x
 * The gate t chooses per unit between transforming the input and carrying it through. b_T starts at −1 so a fresh
 * layer mostly carries (the paper's advice). Both products are nn Dense layers; backward:
 *   dL/dh = dy ⊙ t,  dL/dt = dy ⊙ (h − x),  dL/dx = dy ⊙ (1 − t) + Dense_H.backward + Dense_T.backward.
 */
import { tf, Rng } from '@window-ner/tensor';
import type { DenseParam, ForwardContext, ForwardResult, Layer } from '../core/types.js';
import { checkPositiveInt } from '../core/errors.js';
import { setParamValues } from '../core/params.js';
import { Dense } from './dense.js';
import { defaultName } from './naming.js';

export interface HighwayConfig {
  type?: 'highway';
  name?: string;
  /** Width of input and output. */
  dim: number;
  /** Activation of the transform h (default relu). */
  activation?: string;
  /** Initial gate bias (default −1: carry). */
  gateBias?: number;
}

export class Highway implements Layer {
  readonly name: string;
  readonly transform: Dense;
  readonly gate: Dense;
  private readonly gateBias: number;

  constructor(readonly config: HighwayConfig, rng: Rng = new Rng()) {
    this.name = config.name ?? defaultName('highway');
    const dim = checkPositiveInt(`Highway "${this.name}"`, 'dim', config.dim);
    this.gateBias = config.gateBias ?? -1;
    this.transform = new Dense({ name: `${this.name}/transform`, inputDim: dim, units: dim, activation: config.activation ?? 'relu' }, rng);
    this.gate = new Dense({ name: `${this.name}/gate`, inputDim: dim, units: dim, activation: 'sigmoid' }, rng);
    setParamValues(this.gate.b!, new Float32Array(dim).fill(this.gateBias));
  }

  forward(x: tf.Tensor, ctx: ForwardContext): ForwardResult {
    const h = this.transform.forward(x, ctx);
    const t = this.gate.forward(x, ctx);
    const y = tf.add(x, tf.mul(t.y, tf.sub(h.y, x)));
    return {
      y,
      backward: (dy) => {
        const dh = h.backward(tf.mul(dy, t.y));
        const dt = t.backward(tf.mul(dy, tf.sub(h.y, x)));
        return tf.addN([tf.mul(dy, tf.sub(1, t.y)), dh, dt]);
      },
    };
  }

  params(): DenseParam[] {
    return [...this.transform.params(), ...this.gate.params()];
  }

  getConfig() {
    return { type: 'highway', name: this.name, dim: this.config.dim, activation: this.transform.getConfig().activation, gateBias: this.gateBias };
  }
}
