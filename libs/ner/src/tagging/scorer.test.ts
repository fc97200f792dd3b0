/**
 * The scoring contract: the fast path (cached per-word projections) gives the reference forward's scores within
 * 1e-4, on real models of every head — the shipped default model (crf, relu, 200 hidden, every feature) and small models
 * trained here on the BTC sample (max-margin relu; crf relu; softmax tanh, which takes the tfjs activation path;
 * softmax with the chars feature; softmax with the gazetteer feature and with the document feature, over documents)
 * — on the cpu backend (JS sums + tfjs ops), with a cache far smaller than the text, and on the native backend's kernel.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { initBackend, Rng } from '@window-ner/tensor';
import { readConll } from '../corpus/conll-read.js';
import { resolveConfig } from '../config/config.js';
import { fitModel } from '../train/fit.js';
import { loadModel } from '../model/file.js';
import type { WindowModel } from '../model/window-model.js';
import { MapVectorSource } from '../vectors/source.js';
import type { SentenceContext } from '../features/types.js';
import { sentenceContexts } from '../windows/documents.js';
import { tagsToSpans } from '../labels/spans.js';
import { WordIds } from '../features/word-ids.js';
import { FastScorer } from './fast-path.js';
import { projectableNetwork, referenceScorer } from './model-view.js';

const DATA = resolve(__dirname, '../../../../data');
const train = readConll(join(DATA, 'btc/btc.train')).slice(0, 400);
const dev = readConll(join(DATA, 'btc/btc.dev')).slice(0, 150);
const sentences = dev.map((s) => s.tokens);

/** Largest |a - b| over two score arrays of the same length. */
function maxDiff(a: Float32Array, b: Float32Array): number {
  expect(a.length).toBe(b.length);
  let d = 0;
  for (let i = 0; i < a.length; i++) d = Math.max(d, Math.abs(a[i] - b[i]));
  return d;
}

/** Run f on the native backend (then back to cpu), or null where the addon is not built (CI requires it). */
async function onNative<T>(f: () => T): Promise<T | null> {
  try {
    await initBackend({ backend: 'native', log: null });
  } catch {
    expect(process.env.WINDOW_NER_REQUIRE_NATIVE).not.toBe('1');
    return null;
  }
  try {
    return f();
  } finally {
    await initBackend({ backend: 'cpu', log: null });
  }
}

async function checkAgreement(model: WindowModel, activation: string, contexts?: SentenceContext[]): Promise<void> {
  const ref = referenceScorer(model).score(sentences, contexts);
  expect(ref.n).toBe(sentences.reduce((a, s) => a + s.length, 0));
  const net = projectableNetwork(model)!;
  expect(net.hidden.activation).toBe(activation);
  // 1,000 cached words: prefilling the default 5,000 costs a 5,000-row projection on the slow cpu backend.
  const fast = new FastScorer(net, 1000);
  expect(fast.native).toBe(false);
  const got = fast.score(sentences, contexts);
  expect(Array.from(got.sentenceStarts)).toEqual(Array.from(ref.sentenceStarts));
  expect(maxDiff(got.scores, ref.scores)).toBeLessThan(1e-4);
  // A cache of 50 words is emptied and refilled between (and grown within) batches: same scores.
  const tiny = new FastScorer(net, 50);
  for (const [a, b] of [[0, 40], [40, 150], [0, 40]]) {
    const part = sentences.slice(a, b);
    const partContexts = contexts?.slice(a, b);
    expect(maxDiff(tiny.score(part, partContexts).scores, referenceScorer(model).score(part, partContexts).scores)).toBeLessThan(1e-4);
  }
  // An interner of 20 words starts its ids over at every batch: the fast path's slots by word id follow it.
  const fewIds = new WordIds(20);
  const churn = new FastScorer({ ...net, words: fewIds, beginBatch: () => (net.beginBatch(), fewIds.beginBatch()) }, 1000);
  for (const [a, b] of [[0, 40], [40, 150], [0, 40]]) {
    const part = sentences.slice(a, b);
    const partContexts = contexts?.slice(a, b);
    const before = fewIds.generation;
    expect(maxDiff(churn.score(part, partContexts).scores, referenceScorer(model).score(part, partContexts).scores)).toBeLessThan(1e-4);
    if (a > 0 || b > 40) expect(fewIds.generation).toBeGreaterThan(before);
  }
  const native = await onNative(() => {
    const scorer = new FastScorer(net);
    expect(scorer.native).toBe(activation === 'relu');
    return scorer.score(sentences, contexts).scores;
  });
  if (native) expect(maxDiff(native, ref.scores)).toBeLessThan(1e-4);
  // Equal scores decode to equal labels.
  expect(model.decode(got, got.scores).map((d) => Array.from(d.tags))).toEqual(model.decode(ref, ref.scores).map((d) => Array.from(d.tags)));
  fast.dispose();
  tiny.dispose();
  churn.dispose();
}

