/**
 * The crf head: its initial transitions, saved state, sentence batches, and a model trained on the BTC sample —
 * learned transitions, save/load, the fast tagging path, confidences as marginals, valid BIO output.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend, Rng } from '@window-ner/tensor';
import { resolveConfig } from '../src/config/config.js';
import { WordIds } from '../src/features/word-ids.js';
import { CrfHead } from '../src/heads/crf.js';
import { viterbiDecoder } from '../src/decoders/viterbi.js';
import { LabelSet } from '../src/labels/label-set.js';
import { loadModel, saveModel } from '../src/model/file.js';
import { WindowTagger } from '../src/tagging/tagger.js';
import { fitModel } from '../src/train/fit.js';
import { SentenceBatches } from '../src/train/sentence-batches.js';
import { buildWindows } from '../src/windows/windows.js';
import { casingPlugin } from '../src/features/casing.js';
import { lookupFeature } from '../src/features/lookup.js';
import { btcSample } from './btc-sample.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu', log: null });
});

const PER = LabelSet.fromTypes(['PER']); // O B-PER I-PER
const ctx = { numClasses: 3, labels: PER, outsideClass: 0, replacement: null };

describe('crf head', () => {
  it('starts BIO-invalid transitions at invalidTransition and the rest at 0', () => {
    const T = new CrfHead({ type: 'crf' }, ctx).transitions();
    // rows: from O, B-PER, I-PER, start, end; columns: to O, B-PER, I-PER. O → I-PER and start → I-PER are invalid.
    expect(Array.from(T)).toEqual([0, 0, -10000, 0, 0, 0, 0, 0, 0, 0, 0, -10000, 0, 0, 0]);
    expect(Array.from(new CrfHead({ type: 'crf', invalidTransition: -5 }, ctx).transitions()).filter((v) => v !== 0)).toEqual([-5, -5]);
  });

  it('restores transitions from its state and refuses a state of the wrong size', () => {
    const state = { transitions: Array.from({ length: 15 }, (_, i) => i / 4) };
    const head = new CrfHead({ type: 'crf' }, ctx, state);
    expect(Array.from(head.transitions())).toEqual(state.transitions);
    expect(head.getState()).toEqual(state);
    expect(() => new CrfHead({ type: 'crf' }, ctx, { transitions: [1, 2] })).toThrow('saved state "transitions" must be 15 finite numbers ((3 + 2) x 3 labels), got 2 entries');
  });

  it('config: sentences and invalidTransition are checked, naming the key', () => {
    expect(resolveConfig({ head: 'crf' }).model.head).toEqual({ type: 'crf' });
    expect(() => resolveConfig({ model: { head: { type: 'crf', sentences: 0 } } })).toThrow('model.head.sentences must be an integer >= 1');
    expect(() => resolveConfig({ model: { head: { type: 'crf', invalidTransition: 3 } } })).toThrow('model.head.invalidTransition must be in [-1000000, 0]');
  });

  it('confidence is the marginal of the chosen label: in (0, 1], and 1 where only one path is possible', () => {
    const head = new CrfHead({ type: 'crf' }, ctx);
    const out = new Float32Array(2);
    // Token 0 can only be O or B-PER; make B-PER certain, then I-PER vs O at token 1 is a coin flip.
    head.confidence(Float32Array.from([-50, 50, 0, 0, 0, 0]), 2, 3, Int32Array.from([1, 2]), out);
    expect(out[0]).toBeCloseTo(1, 6);
    expect(out[1]).toBeCloseTo(1 / 3, 4); // O, B-PER and I-PER all score 0 after B-PER
  });
});

describe('crf decoding and confidences against brute force', () => {
  const TWO = LabelSet.fromTypes(['LOC', 'PER']); // O B-LOC I-LOC B-PER I-PER
  const L = TWO.size;
  const ctx2 = { numClasses: L, labels: TWO, outsideClass: 0, replacement: null };

  /** Small deterministic generator (LCG) so the cases are reproducible. */
  function lcg(seed: number) {
    let s = seed >>> 0;
    return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
  }

  function pathScore(path: number[], e: Float32Array, T: Float32Array): number {
    let s = T[L * L + path[0]] + T[(L + 1) * L + path[path.length - 1]];
    path.forEach((j, t) => (s += e[t * L + j] + (t > 0 ? T[path[t - 1] * L + j] : 0)));
    return s;
  }

  const valid = (path: number[]) => path.every((j, t) => TWO.isValidTransition(t === 0 ? null : path[t - 1], j));

  it('Viterbi picks the best BIO-valid path; confidence is the marginal over every path, BIO-invalid ones included', () => {
    const rnd = lcg(17);
    for (let trial = 0; trial < 80; trial++) {
      const n = 1 + (trial % 5);
      const e = new Float32Array(n * L).map(() => (rnd() - 0.5) * 8);
      // Trained with the default invalidTransition (−10000) or with 0 (the data set the invalid ones too).
      const T = new Float32Array((L + 2) * L).map(() => (rnd() - 0.5) * 4);
      if (trial % 2 === 0) {
        for (let j = 0; j < L; j++) {
          if (!TWO.isValidTransition(null, j)) T[L * L + j] = -10000;
          for (let i = 0; i < L; i++) if (!TWO.isValidTransition(i, j)) T[i * L + j] = -10000;
        }
      }
      const paths: { path: number[]; score: number }[] = [];
      for (let code = 0; code < L ** n; code++) {
        const path = Array.from({ length: n }, (_, t) => Math.floor(code / L ** t) % L);
        paths.push({ path, score: pathScore(path, e, T) });
      }
      const max = Math.max(...paths.map((p) => p.score));
      const Z = paths.reduce((a, p) => a + Math.exp(p.score - max), 0);
      const bestValid = paths.filter((p) => valid(p.path)).reduce((a, b) => (b.score > a.score ? b : a));

      const { indices } = viterbiDecoder.decode(e, n, TWO, undefined, T);
      expect(valid(Array.from(indices))).toBe(true);
      expect(pathScore(Array.from(indices), e, T)).toBeCloseTo(bestValid.score, 4);

      const head = new CrfHead({ type: 'crf' }, ctx2, { transitions: Array.from(T) });
      const conf = new Float32Array(n);
      head.confidence(e, n, L, indices, conf, T);
      for (let t = 0; t < n; t++) {
        const p = paths.filter((q) => q.path[t] === indices[t]).reduce((a, q) => a + Math.exp(q.score - max), 0) / Z;
        expect(conf[t]).toBeCloseTo(p, 6);
      }
    }
  });
});

