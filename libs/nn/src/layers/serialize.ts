/**
 * A model is its config (JSON) plus named weights. serializeModel gives both (weights as host Float32Arrays
 * with their shapes, e.g. for SQLite BLOBs); deserializeModel rebuilds the layer from the config through the
 * registry and loads every param by name, failing on a missing, extra or mis-shaped weight.
 */
import type { AnyLayer, Layer, LayerConfig } from '../core/types.js';
import { paramShape, paramValues, setParamValues } from '../core/params.js';
import { NnError } from '../core/errors.js';
import { buildLayer } from './registry.js';

export interface SavedWeight {
  shape: number[];
  values: Float32Array;
}

export interface SerializedModel {
  config: LayerConfig;
  weights: Record<string, SavedWeight>;
}

export function serializeModel(model: AnyLayer): SerializedModel {
  const weights: Record<string, SavedWeight> = {};
  for (const p of model.params()) weights[p.name] = { shape: paramShape(p), values: paramValues(p) };
  return { config: model.getConfig(), weights };
}

export function loadWeights(model: AnyLayer, weights: Record<string, SavedWeight>): void {
  const params = model.params();
  const names = new Set(params.map((p) => p.name));
  const extra = Object.keys(weights).filter((n) => !names.has(n));
  if (extra.length) throw new NnError(`loadWeights: weights not in model "${model.name}": ${extra.join(', ')}`);
  for (const p of params) {
    const w = weights[p.name];
    if (!w) throw new NnError(`loadWeights: model "${model.name}" needs weight "${p.name}", which is missing`);
    const shape = paramShape(p);
    if (w.shape.join() !== shape.join()) {
      throw new NnError(`loadWeights: weight "${p.name}" has shape [${w.shape}], model expects [${shape}]`);
    }
    setParamValues(p, w.values);
  }
}

export function deserializeModel<L extends AnyLayer = Layer>(saved: SerializedModel): L {
  const model = buildLayer<L>(saved.config);
  loadWeights(model, saved.weights);
  return model;
}
