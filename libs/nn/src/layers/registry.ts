/**
 * The layer registry: type name -> factory(config, rng). buildLayer(config) rebuilds any layer (and nested
 * chains) from its getConfig() output; weights are loaded separately (layers/serialize).
 */
import { Registry, Rng } from '@window-ner/tensor';
import type { AnyLayer, Layer, LayerConfig } from '../core/types.js';
import { NnError } from '../core/errors.js';
import { Dense, type DenseConfig } from './dense.js';
import { Embedding, type EmbeddingConfig } from './embedding.js';
import { Dropout, type DropoutConfig } from './dropout.js';
import { BatchNorm, type BatchNormConfig } from './batch-norm.js';
import { LayerNorm, type LayerNormConfig } from './layer-norm.js';
import { ActivationLayer, type ActivationLayerConfig } from './activation-layer.js';
import { Softmax } from './softmax.js';
import { Chain, Concatenate } from './chain.js';
import { ConcatWindow, type IdLayer } from './concat-window.js';
import { Conv1D, type Conv1DConfig } from './conv1d.js';
import { MaxPool, type MaxPoolConfig } from './max-pool.js';
import { Highway, type HighwayConfig } from './highway.js';

export type { AnyLayer };

export type LayerFactory = (config: LayerConfig, rng: Rng) => AnyLayer;

export const layers = new Registry<LayerFactory>('layer');

layers.register('dense', (c, rng) => new Dense(c as unknown as DenseConfig, rng));
layers.register('embedding', (c, rng) => new Embedding(c as unknown as EmbeddingConfig, rng));
layers.register('dropout', (c) => new Dropout(c as unknown as DropoutConfig));
layers.register('batchNorm', (c) => new BatchNorm(c as unknown as BatchNormConfig));
layers.register('layerNorm', (c) => new LayerNorm(c as unknown as LayerNormConfig));
layers.register('activation', (c) => new ActivationLayer(c as unknown as ActivationLayerConfig));
layers.register('softmax', (c) => new Softmax(c as { name?: string }));
layers.register('conv1d', (c, rng) => new Conv1D(c as unknown as Conv1DConfig, rng));
layers.register('maxPool', (c) => new MaxPool(c as unknown as MaxPoolConfig));
layers.register('highway', (c, rng) => new Highway(c as unknown as HighwayConfig, rng));
layers.register('chain', (c, rng) => new Chain(children(c).map((l) => buildLayer(l, rng)), c.name as string | undefined));
layers.register('concatenate', (c, rng) => new Concatenate(children(c).map((l) => buildLayer(l, rng)), c.name as string | undefined));

layers.register('concatWindow', (c, rng) => {
  const parts = children(c).map((l) => ({ layer: buildLayer<IdLayer>(l, rng), dim: l.dim as number }));
  return new ConcatWindow(parts, c.width as number, c.name as string | undefined);
});

function children(c: LayerConfig): LayerConfig[] {
  if (!Array.isArray(c.layers)) throw new NnError(`${c.type} "${String(c.name)}": config.layers must be an array of layer configs`);
  return c.layers as LayerConfig[];
}

/** Build a layer from a JSON config; rng seeds the initial weights. */
export function buildLayer<L extends AnyLayer = Layer>(config: LayerConfig, rng: Rng = new Rng()): L {
  if (!config || typeof config.type !== 'string') throw new NnError(`buildLayer: config needs a string "type", got ${JSON.stringify(config)}`);
  return layers.get(config.type)(config, rng) as L;
}
