import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, tf } from '@window-ner/tensor';
import { activations, getActivation, leakyRelu, relu, sigmoid, tanh } from '../src/index.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu', log: null });
});

const zs = [-3, -1.5, -0.4, -0.05, 0.05, 0.3, 1.2, 2.5]; // away from the kinks at 0 and ±1
const read = (t: tf.Tensor) => Array.from(t.dataSync());

describe('activations', () => {
  it('functions match their formulas', () => {
    const z = tf.tensor1d(zs);
    const expect_ = (name: string, f: (z: number) => number) => {
      const got = read(getActivation(name).fn(z));
      got.forEach((v, i) => expect(v).toBeCloseTo(f(zs[i]), 6));
    };
    expect_('sigmoid', (v) => 1 / (1 + Math.exp(-v)));
    expect_('tanh', Math.tanh);
    expect_('relu', (v) => Math.max(0, v));
    expect_('leakyRelu', (v) => (v > 0 ? v : 0.01 * v));
    expect_('linear', (v) => v);
  });

  it('derivatives via the output match the formulas: a(1-a), 1-a², 0/1, 0.01/1', () => {
    const z = tf.tensor1d(zs);
    const cases: [typeof sigmoid, (a: number) => number][] = [
      [sigmoid, (a) => a * (1 - a)],
      [tanh, (a) => 1 - a * a],
      [relu, (a) => (a > 0 ? 1 : 0)],
      [leakyRelu, (a) => (a > 0 ? 1 : 0.01)],
    ];
    for (const [act, formula] of cases) {
      const a = act.fn(z);
      const aHost = read(a);
      const d = read(act.derivative(z, a));
      d.forEach((v, i) => expect(v, `${act.name} at z=${zs[i]}`).toBeCloseTo(formula(aHost[i]), 6));
      for (const ai of aHost) expect(act.derivativeScalar(ai)).toBeCloseTo(formula(ai), 6);
    }
    expect(read(relu.derivative(z, relu.fn(z)))).toEqual(zs.map((v) => (v > 0 ? 1 : 0)));
    expect(read(leakyRelu.derivative(z, leakyRelu.fn(z)))).toEqual(zs.map((v) => (v > 0 ? 1 : Math.fround(0.01))));
  });

  it('each derivative agrees with a centred difference of the function', () => {
    for (const name of activations.names()) {
      const act = getActivation(name);
      for (const z of zs) {
        const h = 1e-5;
        const numeric = (act.fnScalar(z + h) - act.fnScalar(z - h)) / (2 * h);
        expect(act.derivativeScalar(act.fnScalar(z)), `${name}'(${z})`).toBeCloseTo(numeric, 5);
      }
    }
  });

  it('derivative(a, a) equals derivative(z, a) for every activation (callers that kept only the output)', () => {
    const z = tf.tensor1d(zs);
    for (const name of activations.names()) {
      const act = getActivation(name);
      const a = act.fn(z);
      expect(read(act.derivative(a, a)), name).toEqual(read(act.derivative(z, a)));
    }
  });

  it('backwardHost multiplies da by the derivative', () => {
    const a = Float32Array.from([0.2, 0.7, -0.5, 0]);
    const da = Float32Array.from([1, 2, 3, 4]);
    const out = new Float32Array(4);
    tanh.backwardHost(a, da, out);
    Array.from(out).forEach((v, i) => expect(v).toBeCloseTo(da[i] * (1 - a[i] * a[i]), 6));
    leakyRelu.backwardHost(a, da, out);
    expect(Array.from(out)).toEqual([1, 2, Math.fround(0.03), Math.fround(0.04)]);
  });

  it('unknown names list the known ones', () => {
    expect(() => getActivation('swish')).toThrow(/unknown activation "swish"; known: .*leakyRelu.*sigmoid/);
  });
});
