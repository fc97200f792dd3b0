/**
 * The layer registry: a layer config ({ type: 'dense', units: 10, ... }) names its class here, so a model is
 * its config (JSON) + its weights. Every layer module registers itself when imported (layers/index.ts imports
 * them all).
 */
import { Registry, Rng } from '@window-ner/tensor';
import type { Layer, LayerConfig } from '../core/types';

export type AnyLayer = Layer<any, any>;
export type LayerFactory = (config: LayerConfig, rng: Rng) => AnyLayer;

export const layers = new Registry<LayerFactory>('layer');

/** Build a layer from its config; `rng` draws the initial weights (seed 42 when omitted). */
export function buildLayer(config: LayerConfig, rng: Rng = new Rng(42)): AnyLayer {
  if (!config || typeof config.type !== 'string') throw new Error(`buildLayer: config needs a "type" string, got ${JSON.stringify(config)}`);
  return layers.get(config.type)(config, rng);
}

const counters = new Map<string, number>();

/** A default layer name: type + a per-type counter ("dense0", "dense1", ...). */
export function autoName(type: string): string {
  const n = counters.get(type) ?? 0;
  counters.set(type, n + 1);
  return `${type}${n}`;
}
