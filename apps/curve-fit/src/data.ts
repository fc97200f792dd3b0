/** The seed's data: n points x ~ U[-1, 1], y = x² + 1 + N(0, noise²), drawn from a seeded Rng. */
import { Rng } from '@window-ner/tensor';

export interface CurveData {
  x: Float32Array;
  y: Float32Array;
  n: number;
}

export function makeCurveData(n = 300, seed = 1, noise = 0.05): CurveData {
  const rng = new Rng(seed);
  const x = new Float32Array(n);
  const y = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    x[i] = rng.uniform(-1, 1);
    y[i] = x[i] * x[i] + 1 + rng.normal(0, noise);
  }
  return { x, y, n };
}
