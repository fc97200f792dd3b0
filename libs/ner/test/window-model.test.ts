import { describe, expect, it, beforeAll } from 'vitest';
import { mkdtempSync, existsSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { SparseParam } from '@window-ner/nn';
import Database from 'better-sqlite3';
import { initBackend, Rng, tf } from '@window-ner/tensor';
import { resolveConfig } from '../src/config/config.js';
import { fitModel } from '../src/train/fit.js';
import { saveModel, loadModel } from '../src/model/file.js';
import { trainModel } from '../src/train/train-model.js';
import { WindowTagger } from '../src/tagging/tagger.js';
import { projectableNetwork } from '../src/tagging/model-view.js';
import { buildWindows } from '../src/windows/windows.js';
import { WindowBuilder } from '../src/windows/builder.js';
import { CorruptSampler } from '../src/windows/sampler.js';
import { casingPlugin } from '../src/features/casing.js';
import { embeddingPlugin, PAD_END, PAD_START } from '../src/features/embedding.js';
import { WordIds } from '../src/features/word-ids.js';
import { lookupFeature } from '../src/features/lookup.js';
import { MaxMarginHead } from '../src/heads/max-margin.js';
import { buildNetwork } from '../src/model/network.js';
import { LabelSet } from '../src/labels/label-set.js';
import { btcSample } from './btc-sample.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu', log: null });
});

describe('windows', () => {
  it('pads sentence edges and lays out positions x features', () => {
    const sents = [['a', 'B'], ['c']];
    const ctx = (name: string) => ({ name, vectors: null, lookup: lookupFeature, words: new WordIds() });
    const emb = embeddingPlugin.create({ type: 'embedding', dim: 4 }, { ...ctx('emb'), trainTokens: sents, train: [], trainDocuments: new Int32Array(0), rng: new Rng(1), minFreq: 1, noise: 0 });
    const cas = casingPlugin.restore({ type: 'casing' }, { json: {}, tables: {} }, ctx('cas'));
    const set = buildWindows(sents, [emb, cas], 2, true);
    expect(set.n).toBe(3);
    expect(Array.from(set.sentenceStarts)).toEqual([0, 2, 3]);
    // window of "a": <s> <s> a b </s>
    const w0 = Array.from(set.ids[0].subarray(0, 5));
    expect(w0[0]).toBe(PAD_START);
    expect(w0[1]).toBe(PAD_START);
    expect(w0[4]).toBe(PAD_END);
    expect(w0[2]).not.toBe(w0[3]);
    const b = new WindowBuilder([emb, cas], 2, 4);
    b.fill(set, Int32Array.from([0, 1, 2]));
    const keys = b.view(3);
    expect(Array.from(keys[0].subarray(0, 5))).toEqual(w0);
    // The network's window layer lays rows out position-major, the features concatenated within a position.
    const { window } = buildNetwork([emb, cas], resolveConfig({ window: 2, hidden: [3] }).model, 3, new Rng(2));
    expect(window.outputDim).toBe(5 * (4 + cas.dim));
    const x = tf.tidy(() => window.forward(keys, { training: false, rng: new Rng(0) }).y);
    expect(x.shape).toEqual([3, window.outputDim]);
    const host = x.dataSync() as Float32Array;
    x.dispose();
    // casing one-hot of the centre of window 1 ("B": initialUpper/allUpper) sums to 1
    const centre = host.subarray(window.outputDim + 2 * window.positionDim + 4, window.outputDim + 2 * window.positionDim + 4 + cas.dim);
    expect(centre.reduce((a, v) => a + v, 0)).toBe(1);
    // the embedding part of the centre of window 0 is the row of "a"
    const row = (emb.params()[0] as SparseParam).table.subarray(w0[2] * 4, w0[2] * 4 + 4);
    expect(Array.from(host.subarray(2 * window.positionDim, 2 * window.positionDim + 4))).toEqual(Array.from(row));
  });

  it('corrupt sampler never returns the true class', () => {
    const labels = Int32Array.from({ length: 500 }, (_, i) => (i % 7 === 0 ? 1 : i % 11 === 0 ? 2 : 0));
    const s = new CorruptSampler(labels, 3);
    const rng = new Rng(3);
    for (let y = 0; y < 3; y++) for (let i = 0; i < 300; i++) expect(labels[s.sample(y, rng)]).not.toBe(y);
  });
});

