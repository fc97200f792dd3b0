/** A model = config JSON + named Float32Array weights; reloading gives the same outputs. */
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, Rng, tf } from '@window-ner/tensor';
import { BatchNorm, Dense, Dropout, Embedding, LayerNorm, chain, deserializeModel, loadWeights, serializeModel, type SerializedModel } from '../src/index.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu', log: null });
});

describe('serializeModel / deserializeModel', () => {
  it('round-trips a window model (embedding, dense, batchNorm, dropout, layerNorm) through JSON + weight bytes', () => {
    const rng = new Rng(21);
    const model = chain<Int32Array, null>(
      new Embedding({ rows: 20, dim: 4, inputLength: 3 }, rng),
      new Dense({ inputDim: 12, units: 8, activation: 'tanh' }, rng),
      new BatchNorm({ dim: 8 }),
      new Dropout({ keepProb: 0.5 }),
      new LayerNorm({ dim: 8 }),
      new Dense({ inputDim: 8, units: 3 }, rng),
    );
    // Move the batch-norm running stats off their initial values so they must be saved too.
    model.forward(Int32Array.from({ length: 30 }, (_, i) => i % 20), { training: true, rng });
    const ids = Int32Array.from([1, 5, 19, 0, 0, 7]);
    const before = model.forward(ids, { training: false, rng }).y.dataSync().slice();

    const saved = serializeModel(model);
    // Through the formats a model file uses: the config as JSON text, each weight as bytes.
    const config = JSON.parse(JSON.stringify(saved.config));
    const weights: SerializedModel['weights'] = {};
    for (const [name, w] of Object.entries(saved.weights)) {
      const bytes = Buffer.from(w.values.buffer, w.values.byteOffset, w.values.byteLength);
      weights[name] = { shape: w.shape, values: new Float32Array(new Uint8Array(bytes).buffer) };
    }
    expect(Object.keys(weights)).toContain(`${model.layers[2].name}/runningMean`);
    const reloaded = deserializeModel<typeof model>({ config, weights });
    const after = reloaded.forward(ids, { training: false, rng }).y.dataSync();
    expect(Array.from(after)).toEqual(Array.from(before));
    expect(reloaded.getConfig()).toEqual(model.getConfig());
  });

  it('rejects missing, extra and mis-shaped weights by name', () => {
    const d = new Dense({ name: 'out', inputDim: 2, units: 2 }, new Rng(1));
    const { weights } = serializeModel(d);
    const { ['out/b']: _b, ...missing } = weights;
    expect(() => loadWeights(d, missing)).toThrow(/needs weight "out\/b", which is missing/);
    expect(() => loadWeights(d, { ...weights, 'x/W': weights['out/W'] })).toThrow(/weights not in model "out": x\/W/);
    expect(() => loadWeights(d, { ...weights, 'out/W': { shape: [4, 1], values: new Float32Array(4) } })).toThrow(/weight "out\/W" has shape \[4,1\], model expects \[2,2\]/);
  });

  it('loading changes the outputs to the saved ones (not a no-op)', () => {
    const a = new Dense({ name: 'd', inputDim: 3, units: 2 }, new Rng(1));
    const b = new Dense({ name: 'd', inputDim: 3, units: 2 }, new Rng(2));
    const x = tf.tensor2d([[1, 2, 3]]);
    const ctx = { training: false, rng: new Rng() };
    expect(Array.from(a.forward(x, ctx).y.dataSync())).not.toEqual(Array.from(b.forward(x, ctx).y.dataSync()));
    loadWeights(b, serializeModel(a).weights);
    expect(Array.from(b.forward(x, ctx).y.dataSync())).toEqual(Array.from(a.forward(x, ctx).y.dataSync()));
  });
});
