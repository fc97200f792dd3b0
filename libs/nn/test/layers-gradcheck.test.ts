/** Centred-difference gradient checks of every layer's param gradients and dL/dx (rel. error < 1e-3). */
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, Rng, tf } from '@window-ner/tensor';
import {
  ActivationLayer, BatchNorm, Dense, Dropout, Embedding, LayerNorm, Softmax, chain, checkLayer, concatenate,
} from '../src/index.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu', log: null });
});

function input(n: number, d: number, seed = 1, scale = 1): { values: Float32Array; shape: number[] } {
  const r = new Rng(seed);
  return { values: Float32Array.from({ length: n * d }, () => r.normal(0, scale)), shape: [n, d] };
}

const TOL = 1e-3;
/**
 * float32 forward passes leave ~1e-5 absolute noise in a centred difference at eps 1e-2 (round-off and the
 * eps² truncation term are both about that size), so entries whose gradient is below 1e-2 are judged against
 * a denominator of 1e-2: an absolute error of 1e-5 there, the float32 floor, still passes; a 1% error does not.
 */
const CHECK = { floor: 1e-2 };

describe('gradient check of every layer', () => {
  for (const activation of ['linear', 'sigmoid', 'tanh', 'relu', 'leakyRelu']) {
    it(`Dense with ${activation}`, () => {
      const layer = new Dense({ inputDim: 5, units: 4, activation }, new Rng(3));
      const r = checkLayer(layer, input(6, 5), CHECK);
      expect(r.checked).toBeGreaterThan(20);
      expect(r.maxRelError, JSON.stringify(r.worst)).toBeLessThan(TOL);
    });
  }

  it('Dense without bias', () => {
    const layer = new Dense({ inputDim: 3, units: 2, useBias: false, activation: 'tanh' }, new Rng(4));
    expect(layer.params().map((p) => p.name)).toEqual([`${layer.name}/W`]);
    expect(checkLayer(layer, input(4, 3), CHECK).maxRelError).toBeLessThan(TOL);
  });

  it('Embedding (duplicate ids, windows of 3 ids per example)', () => {
    const layer = new Embedding({ rows: 10, dim: 4, inputLength: 3 }, new Rng(5));
    const ids = Int32Array.from([1, 2, 1, 7, 7, 7, 0, 9, 2]);
    const r = checkLayer(layer, ids, { ...CHECK, samplesPerParam: 40 });
    expect(r.maxRelError, JSON.stringify(r.worst)).toBeLessThan(TOL);
  });

  it('Dropout at training (same mask for a fixed rng seed)', () => {
    const r = checkLayer(new Dropout({ keepProb: 0.7 }), input(5, 6), { ...CHECK, training: true });
    expect(r.maxRelError).toBeLessThan(TOL);
  });

  it('BatchNorm at training (batch statistics) and at test (running averages)', () => {
    const bn = new BatchNorm({ dim: 4 });
    const train = checkLayer(bn, input(8, 4, 6, 2), { ...CHECK, training: true });
    expect(train.maxRelError, JSON.stringify(train.worst)).toBeLessThan(TOL);
    const test = checkLayer(bn, input(8, 4, 7, 2), { ...CHECK, training: false });
    expect(test.maxRelError, JSON.stringify(test.worst)).toBeLessThan(TOL);
  });

  it('LayerNorm', () => {
    const r = checkLayer(new LayerNorm({ dim: 6 }), input(5, 6, 8, 2), CHECK);
    expect(r.maxRelError, JSON.stringify(r.worst)).toBeLessThan(TOL);
  });

  for (const activation of ['sigmoid', 'tanh', 'leakyRelu']) {
    it(`Activation layer ${activation}`, () => {
      expect(checkLayer(new ActivationLayer({ activation }), input(4, 5, 9), CHECK).maxRelError).toBeLessThan(TOL);
    });
  }

  it('Softmax', () => {
    expect(checkLayer(new Softmax(), input(4, 5, 10), CHECK).maxRelError).toBeLessThan(TOL);
  });

  it('chain(Dense, BatchNorm, Dense) and concatenate(Dense, Dense)', () => {
    const rng = new Rng(11);
    // Batch normalisation makes the loss scale-invariant in the W before it, so its third derivative in W is
    // large and the eps² truncation term at eps 1e-2 exceeds 1e-3: a smaller eps. No bias before BN (as usual):
    // its exact gradient is 0 and only float32 noise would be compared.
    const net = chain(new Dense({ inputDim: 4, units: 6, useBias: false }, rng), new BatchNorm({ dim: 6 }), new Dense({ inputDim: 6, units: 3, activation: 'tanh' }, rng));
    const r1 = checkLayer(net, input(16, 4, 12), { ...CHECK, eps: 3e-3, training: true });
    expect(r1.maxRelError, JSON.stringify(r1.worst)).toBeLessThan(TOL);
    const cat = concatenate(new Dense({ inputDim: 4, units: 2, activation: 'sigmoid' }, rng), new Dense({ inputDim: 4, units: 3 }, rng));
    const r2 = checkLayer(cat, input(5, 4, 13), CHECK);
    expect(r2.maxRelError, JSON.stringify(r2.worst)).toBeLessThan(TOL);
  });

  it('chain(Embedding, Dense): gradients flow through to the table', () => {
    const rng = new Rng(14);
    const net = chain<Int32Array, null>(new Embedding({ rows: 8, dim: 3, inputLength: 2 }, rng), new Dense({ inputDim: 6, units: 2, activation: 'tanh' }, rng));
    const r = checkLayer(net, Int32Array.from([0, 1, 1, 5, 7, 0]), { ...CHECK, samplesPerParam: 30 });
    expect(r.maxRelError, JSON.stringify(r.worst)).toBeLessThan(TOL);
  });

  it('a wrong gradient is caught (the check can fail)', () => {
    const layer = new Dense({ inputDim: 3, units: 2 }, new Rng(15));
    const broken = { ...layer, name: layer.name, params: () => layer.params(), getConfig: () => layer.getConfig(),
      forward: (x: tf.Tensor, ctx: { training: boolean; rng: Rng }) => {
        const r = layer.forward(x, ctx);
        return { y: r.y, backward: (dy: tf.Tensor) => tf.mul(r.backward(dy), 1.01) };
      } };
    expect(checkLayer(broken, input(3, 3), CHECK).maxRelError).toBeGreaterThan(5e-3);
  });
});
