/**
 * A model = its config (JSON, rebuilt through the layer registry) + named Float32Array weights (param name →
 * values and shape). Loading builds the layers from the config and overwrites every param; a missing, extra or
 * wrongly sized weight is an error naming it.
 */
import { paramShape, paramValues, setParamValues } from '../core/params';
import { NnError } from '../core/errors';
import type { LayerConfig } from '../core/types';
import { buildLayer, type AnyLayer } from '../layers/registry';
import '../layers/index';

export interface SavedWeight {
  shape: number[];
  values: Float32Array;
}

export interface SavedModel {
  config: LayerConfig;
  weights: Record<string, SavedWeight>;
}

export function serializeModel(model: AnyLayer): SavedModel {
  const weights: Record<string, SavedWeight> = {};
  for (const p of model.params()) weights[p.name] = { shape: paramShape(p), values: paramValues(p) };
  // Round-trip the config through JSON so what is saved is exactly what a file would hold.
  return { config: JSON.parse(JSON.stringify(model.getConfig())) as LayerConfig, weights };
}

export function deserializeModel(saved: SavedModel): AnyLayer {
  const model = buildLayer(saved.config);
  const names = new Set(Object.keys(saved.weights));
  for (const p of model.params()) {
    const w = saved.weights[p.name];
    if (!w) throw new NnError(`deserializeModel: no saved weight for param "${p.name}" (saved: ${[...names].join(', ') || 'none'})`);
    const shape = paramShape(p);
    if (w.shape.join() !== shape.join()) throw new NnError(`deserializeModel: param "${p.name}" has shape [${shape.join(', ')}], saved weight has [${w.shape.join(', ')}]`);
    setParamValues(p, w.values);
    names.delete(p.name);
  }
  if (names.size) throw new NnError(`deserializeModel: saved weights not used by the config: ${[...names].join(', ')}`);
  return model;
}