describe('fast path = reference forward (1e-4)', () => {
  // A small random "store" so words outside the trained vocabulary resolve through the vector side table.
  const rng = new Rng(3);
  const words = new Map<string, Float32Array>();
  for (const s of [...train, ...dev]) for (const w of s.tokens) if (!words.has(w.toLowerCase())) words.set(w.toLowerCase(), Float32Array.from({ length: 16 }, () => rng.normal(0, 0.5)));
  const vectors = new MapVectorSource(16, words);
  const small = { epochs: 2, patience: 2, batchSize: 64, features: [{ type: 'embedding', dim: 16 }, { type: 'casing' }] };

  beforeAll(async () => {
    await initBackend({ backend: 'cpu', log: null });
  });

  it('the default model (crf, relu; chars, gazetteer and document features), over dev-like documents', async () => {
    const { model } = await loadModel(join(DATA, 'models/default.sqlite'), null);
    expect(model.head.type).toBe('crf');
    expect(model.features.map((f) => f.type)).toEqual(['embedding', 'casing', 'chars', 'gazetteer', 'document']);
    await checkAgreement(model, 'relu', sentenceContexts(dev.map((s, i) => ({ ...s, doc: Math.floor(i / 5) }))));
    model.dispose();
  });

  it('a max-margin model trained on BTC (relu)', async () => {
    const fit = await fitModel({ config: resolveConfig({ ...small, head: 'max-margin', hidden: [32], lr: 0.003 }), train, dev, vectors });
    expect(fit.model.head.type).toBe('max-margin');
    await checkAgreement(fit.model, 'relu');
    fit.model.dispose();
  });

  it('a crf model trained on BTC (relu; decoding adds its learned transitions)', async () => {
    const fit = await fitModel({ config: resolveConfig({ ...small, head: 'crf', hidden: [32], lr: 0.005 }), train, dev, vectors });
    expect(fit.model.head.transitions).toBeDefined();
    await checkAgreement(fit.model, 'relu');
    fit.model.dispose();
  });

  it('a softmax model trained on BTC (tanh: the tfjs activation path everywhere)', async () => {
    const fit = await fitModel({ config: resolveConfig({ ...small, hidden: [24], activation: 'tanh', lr: 0.005 }), train, dev, vectors });
    await checkAgreement(fit.model, 'tanh');
    fit.model.dispose();
  });

  it('a softmax model with the chars feature (relu): character vectors cached with the projections', async () => {
    const features = [...small.features, { type: 'chars', dim: 12, maxWordLength: 10 }];
    const fit = await fitModel({ config: resolveConfig({ ...small, features, hidden: [32], lr: 0.003 }), train, dev, vectors });
    await checkAgreement(fit.model, 'relu');
    fit.model.dispose();
  });

  it('a softmax model with the gazetteer feature (relu): a block per word and per tuple of context keys, documents of 5 sentences', async () => {
    // BTC has no -DOCSTART-: documents of 5 sentences, so training sentences leave their own document's entries out.
    const inDocs = (set: typeof train) => set.map((s, i) => ({ ...s, doc: Math.floor(i / 5) }));
    // A user list of the dev text's entities, so the dev text has matches of every type (B and I).
    const dir = mkdtempSync(join(tmpdir(), 'scorer-gazetteer-'));
    const file = join(dir, 'dev-entities.tsv');
    writeFileSync(file, dev.flatMap((s) => tagsToSpans(s.tags).map((e) => `${e.type}\t${s.tokens.slice(e.startToken, e.endToken).join(' ')}\n`)).join(''));
    const features = [...small.features, { type: 'gazetteer', files: [file] }];
    const fit = await fitModel({ config: resolveConfig({ ...small, features, hidden: [32], lr: 0.003 }), train: inDocs(train), dev: inDocs(dev), vectors });
    rmSync(dir, { recursive: true });
    const gazetteer = fit.model.features[2];
    expect(gazetteer.perWord).toBe(false);
    // The dev text has matches (B and I indicators of several types), so the cache holds tuple blocks of several keys.
    const contexts = sentenceContexts(inDocs(dev));
    const keys = new Set<number>();
    sentences.forEach((s, i) => {
      const out = new Int32Array(s.length);
      gazetteer.encode(s, out, 0, false, contexts[i]);
      out.forEach((k) => keys.add(k));
    });
    expect(keys.size).toBeGreaterThan(5);
    await checkAgreement(fit.model, 'relu', contexts);
    fit.model.dispose();
  });

  it('a softmax model with the document feature (relu): a block per word and per tuple of context keys, documents of 5 sentences', async () => {
    // BTC has no -DOCSTART-: every 5 consecutive tweets make a document, for training and for scoring.
    const inDocs = (set: typeof train) => set.map((s, i) => ({ ...s, doc: Math.floor(i / 5) }));
    const features = [...small.features, { type: 'document', indicators: ['capitalised', 'lowercase', 'run'] }];
    const fit = await fitModel({ config: resolveConfig({ ...small, features, hidden: [32], lr: 0.003 }), train: inDocs(train), dev, vectors });
    const contexts = sentenceContexts(inDocs(dev));
    // The context matters: tokens with a key other than 0, and other scores than without the documents.
    const f = fit.model.features[2];
    let nonZero = 0;
    sentences.forEach((s, i) => {
      const keys = new Int32Array(s.length);
      f.encode(s, keys, 0, false, contexts[i]);
      for (let t = 0; t < s.length; t++) if (keys[t] !== 0) nonZero++;
    });
    expect(nonZero).toBeGreaterThan(50);
    expect(maxDiff(referenceScorer(fit.model).score(sentences, contexts).scores, referenceScorer(fit.model).score(sentences).scores)).toBeGreaterThan(1e-3);
    await checkAgreement(fit.model, 'relu', contexts);
    fit.model.dispose();
  });

  it('has no fast path for two hidden layers', async () => {
    const fit = await fitModel({ config: resolveConfig({ ...small, epochs: 1, hidden: [8, 8] }), train: train.slice(0, 50), vectors });
    expect(projectableNetwork(fit.model)).toBeNull();
    fit.model.dispose();
  });

  it('has no fast path for more than three context features; three are served', async () => {
    const context = [{ type: 'gazetteer' }, { type: 'document' }, { type: 'gazetteer', caseSensitive: false }];
    const three = await fitModel({ config: resolveConfig({ ...small, epochs: 1, features: [...small.features, ...context] }), train: train.slice(0, 50), vectors });
    expect(projectableNetwork(three.model)).not.toBeNull();
    three.model.dispose();
    const four = await fitModel({ config: resolveConfig({ ...small, epochs: 1, features: [...small.features, ...context, { type: 'document', indicators: ['run'] }] }), train: train.slice(0, 50), vectors });
    expect(projectableNetwork(four.model)).toBeNull();
    four.model.dispose();
  });
});
