import { describe, expect, it } from 'vitest';
import { Rng } from './rng.js';

const draws = (r: Rng, n: number, f: (r: Rng) => number) => Array.from({ length: n }, () => f(r));
const mean = (xs: number[]) => xs.reduce((a, c) => a + c, 0) / xs.length;
const variance = (xs: number[]) => {
  const m = mean(xs);
  return xs.reduce((a, c) => a + (c - m) ** 2, 0) / (xs.length - 1);
};

describe('Rng', () => {
  it('repeats exactly for the same seed and differs for another seed', () => {
    const a = draws(new Rng(123), 1000, (r) => r.next());
    const b = draws(new Rng(123), 1000, (r) => r.next());
    const c = draws(new Rng(124), 1000, (r) => r.next());
    expect(a).toEqual(b);
    expect(a.filter((v, i) => v === c[i]).length).toBeLessThan(5);
    expect(draws(new Rng(9), 50, (r) => r.normal())).toEqual(draws(new Rng(9), 50, (r) => r.normal()));
  });

  it('uniform: in [0,1), mean 1/2, variance 1/12, flat histogram (chi-square)', () => {
    const xs = draws(new Rng(1), 100_000, (r) => r.next());
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    expect(mean(xs)).toBeCloseTo(0.5, 2);
    expect(variance(xs)).toBeCloseTo(1 / 12, 3);
    const bins = new Array(20).fill(0);
    for (const x of xs) bins[Math.floor(x * 20)]++;
    const expected = xs.length / 20;
    const chi2 = bins.reduce((a, o) => a + (o - expected) ** 2 / expected, 0);
    expect(chi2).toBeLessThan(43.8); // 19 degrees of freedom, p = 0.001
  });

  it('uniform(lo, hi) and int(n) stay in range and cover it', () => {
    const r = new Rng(2);
    const us = draws(r, 10_000, (g) => g.uniform(-3, 5));
    expect(Math.min(...us)).toBeGreaterThanOrEqual(-3);
    expect(Math.max(...us)).toBeLessThan(5);
    const ints = draws(r, 10_000, (g) => g.int(7));
    expect(new Set(ints)).toEqual(new Set([0, 1, 2, 3, 4, 5, 6]));
  });

  it('normal: mean, std, tails of N(mean, std)', () => {
    const xs = draws(new Rng(3), 100_000, (r) => r.normal());
    expect(mean(xs)).toBeCloseTo(0, 1.9);
    expect(Math.sqrt(variance(xs))).toBeCloseTo(1, 1.9);
    const beyond2 = xs.filter((x) => Math.abs(x) > 2).length / xs.length;
    expect(beyond2).toBeGreaterThan(0.04);
    expect(beyond2).toBeLessThan(0.051); // 4.55% expected
    const ys = draws(new Rng(4), 20_000, (r) => r.normal(10, 0.5));
    expect(mean(ys)).toBeCloseTo(10, 1.9);
    expect(Math.sqrt(variance(ys))).toBeCloseTo(0.5, 1.9);
  });

  it('shuffle is a reproducible permutation', () => {
    const a = new Rng(5).shuffle(Array.from({ length: 50 }, (_, i) => i));
    const b = new Rng(5).shuffle(Array.from({ length: 50 }, (_, i) => i));
    expect(a).toEqual(b);
    expect([...a].sort((p, q) => p - q)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(a).not.toEqual(Array.from({ length: 50 }, (_, i) => i));
    const typed = new Rng(5).shuffle(Int32Array.from({ length: 50 }, (_, i) => i));
    expect([...typed]).toEqual(a);
  });

  it('fork gives an independent, repeatable stream', () => {
    const parent = new Rng(6);
    const child = parent.fork();
    const c = draws(child, 100, (r) => r.next());
    const p = draws(parent, 100, (r) => r.next());
    expect(c.filter((v, i) => v === p[i]).length).toBe(0);
    expect(draws(new Rng(6).fork(), 100, (r) => r.next())).toEqual(c);
  });

  it('rejects a non-finite seed, naming it', () => {
    expect(() => new Rng(NaN)).toThrow(/seed must be a finite number, got NaN/);
    expect(() => new Rng(Infinity)).toThrow(RangeError);
  });
});
