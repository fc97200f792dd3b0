/**
 * Numeric gradient check of the whole window model (features -> window -> MLP -> head loss), both heads, on a
 * tiny configuration: analytic gradients from the training step's own pieces (head.lossGrad, Mlp backward,
 * WindowBuilder.scatterGrad for the sparse embedding rows) against central differences of the loss.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, Rng, tf } from '@window-ner/tensor';
import type { DenseParam, SparseParam } from '@window-ner/nn';
import { resolveConfig } from '../src/config/config';
import { createModel } from '../src/model/build';
import type { WindowModel } from '../src/model/window-model';
import type { Sentence } from '../src/corpus/types';

beforeAll(async () => {
  await initBackend({ backend: 'cpu', log: null });
});

const corpus: Sentence[] = [
  { tokens: ['John', 'lives', 'in', 'Paris', '.'], tags: ['B-PER', 'O', 'O', 'B-LOC', 'O'] },
  { tokens: ['Mary', 'Smith', 'visited', 'Rome'], tags: ['B-PER', 'I-PER', 'O', 'B-LOC'] },
  { tokens: ['the', 'city', 'of', 'Paris', 'is', 'big'], tags: ['O', 'O', 'O', 'B-LOC', 'O', 'O'] },
];

/** Loss of a fixed batch (same corrupt windows every call: the sampler's rng is re-seeded). */
function batchLoss(model: WindowModel, withGrads: boolean): number {
  const set = model.windows(corpus.map((s) => s.tokens), true, corpus.map((s) => s.tags));
  const B = set.n;
  const builder = model.builder;
  builder.reserve(B * model.head.rowsPerWindow);
  builder.fill(set, null, 0, B);
  const gold = set.labels.slice(0, B);
  const batch = { builder, set, gold, size: B, rng: new Rng(11) };
  const rows = model.head.extend(batch);
  const x = builder.view(rows);
  const C = model.numClasses;
  const pass = model.mlp.trainPass(x, rows, null);
  const dS = new Float32Array(rows * C);
  const loss = model.head.lossGrad(pass.scores, rows, batch, C, dS) / B;
  if (withGrads) builder.scatterGrad(pass.backward(dS)!, rows);
  else pass.dispose();
  return loss;
}

function check(head: string) {
  const config = resolveConfig({
    head,
    window: 1,
    hidden: [5],
    // tanh: smooth, so central differences are valid everywhere (relu's kink at 0 breaks them for nearby units).
    activation: 'tanh',
    dropout: 0,
    minFreq: 1,
    features: [{ type: 'embedding', dim: 3 }, { type: 'casing' }],
    ...(head === 'max-margin' ? { model: { head: { type: 'max-margin', k: 2, margin: 1, classMargins: true } } } : {}),
  });
  const model = createModel(config, corpus, null, new Rng(5));
  batchLoss(model, true);
  const dense = model.mlp.params();
  const analytic = new Map<string, Float32Array>();
  for (const p of dense) {
    analytic.set(p.name, (p.grad!.dataSync() as Float32Array).slice());
    p.grad!.dispose();
    p.grad = null;
  }
  const emb = model.features[0].params()[0] as SparseParam;
  const sparseGrad = new Map<number, Float32Array>();
  emb.gradRows!.forEach((r, i) => sparseGrad.set(r, emb.grad!.slice(i * emb.dim, (i + 1) * emb.dim)));
  emb.grad = null;
  emb.gradRows = null;

  const eps = 1e-2;
  let checked = 0;
  let worst = 0;
  const compare = (a: number, n: number) => {
    const err = Math.abs(a - n) / Math.max(1e-2, Math.abs(a) + Math.abs(n));
    worst = Math.max(worst, err);
    checked++;
  };
  const rng = new Rng(9);
  for (const p of dense as DenseParam[]) {
    const base = (p.value.dataSync() as Float32Array).slice();
    for (let s = 0; s < 6; s++) {
      const i = rng.int(base.length);
      const at = (delta: number) => {
        const v = base.slice();
        v[i] += delta;
        const t = tf.tensor(v, p.value.shape);
        p.value.assign(t);
        t.dispose();
        return batchLoss(model, false);
      };
      const num = (at(eps) - at(-eps)) / (2 * eps);
      at(0);
      compare(analytic.get(p.name)![i], num);
    }
  }
  for (const [row, g] of [...sparseGrad].slice(0, 4)) {
    for (let j = 0; j < emb.dim; j++) {
      const i = row * emb.dim + j;
      const orig = emb.table[i];
      emb.table[i] = orig + eps;
      const up = batchLoss(model, false);
      emb.table[i] = orig - eps;
      const down = batchLoss(model, false);
      emb.table[i] = orig;
      compare(g[j], (up - down) / (2 * eps));
    }
  }
  model.dispose();
  if (process.env.GRADCHECK_DEBUG) console.log(head, { checked, worst });
  return { checked, worst };
}

describe('gradient check of the whole window model', () => {
  it('softmax head', () => {
    const { checked, worst } = check('softmax');
    expect(checked).toBeGreaterThan(30);
    expect(worst).toBeLessThan(2e-3);
  });

  it('max-margin head (ranking + class margins)', () => {
    const { checked, worst } = check('max-margin');
    expect(checked).toBeGreaterThan(30);
    expect(worst).toBeLessThan(2e-3);
  });
});
