/** A stand-alone activation layer (Dense can also fuse one). */

import type { ForwardContext, ForwardResult, Layer } from '../core/types.js';
import { getActivation, type Activation } from '../activations/activations.js';
import { defaultName } from './naming.js';
import { tf } from '@window-ner/tensor';

export interface ActivationLayerConfig {
  type?: 'activation';
  name?: string;
  activation: string;
}

export class ActivationLayer implements Layer {
  readonly name: string;
  private readonly act: Activation;

  constructor(config: ActivationLayerConfig) {
    this.name = config.name ?? defaultName('activation');
    this.act = getActivation(config.activation);
  }

  forward(x: tf.Tensor, _ctx: ForwardContext): ForwardResult {
    const y = this.act.fn(x);
    return { y, backward: (dy) => tf.mul(dy, this.act.derivative(x, y)) };
  }

  params() {
    return [];
  }

  getConfig() {
    return { type: 'activation', name: this.name, activation: this.act.name };
  }
}
