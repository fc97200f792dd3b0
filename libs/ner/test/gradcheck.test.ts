/**
 * Gradient check of the whole window model (features -> window -> Dense -> Dense -> head loss), both heads, on a
 * tiny configuration with nn's gradCheck: the analytic gradients of every trainable param (the dense weights and
 * the row-sparse embedding table) against centred differences of the loss of one fixed batch.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { crfNegLogLikelihood, gradCheck, structuredHingeLoss } from '@window-ner/nn';
import { initBackend, Rng, tf } from '@window-ner/tensor';
import { resolveConfig } from '../src/config/config.js';
import { createModel } from '../src/model/build.js';
import { WindowBuilder } from '../src/windows/builder.js';
import type { Sentence } from '../src/corpus/types.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu', log: null });
});

const corpus: Sentence[] = [
  { tokens: ['John', 'lives', 'in', 'Paris', '.'], tags: ['B-PER', 'O', 'O', 'B-LOC', 'O'] },
  { tokens: ['Mary', 'Smith', 'visited', 'Rome'], tags: ['B-PER', 'I-PER', 'O', 'B-LOC'] },
  { tokens: ['the', 'city', 'of', 'Paris', 'is', 'big'], tags: ['O', 'O', 'O', 'B-LOC', 'O', 'O'] },
];

function check(head: string, norm = 'none', extra: Record<string, unknown>[] = [], headSpec: Record<string, unknown> = {}) {
  const config = resolveConfig({
    head,
    window: 1,
    hidden: [5],
    // tanh: smooth, so central differences are valid everywhere (relu's kink at 0 breaks them for nearby units).
    activation: 'tanh',
    dropout: 0,
    norm,
    minFreq: 1,
    features: [{ type: 'embedding', dim: 3 }, { type: 'casing' }, ...extra],
    ...(head === 'max-margin' ? { model: { head: { type: 'max-margin', k: 2, margin: 1, classMargins: true, ...headSpec } } } : {}),
  });
  const model = createModel(config, corpus, null, new Rng(5));
  const set = model.windows(corpus.map((s) => s.tokens), true, corpus.map((s) => s.tags));
  const size = set.n;
  const builder = new WindowBuilder(model.features, config.model.window, size * model.head.rowsPerWindow);
  const gold = set.labels.slice(0, size);
  // The same batch every call, corrupt windows included (the sampler's rng is re-seeded).
  const batch = () => {
    builder.fill(set, Int32Array.from({ length: size }, (_, i) => i));
    const rows = model.head.extend({ builder, set, gold, size, rng: new Rng(11) });
    return builder.view(rows);
  };
  const ctx = { training: false, rng: new Rng(1) };
  const sentenceLevel = model.head.batching === 'sentences';
  const target = { gold, size, sentenceStarts: sentenceLevel ? set.sentenceStarts : undefined };
  const loss = () => {
    if (sentenceLevel) {
      // The sentence losses also accumulate the transitions' gradient when computed: evaluate them with nn's pure
      // values (the max-margin head here has no window terms: k 0, no class margins).
      const y = tf.tidy(() => model.network.net.forward(batch(), ctx).y);
      const scores = y.dataSync() as Float32Array;
      y.dispose();
      const chain = { gold, starts: set.sentenceStarts };
      if (head === 'max-margin') return structuredHingeLoss(scores, model.numClasses, model.head.transitions!(), chain, 1, 'positions');
      return crfNegLogLikelihood(scores, model.numClasses, model.head.transitions!(), chain, 'positions');
    }
    const l = tf.tidy(() => model.head.loss.compute(model.network.net.forward(batch(), ctx).y, target).loss);
    const v = l.dataSync()[0];
    l.dispose();
    return v;
  };
  const backward = () =>
    tf.tidy(() => {
      const r = model.network.net.forward(batch(), ctx);
      r.backward(model.head.loss.compute(r.y, target).grad);
    });
  const params = model.params();
  const result = gradCheck(params, loss, backward, { samplesPerParam: 30, floor: 1e-2, rng: new Rng(9) });
  model.dispose();
  return { result, trainable: params.filter((p) => p.trainable).map((p) => p.name) };
}

describe('gradient check of the whole window model (nn gradCheck)', () => {
  it('softmax head', () => {
    const { result, trainable } = check('softmax');
    expect(trainable).toEqual(['embedding0/table', 'hidden0/W', 'hidden0/b', 'output/W', 'output/b']);
    expect(result.checked).toBeGreaterThan(80);
    expect(result.maxRelError, JSON.stringify(result.worst)).toBeLessThan(2e-3);
  });

  it('max-margin head at window level (ranking + class margins)', () => {
    const { result } = check('max-margin', 'none', [], { level: 'window' });
    expect(result.checked).toBeGreaterThan(80);
    expect(result.maxRelError, JSON.stringify(result.worst)).toBeLessThan(2e-3);
  });

  it('softmax head with the chars feature (character embeddings, Conv1D, max-pool, highway)', () => {
    // One character per word: the pool is then smooth. Over longer words every conv weight moves every word's
    // maximum, so a centred difference at eps 1e-2 crosses a max-pool kink for most sampled weights (it converges
    // to the analytic value as eps shrinks, below float32's resolution of this loss). The pool's own routing is
    // gradient-checked over multi-character words in libs/nn (test/conv-pool.test.ts); this checks the feature's
    // plumbing inside the whole model: distinct words per batch, scatter to window positions and the sum back.
    const { result, trainable } = check('softmax', 'none', [{ type: 'chars', dim: 4, charDim: 3, minCount: 1, maxWordLength: 1, highway: 1 }]);
    expect(trainable).toEqual(expect.arrayContaining(['chars2/chars/table', 'chars2/conv/W', 'chars2/conv/b', 'chars2/highway0/gate/W']));
    expect(result.checked).toBeGreaterThan(150);
    expect(result.maxRelError, JSON.stringify(result.worst)).toBeLessThan(2e-3);
  });

  it('crf head (sentence-level log-likelihood): the network and the transitions', () => {
    const { result, trainable } = check('crf');
    expect(trainable).toEqual(['embedding0/table', 'hidden0/W', 'hidden0/b', 'output/W', 'output/b', 'crf/transitions']);
    expect(result.checked).toBeGreaterThan(100);
    expect(result.maxRelError, JSON.stringify(result.worst)).toBeLessThan(2e-3);
  });

  it('max-margin head at sentence level (structured hinge): the network and the transitions', () => {
    const { result, trainable } = check('max-margin', 'none', [], { level: 'sentence', k: 0, classMargins: false });
    expect(trainable).toEqual(['embedding0/table', 'hidden0/W', 'hidden0/b', 'output/W', 'output/b', 'max-margin/transitions']);
    expect(result.checked).toBeGreaterThan(100);
    expect(result.maxRelError, JSON.stringify(result.worst)).toBeLessThan(2e-3);
  });

  it('softmax head with LayerNorm after the hidden layer', () => {
    const { result, trainable } = check('softmax', 'layer');
    expect(trainable).toContain('norm0/gamma');
    expect(result.maxRelError, JSON.stringify(result.worst)).toBeLessThan(2e-3);
  });
});
