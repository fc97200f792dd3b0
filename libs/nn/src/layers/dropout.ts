/**
 * Inverted dropout with keep probability p: at training y = x ⊙ m / p with m ~ Bernoulli(p), so expected
 * activations match test time, where the layer is the identity (nothing to rescale).
 *
 * Masks are cut from one pool of 0 or 1/p values drawn once (seeded by `poolSeed`) at an offset taken from
 * ctx.rng, so a run is repeatable and one forward costs one rng draw and one upload: drawing a fresh uniform per
 * unit (~80k per step for a 256 x 300 layer) cost more than the step's matrix products. Each unit of a mask is
 * still Bernoulli(p); masks of successive steps overlap only as far as their random offsets do.
 */
import { tf, Rng } from '@window-ner/tensor';
import type { ForwardContext, ForwardResult, Layer } from '../core/types.js';
import { checkRate, NnError } from '../core/errors.js';
import { defaultName } from './naming.js';

export interface DropoutConfig {
  type?: 'dropout';
  name?: string;
  /** Probability of keeping a unit, in (0, 1]. */
  keepProb: number;
  /** Seed of the mask pool (default 1). */
  poolSeed?: number;
}

/** Smallest pool (floats): large enough that offsets into it rarely repeat a mask. */
const MIN_POOL = 1 << 21;

export class Dropout implements Layer {
  readonly name: string;
  readonly keepProb: number;
  private readonly poolSeed: number;
  private pool: Float32Array | null = null;

  constructor(config: DropoutConfig) {
    this.name = config.name ?? defaultName('dropout');
    this.keepProb = checkRate(`Dropout "${this.name}"`, 'keepProb', config.keepProb, 0, 1);
    if (this.keepProb === 0) throw new NnError(`Dropout "${this.name}": keepProb must be > 0`);
    this.poolSeed = config.poolSeed ?? 1;
  }

  /** A mask of n values (a view into the pool; do not write to it). */
  private mask(n: number, rng: Rng): Float32Array {
    if (!this.pool || this.pool.length < 2 * n) {
      const size = Math.max(MIN_POOL, 2 * n);
      const draw = new Rng(this.poolSeed);
      const p = this.keepProb;
      this.pool = new Float32Array(size);
      for (let i = 0; i < size; i++) this.pool[i] = draw.next() < p ? 1 / p : 0;
    }
    const off = rng.int(this.pool.length - n + 1);
    return this.pool.subarray(off, off + n);
  }

  forward(x: tf.Tensor, ctx: ForwardContext): ForwardResult {
    if (!ctx.training || this.keepProb === 1) return { y: x, backward: (dy) => dy };
    const mask = tf.tensor(this.mask(x.size, ctx.rng), x.shape, 'float32');
    return { y: tf.mul(x, mask), backward: (dy) => tf.mul(dy, mask) };
  }

  params() {
    return [];
  }

  getConfig() {
    return { type: 'dropout', name: this.name, keepProb: this.keepProb, poolSeed: this.poolSeed };
  }
}
