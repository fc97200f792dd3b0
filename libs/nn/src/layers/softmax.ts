/**
 * Softmax over the last axis of [n, k]. Backward: dx = y ⊙ (dy − Σ_j dy_j y_j). (For training a classifier use
 * the softmaxCrossEntropy loss on logits instead — fused and numerically safer.)
 */
import { tf } from '@window-ner/tensor';
import type { ForwardContext, ForwardResult, Layer } from '../core/types.js';
import { shapeMismatch } from '../core/errors.js';
import { defaultName } from './naming.js';

export class Softmax implements Layer {
  readonly name: string;

  constructor(config: { type?: 'softmax'; name?: string } = {}) {
    this.name = config.name ?? defaultName('softmax');
  }

  forward(x: tf.Tensor, _ctx: ForwardContext): ForwardResult {
    if (x.rank !== 2) throw shapeMismatch(`Softmax "${this.name}" input`, '[n, k]', x.shape);
    const y = tf.softmax(x);
    return { y, backward: (dy) => tf.mul(y, tf.sub(dy, tf.sum(tf.mul(dy, y), 1, true))) };
  }

  params() {
    return [];
  }

  getConfig() {
    return { type: 'softmax', name: this.name };
  }
}