describe('sentence batches', () => {
  it('gives the windows of the chosen sentences in order, with each sentence start', () => {
    const casing = casingPlugin.create({ type: 'casing' }, { name: 'casing0', vectors: null, lookup: lookupFeature, words: new WordIds(), trainTokens: [], train: [], trainDocuments: new Int32Array(0), rng: new Rng(1), minFreq: 1, noise: 0 });
    const set = buildWindows([['a', 'b'], ['c'], ['d', 'e', 'f']], [casing], 1, true);
    const batches = new SentenceBatches(set);
    expect(batches.sentences).toBe(3);
    expect(batches.windowsPerSentence).toBe(2);
    expect(batches.sentencesFor(7)).toBe(4);
    const b = batches.batch(Int32Array.from([2, 0]));
    expect(Array.from(b.windows)).toEqual([3, 4, 5, 0, 1]);
    expect(Array.from(b.sentenceStarts)).toEqual([0, 3, 5]);
  });
});

describe('crf model trained on the BTC sample', () => {
  const { train, dev, vectors } = btcSample(1500, 300, 7);

  it('learns, keeps invalid transitions, survives save/load, and tags the same on the fast path', async () => {
    const config = resolveConfig({ head: 'crf', hidden: [64], epochs: 5, patience: 5, batchSize: 64, lr: 0.005, features: [{ type: 'embedding', dim: 16 }, { type: 'casing' }] });
    const fit = await fitModel({ config, train, dev, vectors });
    const model = fit.model;
    expect(model.head.type).toBe('crf');
    expect(fit.dev!.overall.f1).toBeGreaterThan(10);
    expect(fit.history[0].examplesPerSecond).toBeGreaterThan(0);
    expect(model.params().map((p) => p.name)).toContain('crf/transitions');
    const T = model.head.transitions!();
    const L = model.labels.size;
    let learned = 0;
    for (let i = 0; i <= L; i++) {
      for (let j = 0; j < L; j++) {
        const valid = model.labels.isValidTransition(i === L ? null : i, j);
        if (!valid) expect(T[i * L + j]).toBe(-10000);
        else if (T[i * L + j] !== 0) learned++;
      }
    }
    expect(learned).toBeGreaterThan(L);

    const dir = mkdtempSync(join(tmpdir(), 'ner-crf-'));
    saveModel(model, join(dir, 'crf.sqlite'), { metrics: {} });
    const loaded = (await loadModel(join(dir, 'crf.sqlite'), vectors)).model;
    expect(Array.from(loaded.head.transitions!())).toEqual(Array.from(T));
    const sents = dev.map((s) => s.tokens);
    expect(loaded.predict(sents)).toEqual(model.predict(sents));
    // decodeTags (no confidences) gives decode's tags.
    const set = loaded.windows(sents, false);
    const scores = loaded.scoreAll(set);
    expect(loaded.decodeTags(set, scores)).toEqual(loaded.decode(set, scores).map((d) => d.tags));

    const info = { version: 'x', path: '', head: 'crf', labels: [], types: [], config: {}, metrics: {}, provenance: {} };
    const fast = new WindowTagger(loaded, info, null, { fastPath: true });
    const plain = new WindowTagger(loaded, info, null, { fastPath: false });
    const tagged = fast.tagTokens(sents);
    expect(tagged).toEqual(plain.tagTokens(sents));
    for (const tags of tagged) tags.forEach((t, i) => expect(loaded.labels.isValidTransition(i === 0 ? null : loaded.labels.encode(tags[i - 1]), loaded.labels.encode(t))).toBe(true));
    const text = 'Theresa May met Barack Obama in London yesterday .';
    for (const e of fast.tag([text])[0]) {
      expect(text.slice(e.start, e.end)).toBe(e.text);
      expect(e.score).toBeGreaterThan(0);
      expect(e.score).toBeLessThanOrEqual(1 + 1e-6);
    }
    model.dispose();
    fast.dispose();
  }, 240_000);
});
