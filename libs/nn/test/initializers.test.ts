import { describe, expect, it } from 'vitest';
import { Rng } from '@window-ner/tensor';
import { initializers } from '../src/index.js';

const stats = (v: Float32Array) => {
  let m = 0;
  for (const x of v) m += x;
  m /= v.length;
  let s = 0;
  for (const x of v) s += (x - m) ** 2;
  return { mean: m, variance: s / (v.length - 1), min: Math.min(...v), max: Math.max(...v) };
};

describe('initializers', () => {
  // 200 x 300 = 60,000 draws: the sample variance's relative std is ~0.6%, so 5% cannot flake for a fixed seed.
  const shape = [200, 300];
  const cases: [string, number][] = [
    ['randomNormal', 0.05 ** 2],
    ['xavierNormal', 2 / 500],
    ['xavierUniform', 2 / 500], // U(±√(6/(in+out))) has variance limit²/3 = 2/(in+out)
    ['heNormal', 2 / 200],
    ['heUniform', 2 / 200],
  ];
  for (const [name, variance] of cases) {
    it(`${name}: mean 0, variance ${variance.toPrecision(3)}`, () => {
      const s = stats(initializers.get(name)(shape, new Rng(1)));
      expect(Math.abs(s.mean)).toBeLessThan(0.05 * Math.sqrt(variance));
      expect(s.variance / variance).toBeGreaterThan(0.95);
      expect(s.variance / variance).toBeLessThan(1.05);
    });
  }

  it('uniform initializers stay inside their limits', () => {
    const x = stats(initializers.get('xavierUniform')(shape, new Rng(2)));
    expect(x.max).toBeLessThanOrEqual(Math.sqrt(6 / 500));
    expect(x.min).toBeGreaterThanOrEqual(-Math.sqrt(6 / 500));
    const h = stats(initializers.get('heUniform')(shape, new Rng(2)));
    expect(h.max).toBeLessThanOrEqual(Math.sqrt(6 / 200));
    expect(h.max).toBeGreaterThan(0.95 * Math.sqrt(6 / 200));
  });

  it('zeros are zero; the same seed repeats; another seed differs', () => {
    expect(initializers.get('zeros')([3, 4], new Rng(1)).every((v) => v === 0)).toBe(true);
    const a = initializers.get('heNormal')([10, 10], new Rng(5));
    expect(initializers.get('heNormal')([10, 10], new Rng(5))).toEqual(a);
    expect(initializers.get('heNormal')([10, 10], new Rng(6))).not.toEqual(a);
  });

  it('unknown names list the known ones', () => {
    expect(() => initializers.get('orthogonal')).toThrow(/unknown initializer "orthogonal"; known: .*heNormal/);
  });
});
