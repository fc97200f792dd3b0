/**
 * Inverted dropout with keep probability p: at training y = x ⊙ m / p with m ~ Bernoulli(p), so expected
 * activations match test time, where the layer is the identity (nothing to rescale). The mask is drawn with a
 * seed taken from ctx.rng, so a run is repeatable.
 */
import { tf } from '@window-ner/tensor';
import type { ForwardContext, ForwardResult, Layer } from '../core/types';
import { checkRate, NnError } from '../core/errors';
import { defaultName } from './naming';

export interface DropoutConfig {
  type?: 'dropout';
  name?: string;
  /** Probability of keeping a unit, in (0, 1]. */
  keepProb: number;
}

export class Dropout implements Layer {
  readonly name: string;
  readonly keepProb: number;

  constructor(config: DropoutConfig) {
    this.name = config.name ?? defaultName('dropout');
    this.keepProb = checkRate(`Dropout "${this.name}"`, 'keepProb', config.keepProb, 0, 1);
    if (this.keepProb === 0) throw new NnError(`Dropout "${this.name}": keepProb must be > 0`);
  }

  forward(x: tf.Tensor, ctx: ForwardContext): ForwardResult {
    if (!ctx.training || this.keepProb === 1) return { y: x, backward: (dy) => dy };
    const seed = ctx.rng.int(2 ** 31);
    const keep = tf.less(tf.randomUniform(x.shape, 0, 1, 'float32', seed), this.keepProb);
    const mask = tf.div(tf.cast(keep, 'float32'), this.keepProb);
    return { y: tf.mul(x, mask), backward: (dy) => tf.mul(dy, mask) };
  }

  params() {
    return [];
  }

  getConfig() {
    return { type: 'dropout', name: this.name, keepProb: this.keepProb };
  }
}
