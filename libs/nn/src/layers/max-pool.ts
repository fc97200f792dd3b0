/**
 * MaxPool over time: one row per sequence of a ragged batch, each column the maximum of that column over the
 * sequence's rows (Collobert et al. 2011's max layer; the pooling of a character CNN). An empty sequence gives
 * zeros. Backward routes each output gradient to the row that held the maximum (the first one on ties); every
 * other input row gets zero. On the host: one pass over the values, no tensor op per sequence.
 */
import { tf } from '@window-ner/tensor';
import type { ForwardContext, ForwardResult, Layer } from '../core/types.js';
import { checkPositiveInt } from '../core/errors.js';
import { defaultName } from './naming.js';
import { checkRagged, type Ragged } from './ragged.js';

export interface MaxPoolConfig {
  type?: 'maxPool';
  name?: string;
  /** Width of a row (pooled column by column). */
  dim: number;
}

export class MaxPool implements Layer<Ragged, tf.Tensor> {
  readonly name: string;
  readonly dim: number;

  constructor(config: MaxPoolConfig) {
    this.name = config.name ?? defaultName('maxPool');
    this.dim = checkPositiveInt(`MaxPool "${this.name}"`, 'dim', config.dim);
  }

  forward(x: Ragged, _ctx: ForwardContext): ForwardResult {
    const d = this.dim;
    const starts = checkRagged(`MaxPool "${this.name}"`, x, d);
    const S = x.lengths.length;
    const T = starts[S];
    const v = T > 0 ? (x.data.dataSync() as Float32Array) : new Float32Array(0);
    const out = new Float32Array(S * d);
    /** Input row of each output value's maximum, -1 for an empty sequence. */
    const argmax = new Int32Array(S * d).fill(-1);
    for (let s = 0; s < S; s++) {
      const a = starts[s];
      const b = starts[s + 1];
      if (a === b) continue;
      const o = s * d;
      for (let k = 0; k < d; k++) {
        out[o + k] = v[a * d + k];
        argmax[o + k] = a;
      }
      for (let r = a + 1; r < b; r++) {
        const row = r * d;
        for (let k = 0; k < d; k++) {
          if (v[row + k] > out[o + k]) {
            out[o + k] = v[row + k];
            argmax[o + k] = r;
          }
        }
      }
    }
    return {
      y: tf.tensor2d(out, [S, d]),
      backward: (dy) => {
        const g = dy.dataSync() as Float32Array;
        const dx = new Float32Array(T * d);
        for (let i = 0; i < argmax.length; i++) {
          const r = argmax[i];
          if (r >= 0) dx[r * d + (i % d)] += g[i];
        }
        return tf.tensor2d(dx, [T, d]);
      },
    };
  }

  params(): [] {
    return [];
  }

  getConfig() {
    return { type: 'maxPool', name: this.name, dim: this.dim };
  }
}
