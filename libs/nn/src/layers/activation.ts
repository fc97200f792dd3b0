/** Activation and Softmax as stand-alone layers (no params). */
import { tf } from '@window-ner/tensor';
import { getActivation, type ActivationFn } from '../activations/activations';
import { shapeMismatch } from '../core/errors';
import type { ForwardContext, ForwardResult, Layer, LayerConfig, Param } from '../core/types';
import { autoName, layers } from './registry';

export class Activation implements Layer {
  readonly name: string;
  readonly fn: ActivationFn;

  constructor(config: { name?: string; activation: string }) {
    this.name = config.name ?? autoName('activation');
    this.fn = getActivation(config.activation);
  }

  forward(x: tf.Tensor, _ctx: ForwardContext): ForwardResult {
    const a = this.fn.fn(x);
    return { y: a, backward: (dy) => tf.mul(dy, this.fn.derivative(a)) };
  }

  params(): Param[] {
    return [];
  }

  getConfig(): LayerConfig {
    return { type: 'activation', name: this.name, activation: this.fn.name };
  }
}

/** Row-wise softmax; backward dx = y ⊙ (dy - Σ_row dy ⊙ y). (With cross-entropy use the fused loss instead.) */
export class Softmax implements Layer {
  readonly name: string;

  constructor(config: { name?: string } = {}) {
    this.name = config.name ?? autoName('softmax');
  }

  forward(x: tf.Tensor, _ctx: ForwardContext): ForwardResult {
    if (x.rank !== 2) throw shapeMismatch(`softmax "${this.name}" input`, '[n, classes]', x.shape);
    const y = tf.softmax(x);
    return { y, backward: (dy) => tf.mul(y, tf.sub(dy, tf.sum(tf.mul(dy, y), 1, true))) };
  }

  params(): Param[] {
    return [];
  }

  getConfig(): LayerConfig {
    return { type: 'softmax', name: this.name };
  }
}

layers.register('activation', (c) => new Activation(c as unknown as { name?: string; activation: string }));
layers.register('softmax', (c) => new Softmax(c as { name?: string }));
