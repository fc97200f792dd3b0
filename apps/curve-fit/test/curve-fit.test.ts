import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '@window-ner/tensor';
import { optimizers } from '@window-ner/nn';
import { DEFAULTS, fitCurve, makeCurveData, parseArgs, usage } from '../src/index.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu', log: null });
});

describe('curve-fit', () => {
  it("the seed's settings (1-10-1 sigmoid, gradient descent lr 0.1, 1000 iterations) reach MSE < 0.01", () => {
    expect(DEFAULTS).toMatchObject({ optimizer: 'sgd', activation: 'sigmoid', lr: 0.1, iterations: 1000, hidden: 10, points: 300, noise: 0.05 });
    const reports: number[] = [];
    const r = fitCurve({}, (it) => reports.push(it));
    expect(reports).toEqual(Array.from({ length: 20 }, (_, i) => (i + 1) * 50));
    expect(r.history[0][1]).toBeGreaterThan(r.history[19][1]);
    expect(r.finalMse).toBeLessThan(0.01);
    // The curve, not just the mean: the ends are well above the middle.
    const [left, mid, right] = r.predict([-0.9, 0, 0.9]);
    expect(left - mid).toBeGreaterThan(0.4);
    expect(right - mid).toBeGreaterThan(0.4);
    expect(r.model.params().map((p) => p.name)).toEqual(['hidden/W', 'hidden/b', 'output/W', 'output/b']);
  });

  it('data: 300 seeded points in [-1, 1] around x² + 1', () => {
    const d = makeCurveData();
    expect(d.n).toBe(300);
    expect(makeCurveData().x).toEqual(d.x);
    expect(Math.min(...d.x)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...d.x)).toBeLessThan(1);
    let sq = 0;
    for (let i = 0; i < d.n; i++) sq += (d.y[i] - d.x[i] ** 2 - 1) ** 2;
    expect(Math.sqrt(sq / d.n)).toBeGreaterThan(0.04);
    expect(Math.sqrt(sq / d.n)).toBeLessThan(0.06);
  });

  it('every registered optimizer lowers the loss (100 iterations, relu hidden)', () => {
    for (const name of optimizers.names()) {
      const lr = name === 'adadelta' ? 1 : name === 'adagrad' ? 0.1 : 0.01;
      const r = fitCurve({ optimizer: name, activation: 'relu', lr, iterations: 100, reportEvery: 10 });
      expect(r.history.at(-1)![1], name).toBeLessThan(r.history[0][1]);
    }
  });

  it('flags: choices from the registries, numbers checked, --help', () => {
    expect(parseArgs(['--optimizer', 'adam', '--activation=tanh', '--lr', '0.01', '--iterations', '200', '--seed', '3'])).toEqual({
      help: false,
      options: { ...DEFAULTS, optimizer: 'adam', activation: 'tanh', lr: 0.01, iterations: 200, seed: 3 },
    });
    expect(parseArgs(['--help'])).toEqual({ help: true });
    expect(usage()).toMatch(/--optimizer <name> +adadelta \| adagrad \| adam \| momentum \| nadam \| nag \| rmsprop \| sgd/);
    expect(() => parseArgs(['--optimizer', 'adamw'])).toThrow(/unknown optimizer "adamw"; known: adadelta/);
    expect(() => parseArgs(['--activation', 'gelu'])).toThrow(/unknown activation "gelu"; known: /);
    expect(() => parseArgs(['--lr', '-1'])).toThrow('--lr must be a number >= 0, got "-1"');
    expect(() => parseArgs(['--iterations', '2.5'])).toThrow('--iterations must be an integer >= 1, got "2.5"');
    expect(() => parseArgs(['--lr'])).toThrow('--lr needs a value');
    expect(() => parseArgs(['--epochs', '3'])).toThrow('unknown option "--epochs"');
  });
});