describe('max-margin decision rule', () => {
  it('emissions are scores minus per-class thresholds, and thresholds change decisions', () => {
    const head = new MaxMarginHead({ type: 'max-margin' }, { numClasses: 3, labels: LabelSet.fromTypes(['PER']), outsideClass: 0, replacement: null });
    const scores = Float32Array.from([1, 0.8, 0]);
    const out = new Float32Array(3);
    head.emissions(scores, 1, 3, out);
    expect(Array.from(out)).toEqual([1, 0.8, 0].map((v) => Math.fround(v)));
    head.thresholds[0] = 0.5;
    head.emissions(scores, 1, 3, out);
    expect(out[1]).toBeGreaterThan(out[0]);
  });

  it('hinge loss counts violated margins only', () => {
    const head = new MaxMarginHead({ type: 'max-margin', level: 'window', k: 1, classMargins: true }, { numClasses: 2, labels: LabelSet.fromTypes(['PER'], 'IO'), outsideClass: 0, replacement: null });
    // row 0 true window (class 0), row 1 its corrupt window
    const [loss, dS] = tf.tidy(() => {
      const r = head.loss.compute(tf.tensor2d([2, 0.5, 1.5, 0], [2, 2]), { gold: Int32Array.from([0]), size: 1 });
      return [r.loss, r.grad];
    });
    // window margin: 1 - 2 + 1.5 = 0.5 ; class margin: 1 - 2 + 0.5 = -0.5 -> 0
    expect(loss.dataSync()[0]).toBeCloseTo(0.5, 6);
    expect(Array.from(dS.dataSync())).toEqual([-1, 0, 1, 0]);
    // Two true windows (classes 1 and 0), one corrupt window each, both class margins violated for the first.
    const [loss2, dS2] = tf.tidy(() => {
      const r = head.loss.compute(tf.tensor2d([0.5, 1, 0, 3, 0.2, 2, 1, 0], [4, 2]), { gold: Int32Array.from([1, 0]), size: 2 });
      return [r.loss, r.grad];
    });
    // window 0 (y=1): class margin 1 - 1 + 0.5 = 0.5, ranking 1 - 1 + 2 = 2; window 1 (y=0): class margin 1 - 0 + 3 = 4,
    // ranking 1 - 0 + 1 = 2. Mean over the 2 true windows: 8.5 / 2.
    expect(loss2.dataSync()[0]).toBeCloseTo(4.25, 5);
    expect(Array.from(dS2.dataSync())).toEqual([0.5, -1, -1, 0.5, 0, 0.5, 0.5, 0]);
    tf.dispose([loss, dS, loss2, dS2]);
  });
});

