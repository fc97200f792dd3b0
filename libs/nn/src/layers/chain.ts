/**
 * Combinators. chain(a, b, c): y = c(b(a(x))), backward in reverse order. The first layer may take non-tensor
 * input (e.g. an Embedding's Int32Array ids); the chain's dx is then whatever that layer returns.
 * concatenate(a, b): applies each layer to the same input, concatenates the outputs along axis 1, and sums
 * the input gradients.
 */
import { tf } from '@window-ner/tensor';
import type { AnyLayer, ForwardContext, ForwardResult, Layer, Param } from '../core/types.js';
import { NnError } from '../core/errors.js';
import { defaultName } from './naming.js';


export class Chain<X = tf.Tensor, DX = tf.Tensor> implements Layer<X, DX> {
  readonly layers: AnyLayer[];

  constructor(layers: AnyLayer[], readonly name: string = defaultName('chain')) {
    if (layers.length === 0) throw new NnError(`chain "${name}": needs at least one layer`);
    this.layers = layers;
    const seen = new Set<string>();
    for (const p of this.params()) {
      if (seen.has(p.name)) throw new NnError(`chain "${name}": two params are named "${p.name}" (give the layers distinct names)`);
      seen.add(p.name);
    }
  }

  forward(x: X, ctx: ForwardContext): ForwardResult<tf.Tensor, DX> {
    const backs: ((dy: tf.Tensor) => unknown)[] = [];
    let h: unknown = x;
    for (const layer of this.layers) {
      const r = layer.forward(h, ctx);
      backs.push(r.backward);
      h = r.y;
    }
    return {
      y: h as tf.Tensor,
      backward: (dy) => {
        let g: unknown = dy;
        for (let i = backs.length - 1; i >= 0; i--) g = backs[i](g as tf.Tensor);
        return g as DX;
      },
    };
  }

  params(): Param[] {
    return this.layers.flatMap((l) => l.params());
  }

  getConfig() {
    return { type: 'chain', name: this.name, layers: this.layers.map((l) => l.getConfig()) };
  }
}

export function chain<X = tf.Tensor, DX = tf.Tensor>(...layers: AnyLayer[]): Chain<X, DX> {
  return new Chain<X, DX>(layers);
}

export class Concatenate implements Layer {
  constructor(readonly layers: Layer[], readonly name: string = defaultName('concatenate')) {
    if (layers.length === 0) throw new NnError(`concatenate "${name}": needs at least one layer`);
  }

  forward(x: tf.Tensor, ctx: ForwardContext): ForwardResult {
    const rs = this.layers.map((l) => l.forward(x, ctx));
    const widths = rs.map((r) => r.y.shape[1] ?? 1);
    return {
      y: tf.concat(rs.map((r) => r.y), 1),
      backward: (dy) => {
        const parts = tf.split(dy, widths, 1);
        return tf.addN(rs.map((r, i) => r.backward(parts[i])));
      },
    };
  }

  params(): Param[] {
    return this.layers.flatMap((l) => l.params());
  }

  getConfig() {
    return { type: 'concatenate', name: this.name, layers: this.layers.map((l) => l.getConfig()) };
  }
}

export function concatenate(...layers: Layer[]): Concatenate {
  return new Concatenate(layers);
}
