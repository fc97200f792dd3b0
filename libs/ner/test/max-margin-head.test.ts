/**
 * The max-margin head's two levels: config defaults and checks, the sentence level's transitions, state and loss
 * (nn's structured hinge, plus the window terms when asked), a sentence-level model trained on the BTC sample
 * (learned transitions, save/load, fast path), and a model file written before the head had a level (window
 * training, thresholds, no transitions) loading and tagging exactly as before.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { structuredHingeLoss } from '@window-ner/nn';
import { initBackend, tf } from '@window-ner/tensor';
import { resolveConfig } from '../src/config/config.js';
import { viterbiDecoder } from '../src/decoders/viterbi.js';
import { MaxMarginHead } from '../src/heads/max-margin.js';
import { LabelSet } from '../src/labels/label-set.js';
import { loadModel, saveModel } from '../src/model/file.js';
import { WindowTagger } from '../src/tagging/tagger.js';
import { fitModel } from '../src/train/fit.js';
import { btcSample } from './btc-sample.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu', log: null });
});

const PER = LabelSet.fromTypes(['PER']); // O B-PER I-PER
const ctx = { numClasses: 3, labels: PER, outsideClass: 0, replacement: null };

describe('max-margin head config', () => {
  it('defaults to sentence level with its own k and classMargins; window level keeps the seed defaults', () => {
    expect(resolveConfig({ head: 'max-margin' }).model.head).toEqual({ type: 'max-margin', level: 'sentence', k: 0, margin: 1, classMargins: false, calibrate: true });
    expect(resolveConfig({ model: { head: { type: 'max-margin', level: 'window' } } }).model.head).toEqual({ type: 'max-margin', level: 'window', k: 5, margin: 1, classMargins: true, calibrate: true });
    expect(resolveConfig({ model: { head: { type: 'max-margin', k: 3 } } }).model.head.k).toBe(3);
  });

  it('rejects a bad level, margin or classMargins, naming the field', () => {
    expect(() => resolveConfig({ model: { head: { type: 'max-margin', level: 'token' } } })).toThrow('config: model.head.level must be "sentence" or "window", got "token"');
    expect(() => resolveConfig({ model: { head: { type: 'max-margin', margin: -1 } } })).toThrow('model.head.margin must be in [0, 1000000], got -1');
    expect(() => resolveConfig({ model: { head: { type: 'max-margin', classMargins: 'yes' } } })).toThrow('model.head.classMargins must be true or false, got "yes"');
    expect(() => resolveConfig({ model: { head: { type: 'max-margin', calibrate: 1 } } })).toThrow('model.head.calibrate must be true or false, got 1');
    expect(() => resolveConfig({ model: { head: { type: 'max-margin', sentences: 0 } } })).toThrow('model.head.sentences must be an integer >= 1');
  });
});

describe('sentence-level max-margin head', () => {
  it('batches sentences and trains BIO-aware transitions it saves and restores', () => {
    const head = new MaxMarginHead({ type: 'max-margin', level: 'sentence', k: 0 }, ctx);
    expect(head.batching).toBe('sentences');
    expect(head.params!().map((p) => p.name)).toEqual(['max-margin/transitions']);
    expect(Array.from(head.transitions!())).toEqual([0, 0, -10000, 0, 0, 0, 0, 0, 0, 0, 0, -10000, 0, 0, 0]);
    const state = { thresholds: [0, 0.5, -0.25], transitions: Array.from({ length: 15 }, (_, i) => i / 4) };
    const restored = new MaxMarginHead({ type: 'max-margin', level: 'sentence' }, ctx, state);
    expect(Array.from(restored.transitions!())).toEqual(state.transitions);
    expect(restored.getState()).toEqual(state);
    expect(() => new MaxMarginHead({ type: 'max-margin', level: 'sentence' }, ctx, { thresholds: [0, 0, 0] })).toThrow('level "sentence" needs the saved state "transitions"');
    // Window level: no transitions for the decoder, state is the thresholds alone.
    const window = new MaxMarginHead({ type: 'max-margin', level: 'window' }, ctx);
    expect(window.transitions).toBeUndefined();
    expect(window.batching).toBe('windows');
    expect(window.getState()).toEqual({ thresholds: [0, 0, 0] });
    // Calibration: on by default at both levels, off when asked.
    expect(window.tune).toBeDefined();
    expect(head.tune).toBeDefined();
    expect(new MaxMarginHead({ type: 'max-margin', level: 'sentence', calibrate: false }, ctx).tune).toBeUndefined();
  });

  it('its loss is the structured hinge per token, plus the window terms when k > 0', () => {
    const head = new MaxMarginHead({ type: 'max-margin', level: 'sentence', k: 0, classMargins: false }, ctx);
    const e = Float32Array.from([0, 1, 0, 0, 0, 2, 1, 0.5, 0]); // 3 tokens: B-PER I-PER | O is gold
    const target = { gold: Int32Array.from([1, 2, 0]), size: 3, sentenceStarts: Int32Array.from([0, 2, 3]) };
    const want = structuredHingeLoss(e, 3, head.transitions!(), { gold: target.gold, starts: target.sentenceStarts }, 1, 'positions');
    // Sentence 0 (B-PER I-PER scores 3) beats every other valid path by ≥ the margin per error; sentence 1's gold O
    // (1) loses to B-PER (0.5 + Δ 1) by 0.5. Per token: 0.5 / 3.
    expect(want).toBeCloseTo(0.5 / 3, 6);
    const r = tf.tidy(() => head.loss.compute(tf.tensor2d(e, [3, 3]), target).loss.dataSync()[0]);
    expect(r).toBeCloseTo(want, 6);
    // With one corrupt window per true window, rows 3..5 are scored too: the sum of the hinge and the ranking term.
    const ranked = new MaxMarginHead({ type: 'max-margin', level: 'sentence', k: 1, classMargins: false }, ctx);
    const corrupt = [0, 0, 0, 0, 0, 3, 0, 0, 0]; // only the second window's corrupt copy comes within the margin
    const both = tf.tidy(() => {
      const out = ranked.loss.compute(tf.tensor2d([...e, ...corrupt], [6, 3]), target);
      return { loss: out.loss.dataSync()[0], grad: Array.from(out.grad.dataSync()) };
    });
    // ranking, 1 − s_y(true) + s_y(corrupt): window 0 1 − 1 + 0 = 0, window 1 1 − 2 + 3 = 2, window 2 1 − 1 + 0 = 0.
    expect(both.loss).toBeCloseTo(want + 2 / 3, 5);
    expect(both.grad.slice(9)).toEqual([0, 0, 0, 0, 0, 1 / 3, 0, 0, 0].map(Math.fround));
  });
});

describe('max-margin models trained on the BTC sample', () => {
  const { train, dev, vectors } = btcSample(1500, 300, 7);
  const small = { hidden: [32], patience: 5, batchSize: 64, lr: 0.005, features: [{ type: 'embedding', dim: 16 }, { type: 'casing' }] };
  const info = { version: 'x', path: '', head: 'max-margin', labels: [], types: [], config: {}, metrics: {}, provenance: {} };

  it('sentence level: learns transitions, keeps invalid ones, survives save/load, tags the same on the fast path', async () => {
    const fit = await fitModel({ config: resolveConfig({ ...small, head: 'max-margin', epochs: 4 }), train, dev, vectors });
    const model = fit.model;
    expect(fit.dev!.overall.f1).toBeGreaterThan(10);
    // Calibration never lowers dev F1 (on this small sample the uncalibrated model may still tag little).
    expect(fit.dev!.overall.f1).toBeGreaterThanOrEqual(fit.devF1Uncalibrated!);
    const T = model.head.transitions!();
    const L = model.labels.size;
    let learned = 0;
    for (let i = 0; i <= L; i++) {
      for (let j = 0; j < L; j++) {
        if (!model.labels.isValidTransition(i === L ? null : i, j)) expect(T[i * L + j]).toBe(-10000);
        else if (T[i * L + j] !== 0) learned++;
      }
    }
    expect(learned).toBeGreaterThan(L);
    const path = join(mkdtempSync(join(tmpdir(), 'ner-mm-')), 'mm.sqlite');
    saveModel(model, path);
    const loaded = (await loadModel(path, vectors)).model;
    expect(Array.from(loaded.head.transitions!())).toEqual(Array.from(T));
    const sents = dev.map((s) => s.tokens);
    expect(loaded.predict(sents)).toEqual(model.predict(sents));
    const fast = new WindowTagger(loaded, info, null, { fastPath: true });
    const plain = new WindowTagger(loaded, info, null, { fastPath: false });
    expect(fast.tagTokens(sents)).toEqual(plain.tagTokens(sents));
    model.dispose();
    loaded.dispose();
    fast.dispose();
  }, 240_000);

  it('a file written before max-margin had a level (window training, thresholds, no transitions) tags as before', async () => {
    const config = resolveConfig({ ...small, model: { head: { type: 'max-margin', level: 'window' } }, epochs: 2 });
    const fit = await fitModel({ config, train: train.slice(0, 500), dev: dev.slice(0, 100), vectors });
    const path = join(mkdtempSync(join(tmpdir(), 'ner-mm-old-')), 'old.sqlite');
    saveModel(fit.model, path);
    // The old shape: the head spec without `level` (merged as the old defaults wrote it), state = thresholds only.
    const db = new Database(path);
    const saved = JSON.parse((db.prepare("SELECT value FROM meta WHERE key = 'config'").get() as { value: string }).value);
    saved.model.head = { k: 5, margin: 1, classMargins: true, type: 'max-margin' };
    const thresholds = [0, 0.35, -0.2, 0.1, 0, -0.35, 0.2, 0.5, -0.1].slice(0, fit.model.numClasses);
    db.prepare("UPDATE meta SET value = ? WHERE key = 'config'").run(JSON.stringify(saved));
    db.prepare("UPDATE meta SET value = ? WHERE key = 'head'").run(JSON.stringify({ thresholds }));
    db.close();
    const loaded = (await loadModel(path, vectors)).model;
    expect(loaded.config.model.head).toEqual({ type: 'max-margin', level: 'window', k: 5, margin: 1, classMargins: true, calibrate: true });
    expect(loaded.head.transitions).toBeUndefined();
    // As the head tagged before: emissions s − θ, the emission-only constrained Viterbi, sentence by sentence.
    const sents = dev.map((s) => s.tokens);
    const set = loaded.windows(sents, false);
    const scores = loaded.scoreAll(set);
    const C = loaded.numClasses;
    const want = sents.map((_, s) => {
      const a = set.sentenceStarts[s];
      const n = set.sentenceStarts[s + 1] - a;
      const em = Float32Array.from(scores.subarray(a * C, (a + n) * C), (v, k) => v - thresholds[k % C]);
      return Array.from(viterbiDecoder.decode(em, n, loaded.labels).indices, (i) => loaded.labels.label(i));
    });
    expect(loaded.predict(sents)).toEqual(want);
    const fast = new WindowTagger(loaded, { ...info, path }, null, { fastPath: true });
    expect(fast.tagTokens(sents)).toEqual(want);
    fit.model.dispose();
    loaded.dispose();
    fast.dispose();
  }, 240_000);
});