describe('training, save/load, tagging', () => {
  // A tiny random "store" so the embedding path (store words outside the vocabulary) is exercised.
  const { train, dev, vectors } = btcSample(1500, 300, 7);

  it('learns BTC entities above a floor a broken model cannot reach, and survives save/load', async () => {
    const config = resolveConfig({ hidden: [64], epochs: 8, patience: 8, batchSize: 64, lr: 0.005, features: [{ type: 'embedding', dim: 16 }, { type: 'casing' }] });
    const fit = await fitModel({ config, train, dev, vectors });
    expect(fit.dev!.overall.f1).toBeGreaterThan(10);
    const dir = mkdtempSync(join(tmpdir(), 'ner-'));
    const path = join(dir, 'm.sqlite');
    saveModel(fit.model, path, { metrics: { devF1: fit.dev!.overall.f1 } });
    expect(readdirSync(dir)).toEqual(['m.sqlite']);
    const loaded = await loadModel(path, vectors);
    const sents = dev.map((s) => s.tokens);
    const a = fit.model.scoreAll(fit.model.windows(sents, false));
    const b = loaded.model.scoreAll(loaded.model.windows(sents, false));
    expect(b.length).toBe(a.length);
    let maxDiff = 0;
    for (let i = 0; i < a.length; i++) maxDiff = Math.max(maxDiff, Math.abs(a[i] - b[i]));
    expect(maxDiff).toBeLessThan(1e-5);
    expect(loaded.model.predict(sents)).toEqual(fit.model.predict(sents));
    // fast path = plain path
    const info = { version: 'x', path, head: 'softmax', labels: [], types: [], config: {}, metrics: {}, provenance: {} };
    const fast = new WindowTagger(loaded.model, info, null, { fastPath: true });
    const plain = new WindowTagger(loaded.model, info, null, { fastPath: false });
    const fs = fast.score(sents).scores;
    const ps = plain.score(sents).scores;
    expect(fs.length).toBe(ps.length);
    let d2 = 0;
    for (let i = 0; i < fs.length; i++) d2 = Math.max(d2, Math.abs(fs[i] - ps[i]));
    expect(d2).toBeLessThan(1e-4);
    expect(fast.tagTokens(sents)).toEqual(plain.tagTokens(sents));
    const ents = fast.tag(['Theresa May met Barack Obama in London yesterday .']);
    expect(ents).toHaveLength(1);
    for (const e of ents[0]) expect('Theresa May met Barack Obama in London yesterday .'.slice(e.start, e.end)).toBe(e.text);
  }, 180_000); // 8 epochs on the pure-JS cpu backend: ~25 s alone, over a minute on a shared, loaded machine

  it('trains the max-margin head and calibrates thresholds', async () => {
    const config = resolveConfig({ model: { head: { type: 'max-margin', level: 'window' } }, hidden: [32], epochs: 3, patience: 3, batchSize: 64, lr: 0.003, features: [{ type: 'embedding', dim: 16 }, { type: 'casing' }] });
    const fit = await fitModel({ config, train: train.slice(0, 300), dev: dev.slice(0, 100), vectors });
    expect(fit.dev!.overall.f1).toBeGreaterThanOrEqual(fit.devF1Uncalibrated!);
  });

  it('model.norm puts a norm layer in the network; its weights are saved, and a file without them is refused', async () => {
    const config = resolveConfig({ norm: 'batch', hidden: [16], epochs: 1, batchSize: 64, features: [{ type: 'embedding', dim: 16 }, { type: 'casing' }] });
    const fit = await fitModel({ config, train: train.slice(0, 200), vectors });
    expect(fit.model.params().map((p) => p.name)).toContain('norm0/runningMean');
    expect(projectableNetwork(fit.model)).toBeNull(); // the fast path does not apply a norm layer
    const dir = mkdtempSync(join(tmpdir(), 'ner-norm-'));
    const path = join(dir, 'm.sqlite');
    saveModel(fit.model, path);
    const sents = dev.slice(0, 50).map((s) => s.tokens);
    const loaded = await loadModel(path, vectors);
    expect(loaded.model.scoreAll(loaded.model.windows(sents, false))).toEqual(fit.model.scoreAll(fit.model.windows(sents, false)));
    // A file whose config asks for a norm layer it has no weights for (e.g. one written when norm was ignored).
    const db = new Database(path);
    db.prepare("DELETE FROM tensors WHERE name LIKE 'network/norm0/%'").run();
    db.close();
    await expect(loadModel(path, vectors)).rejects.toThrow(/m\.sqlite: the network's weights do not fit its config .*norm0\/gamma/);
  });

  it('loads the default model (format v2: the nn layer config beside its weights) and tags with it', async () => {
    const path = resolve(__dirname, '../../../data/models/default.sqlite');
    const db = new Database(path, { readonly: true });
    const meta = (key: string) => JSON.parse((db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string }).value);
    expect(meta('format')).toEqual({ name: 'window-ner-model', version: 2 });
    expect(meta('network').layers.map((l: { type: string }) => l.type)).toEqual(['dense', 'dropout', 'dense']);
    db.close();
    const { model } = await loadModel(path, null);
    const tagger = new WindowTagger(model, { version: 'x', path: '', head: 'softmax', labels: [], types: [], config: {}, metrics: {}, provenance: {} }, null);
    // No vector store here: names of the training years, which the model's own vocabulary holds (a name outside
    // it, such as "Angela Merkel", needs the store: `npm start` serves with it).
    const [ents] = tagger.tag(['Helmut Kohl met Jacques Chirac in Paris on Tuesday .']);
    expect(ents.map((e) => [e.text, e.label])).toEqual([['Helmut Kohl', 'PER'], ['Jacques Chirac', 'PER'], ['Paris', 'LOC']]);
    tagger.dispose();
  });

  it('refuses a model file of another format version, naming the version and what to do', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ner-v1-'));
    const config = resolveConfig({ hidden: [8], epochs: 1, batchSize: 64, features: [{ type: 'embedding', dim: 16 }, { type: 'casing' }] });
    const fit = await fitModel({ config, train: train.slice(0, 50), vectors });
    for (const [version, why] of [[1, /model format v1 written by an older window-ner; retrain it with `window-ner train`/], [3, /model format v3 written by a newer window-ner/]] as const) {
      const path = join(dir, `v${version}.sqlite`);
      saveModel(fit.model, path);
      const db = new Database(path);
      db.prepare("UPDATE meta SET value = ? WHERE key = 'format'").run(JSON.stringify({ name: 'window-ner-model', version }));
      db.close();
      await expect(loadModel(path, vectors)).rejects.toThrow(why);
      await expect(loadModel(path, vectors)).rejects.toThrow(/this build reads window-ner-model v2/);
    }
  });

  it('a malformed corpus fails naming file:line and writes no model', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ner-bad-'));
    const bad = join(dir, 'bad.conll');
    writeFileSync(bad, 'EU B-ORG\nrejects O\nGerman B-MISC extra\n');
    const out = join(dir, 'm.sqlite');
    await expect(trainModel({ trainPath: bad, outPath: out })).rejects.toThrow(/bad\.conll:3/);
    expect(existsSync(out)).toBe(false);
  });
});
