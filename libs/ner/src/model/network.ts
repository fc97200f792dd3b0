/**
 * The window network as a composition of nn layers (thinc's chain / concatenate / ExtractWindow):
 *   keys per feature ──ConcatWindow(features)──▶ X [windows, (2m+1)·Σ dim_f]
 *   ──Dense(H, g)──▶ Dropout ──▶ [LayerNorm | BatchNorm] ──▶ … (one block per hidden layer) ──Dense(C)──▶ scores
 * The scorer (everything after the window) is what the model file saves as `network` (config) and `network/<param>`; the layers are named
 * hidden<i>, dropout<i>, norm<i> and output, so param names stay hidden0/W, hidden0/b, output/W, output/b.
 */
import { BatchNorm, Chain, ConcatWindow, Dense, Dropout, LayerNorm, type AnyLayer } from '@window-ner/nn';
import type { Rng } from '@window-ner/tensor';
import type { ModelConfig } from '../config/config.js';
import type { Feature } from '../features/types.js';

export interface WindowNetwork {
  /** features → window → scorer: keys (one array per feature, width per window) to class scores. */
  readonly net: Chain<readonly Int32Array[], null>;
  readonly window: ConcatWindow;
  /** Everything after the window: its config and params are the model file's `network` entries. */
  readonly scorer: Chain;
  readonly hidden: Dense[];
  readonly output: Dense;
}

/** Build the network; `rng` null leaves the weights for a load to overwrite. */
export function buildNetwork(features: readonly Feature[], model: ModelConfig, numClasses: number, rng: Rng | null): WindowNetwork {
  const window = new ConcatWindow(features.map((f) => ({ layer: f, dim: f.dim })), 2 * model.window + 1, 'window');
  const layers: AnyLayer[] = [];
  const hidden: Dense[] = [];
  let inputDim = window.outputDim;
  const init = rng ? undefined : 'zeros';
  model.hidden.forEach((units, i) => {
    const dense = new Dense({ name: `hidden${i}`, inputDim, units, activation: model.activation, kernelInitializer: init }, rng ?? undefined);
    hidden.push(dense);
    layers.push(dense);
    if (model.dropout > 0) layers.push(new Dropout({ name: `dropout${i}`, keepProb: 1 - model.dropout }));
    if (model.norm === 'layer') layers.push(new LayerNorm({ name: `norm${i}`, dim: units }));
    else if (model.norm === 'batch') layers.push(new BatchNorm({ name: `norm${i}`, dim: units }));
    inputDim = units;
  });
  const output = new Dense({ name: 'output', inputDim, units: numClasses, kernelInitializer: init }, rng ?? undefined);
  layers.push(output);
  const scorer = new Chain(layers, 'scorer');
  const net = new Chain<readonly Int32Array[], null>([window, scorer], 'window-network');
  return { net, window, scorer, hidden, output };
}
