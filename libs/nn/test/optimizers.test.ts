import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '@window-ner/tensor';
import { createOptimizer, denseParam, optimizers, sparseParam, type DenseParam, type OptimizerSpec } from '../src/index.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu', log: null });
});

const values = (p: DenseParam) => Array.from(p.value.dataSync());
const setGrad = (p: DenseParam, g: number[]) => {
  p.grad = tf.keep(tf.tensor1d(g));
};

/** The update rules written out in float64, for one step from zero state at t = 1 (and t = 2 for a second step). */
function reference(type: string, w: number, g: number, lr: number): number {
  switch (type) {
    case 'sgd':
      return w - lr * g;
    case 'momentum':
      return w - lr * g; // v = 0.9*0 + g
    case 'nag':
      return w - lr * (g + 0.9 * g);
    case 'adagrad':
      return w - (lr * g) / (Math.sqrt(g * g) + 1e-8);
    case 'rmsprop': {
      const e = 0.1 * g * g;
      return w - (lr * g) / (Math.sqrt(e) + 1e-7);
    }
    case 'adadelta': {
      const e = 0.05 * g * g;
      const dx = (-Math.sqrt(0 + 1e-6) / Math.sqrt(e + 1e-6)) * g;
      return w + lr * dx;
    }
    case 'adam': {
      const m = 0.1 * g;
      const v = 0.001 * g * g;
      return w - (lr * (m / 0.1)) / (Math.sqrt(v / 0.001) + 1e-8);
    }
    case 'nadam': {
      const m = 0.1 * g;
      const v = 0.001 * g * g;
      const mhat = (0.9 * m) / (1 - 0.9 ** 2) + (0.1 * g) / (1 - 0.9);
      return w - (lr * mhat) / (Math.sqrt(v / 0.001) + 1e-8);
    }
    default:
      throw new Error(type);
  }
}

