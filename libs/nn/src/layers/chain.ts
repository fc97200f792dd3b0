/** chain(a, b, c): the layers applied in order; backward runs them in reverse. Param names must be unique. */
import type { Rng } from '@window-ner/tensor';
import { NnError } from '../core/errors';
import type { ForwardContext, ForwardResult, LayerConfig, Param } from '../core/types';
import { autoName, buildLayer, layers, type AnyLayer } from './registry';

export class Chain implements AnyLayer {
  readonly name: string;

  constructor(
    readonly layers: AnyLayer[],
    name?: string,
  ) {
    if (layers.length === 0) throw new NnError('chain: needs at least one layer');
    this.name = name ?? autoName('chain');
    const seen = new Set<string>();
    for (const p of this.params()) {
      if (seen.has(p.name)) throw new NnError(`chain "${this.name}": two params are named "${p.name}" (give the layers distinct names)`);
      seen.add(p.name);
    }
  }

  forward(x: any, ctx: ForwardContext): ForwardResult<any, any> {
    const backs: ((dy: never) => unknown)[] = [];
    let h = x;
    for (const layer of this.layers) {
      const r = layer.forward(h, ctx);
      backs.push(r.backward);
      h = r.y;
    }
    const backward = (dy: any) => {
      let d = dy;
      for (let i = backs.length - 1; i >= 0; i--) d = backs[i](d as never);
      return d;
    };
    return { y: h, backward };
  }

  params(): Param[] {
    return this.layers.flatMap((l) => l.params());
  }

  getConfig(): LayerConfig {
    return { type: 'chain', name: this.name, layers: this.layers.map((l) => l.getConfig()) };
  }
}

export function chain(...ls: AnyLayer[]): Chain {
  return new Chain(ls);
}

layers.register('chain', (c, rng: Rng) => {
  if (!Array.isArray(c.layers)) throw new NnError(`chain config "${String(c.name)}": "layers" must be an array of layer configs`);
  return new Chain((c.layers as LayerConfig[]).map((lc) => buildLayer(lc, rng)), c.name as string | undefined);
});
