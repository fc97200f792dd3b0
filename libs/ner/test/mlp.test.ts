/**
 * The MLP's training pass (host-side activation derivatives, fused matMul + bias) against its plain tfjs
 * forward/backward, for every activation: same scores, same parameter gradients, same dL/dx.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, Rng, tf } from '@window-ner/tensor';
import { ACTIVATIONS, Mlp } from '../src/model/mlp';

beforeAll(async () => {
  await initBackend({ backend: 'cpu', log: null });
});

function maxDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]));
  return worst;
}

/** Gradients the params hold, copied, and cleared. */
function takeGrads(mlp: Mlp): Float32Array[] {
  return mlp.params().map((p) => {
    const g = (p.grad!.dataSync() as Float32Array).slice();
    p.grad!.dispose();
    p.grad = null;
    return g;
  });
}

describe('Mlp.trainPass', () => {
  for (const activation of ACTIVATIONS) {
    it(`matches the tfjs forward/backward (${activation})`, () => {
      const rng = new Rng(3);
      const [rows, inputDim, C] = [7, 12, 4];
      const mlp = new Mlp({ inputDim, hidden: [16, 8], outputDim: C, activation, dropout: 0 }, rng);
      // Inputs spread over [-3, 3] so every piece of the piecewise activations is hit.
      const x = Float32Array.from({ length: rows * inputDim }, () => rng.uniform(-3, 3));
      const dS = Float32Array.from({ length: rows * C }, () => rng.normal(0, 1));

      const pass = mlp.trainPass(x, rows, null);
      const scores = pass.scores.slice();
      const dx = pass.backward(dS)!;
      const fast = takeGrads(mlp);

      const [plainScores, plainDx] = tf.tidy(() => {
        const f = mlp.forward(tf.tensor2d(x, [rows, inputDim]), false, null);
        return [f.scores, f.backward(tf.tensor2d(dS, [rows, C]))];
      });
      const plain = takeGrads(mlp);
      expect(maxDiff(scores, plainScores.dataSync() as Float32Array)).toBeLessThan(1e-5);
      expect(maxDiff(dx, plainDx.dataSync() as Float32Array)).toBeLessThan(1e-5);
      fast.forEach((g, i) => expect(maxDiff(g, plain[i])).toBeLessThan(1e-5));
      // Not vacuous: the gradients are not all zero.
      expect(Math.max(...fast[0].map(Math.abs))).toBeGreaterThan(1e-3);
      tf.dispose([plainScores, plainDx]);
      mlp.dispose();
    });
  }
});