describe('optimizers', () => {
  it('registers all eight rules', () => {
    expect(optimizers.names()).toEqual(['adadelta', 'adagrad', 'adam', 'momentum', 'nadam', 'nag', 'rmsprop', 'sgd']);
  });

  for (const type of ['sgd', 'momentum', 'nag', 'adagrad', 'rmsprop', 'adadelta', 'adam', 'nadam']) {
    it(`${type}: one step on a known gradient gives the rule's value`, () => {
      const w0 = [0.5, -1.0, 2.0];
      const g = [0.3, -0.2, 1.5];
      const lr = type === 'adadelta' ? 1 : 0.1;
      const p = denseParam('w', tf.tensor1d(w0), { regularize: true });
      const opt = createOptimizer({ type, lr });
      setGrad(p, g);
      opt.step([p]);
      values(p).forEach((v, i) => expect(v, `${type} w[${i}]`).toBeCloseTo(reference(type, w0[i], g[i], lr), 5));
      expect(p.grad).toBeNull();
    });
  }

  it('momentum and adam: the second step uses the accumulated state', () => {
    const p = denseParam('w', tf.tensor1d([1]));
    const mom = createOptimizer({ type: 'momentum', lr: 0.1, momentum: 0.5 });
    setGrad(p, [1]);
    mom.step([p]);
    setGrad(p, [1]);
    mom.step([p]);
    // v1 = 1, w1 = 0.9; v2 = 0.5 + 1 = 1.5, w2 = 0.9 - 0.15
    expect(values(p)[0]).toBeCloseTo(0.75, 6);
    const q = denseParam('w', tf.tensor1d([1]));
    const adam = createOptimizer({ type: 'adam', lr: 0.1 });
    setGrad(q, [2]);
    adam.step([q]);
    setGrad(q, [-1]);
    adam.step([q]);
    const m = 0.9 * 0.2 + 0.1 * -1;
    const v = 0.999 * 0.004 + 0.001 * 1;
    const expected = 1 - 0.1 - (0.1 * (m / (1 - 0.81))) / (Math.sqrt(v / (1 - 0.999 ** 2)) + 1e-8);
    expect(values(q)[0]).toBeCloseTo(expected, 5);
  });

  const settings: Record<string, OptimizerSpec> = {
    sgd: { type: 'sgd', lr: 0.1 },
    momentum: { type: 'momentum', lr: 0.05 },
    nag: { type: 'nag', lr: 0.05 },
    adagrad: { type: 'adagrad', lr: 0.5 },
    rmsprop: { type: 'rmsprop', lr: 0.02 },
    adadelta: { type: 'adadelta', lr: 1, rho: 0.9, epsilon: 1e-3 },
    adam: { type: 'adam', lr: 0.05 },
    nadam: { type: 'nadam', lr: 0.05 },
  };
  for (const [type, spec] of Object.entries(settings)) {
    it(`${type}: minimises a convex quadratic f(w) = ½ Σ a_i (w_i - c_i)²`, () => {
      const a = [1, 4, 0.5];
      const c = [3, -2, 1];
      const p = denseParam('w', tf.tensor1d([0, 0, 0]));
      const opt = createOptimizer(spec);
      const f = (w: number[]) => w.reduce((s, wi, i) => s + 0.5 * a[i] * (wi - c[i]) ** 2, 0);
      const f0 = f(values(p));
      for (let t = 0; t < 400; t++) {
        const w = values(p);
        setGrad(p, w.map((wi, i) => a[i] * (wi - c[i])));
        opt.step([p]);
      }
      expect(f(values(p))).toBeLessThan(1e-3 * f0);
    });
  }

  it('sparse params: one step touches only the batch rows, for every rule', () => {
    for (const type of optimizers.names()) {
      const table = Float32Array.from({ length: 10 * 3 }, (_, i) => i / 10);
      const p = sparseParam('emb', 10, 3, table.slice());
      p.gradRows = Int32Array.from([2, 7]);
      p.grad = Float32Array.from([1, 1, 1, -1, -1, -1]);
      createOptimizer({ type, lr: 0.1 }).step([p]);
      for (let r = 0; r < 10; r++) {
        const row = Array.from(p.table.subarray(r * 3, r * 3 + 3));
        const before = Array.from(table.subarray(r * 3, r * 3 + 3));
        if (r === 2 || r === 7) expect(row, `${type} row ${r}`).not.toEqual(before);
        else expect(row, `${type} row ${r}`).toEqual(before);
      }
      expect(p.grad).toBeNull();
      expect(p.gradRows).toBeNull();
    }
  });

  it('sparse rows follow the same rule as dense values', () => {
    const p = sparseParam('emb', 4, 2, new Float32Array(8).fill(1));
    const d = denseParam('w', tf.tensor1d([1, 1]));
    const opt = createOptimizer({ type: 'adam', lr: 0.1 });
    p.gradRows = Int32Array.from([1]);
    p.grad = Float32Array.from([0.5, -2]);
    setGrad(d, [0.5, -2]);
    opt.step([p, d]);
    expect(Array.from(p.table.subarray(2, 4))).toEqual(values(d));
  });

  it('l2 applies to regularized params only; clipping scales by the global norm', () => {
    const W = denseParam('W', tf.tensor1d([2]), { regularize: true });
    const b = denseParam('b', tf.tensor1d([2]), { regularize: false });
    const opt = createOptimizer({ type: 'sgd', lr: 0.1 });
    setGrad(W, [0]);
    setGrad(b, [0]);
    opt.step([W, b], { l2: 0.5 });
    expect(values(W)[0]).toBeCloseTo(2 - 0.1 * 0.5 * 2, 6);
    expect(values(b)[0]).toBe(2);
    setGrad(W, [3]);
    setGrad(b, [4]);
    const norm = opt.step([W, b], { clipNorm: 1 });
    expect(norm).toBeCloseTo(5, 5);
    expect(values(W)[0]).toBeCloseTo(1.9 - 0.1 * 0.6, 5);
    expect(values(b)[0]).toBeCloseTo(2 - 0.1 * 0.8, 5);
  });

  it('picks up values assigned from outside (a restore) instead of overwriting them', () => {
    const p = denseParam('w', tf.tensor1d([1, 1]));
    const opt = createOptimizer({ type: 'sgd', lr: 1 });
    setGrad(p, [1, 1]);
    opt.step([p]);
    p.value.assign(tf.tensor1d([10, 10]));
    setGrad(p, [1, 1]);
    opt.step([p]);
    expect(values(p)).toEqual([9, 9]);
  });

  it('bad specs fail saying what and where', () => {
    expect(() => createOptimizer({ type: 'adamw', lr: 0.1 })).toThrow(/unknown optimizer "adamw"; known: adadelta, adagrad, adam/);
    expect(() => createOptimizer({ type: 'adam', lr: -1 })).toThrow(/optimizer adam: lr must be a finite number >= 0, got -1/);
    expect(() => createOptimizer({ type: 'sgd', lr: NaN })).toThrow(/lr .* got NaN/);
    expect(() => createOptimizer({ type: 'adam', lr: 0.1, beta1: 2 })).toThrow(/optimizer adam: beta1 must be a finite number in \[0, 1\], got 2/);
    const opt = createOptimizer({ type: 'sgd', lr: 0.1 });
    expect(() => (opt.lr = -0.5)).toThrow(/lr must be/);
    expect(opt.getConfig()).toEqual({ type: 'sgd', lr: 0.1 });
  });
});
