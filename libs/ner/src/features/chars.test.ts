/**
 * The `chars` feature: a word's vector is a function of its characters alone (batch-independent, so the fast
 * path may cache it), the word length cap and <unk> character behave as saved, it survives a model file round
 * trip, it trains end to end with the window network, and bad or over-limit config keys are refused by name.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend, Rng, tf } from '@window-ner/tensor';
import { readConll } from '../corpus/conll-read.js';
import { resolveConfig } from '../config/config.js';
import { checkConfigLimits, DEFAULT_CONFIG_LIMITS } from '../config/limits.js';
import { createModel } from '../model/build.js';
import { loadModel, saveModel } from '../model/file.js';
import { fitModel } from '../train/fit.js';
import { referenceScorer } from '../tagging/model-view.js';
import type { Sentence } from '../corpus/types.js';
import type { Feature } from './types.js';

const DATA = resolve(__dirname, '../../../../data');
const INFER = { training: false, rng: new Rng(0) };

const corpus: Sentence[] = [
  { tokens: ['John', 'lives', 'in', 'Paris', '.'], tags: ['B-PER', 'O', 'O', 'B-LOC', 'O'] },
  { tokens: ['Mary', 'Smith', 'visited', 'Rome', 'in', 'May'], tags: ['B-PER', 'I-PER', 'O', 'B-LOC', 'O', 'O'] },
  { tokens: ['the', 'city', 'of', 'Paris', 'is', 'big', 'and', 'old'], tags: ['O', 'O', 'O', 'B-LOC', 'O', 'O', 'O', 'O'] },
];

function charsModel(spec: Record<string, unknown> = {}) {
  const config = resolveConfig({ hidden: [8], minFreq: 1, features: [{ type: 'embedding', dim: 4 }, { type: 'chars', dim: 6, charDim: 5, ...spec }] });
  return createModel(config, corpus, null, new Rng(3));
}

/** The feature's vectors of `words`, encoded and run together in one forward. */
function vectors(f: Feature, words: string[]): Float32Array[] {
  const keys = new Int32Array(words.length);
  f.encode(words, keys, 0, false);
  const y = tf.tidy(() => f.forward(keys, INFER).y);
  const v = y.dataSync() as Float32Array;
  y.dispose();
  return words.map((_, i) => v.slice(i * f.dim, (i + 1) * f.dim));
}

beforeAll(async () => {
  await initBackend({ backend: 'cpu', log: null });
});

describe('chars feature', () => {
  it('gives a word the same vector alone or among other words (its own characters only)', () => {
    const model = charsModel();
    const chars = model.features[1];
    expect(chars.type).toBe('chars');
    expect(chars.perWord).toBe(true);
    const [alone] = vectors(chars, ['Paris']);
    const among = vectors(chars, ['Internationalisation', 'Paris', 'a', 'Paris']);
    expect(Array.from(among[1])).toEqual(Array.from(alone));
    expect(Array.from(among[3])).toEqual(Array.from(alone));
    expect(Array.from(among[0])).not.toEqual(Array.from(alone));
    // Padding words are keys 0 and 1 and have vectors of their own.
    const pads = tf.tidy(() => chars.forward(Int32Array.of(chars.padStart, chars.padEnd), INFER).y.arraySync()) as number[][];
    expect(pads[0]).not.toEqual(pads[1]);
    model.dispose();
  });

  it('keeps prefix and suffix of a word past the length cap, and maps unseen characters to <unk>', () => {
    const model = charsModel({ maxWordLength: 6 });
    const chars = model.features[1];
    // 15 characters keep "Par" + "ted"; "ж" and "ю" never occur in training: both are <unk>.
    const [long, kept, u1, u2, seen] = vectors(chars, ['Parisxyzvisited', 'Parted', 'Mж', 'Mю', 'Ma']);
    expect(Array.from(long)).toEqual(Array.from(kept));
    expect(Array.from(long)).not.toEqual(Array.from(vectors(chars, ['Parisx'])[0]));
    expect(Array.from(u1)).toEqual(Array.from(u2));
    expect(Array.from(u1)).not.toEqual(Array.from(seen));
    model.dispose();
  });

  it('saves its vocabulary, limits and weights (with a highway layer) in the model file and restores the same scores', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'chars-'));
    try {
      const train = readConll(join(DATA, 'btc/btc.train')).slice(0, 200);
      const dev = readConll(join(DATA, 'btc/btc.dev')).slice(0, 60);
      const config = resolveConfig({ epochs: 2, batchSize: 64, hidden: [16], features: [{ type: 'embedding', dim: 8 }, { type: 'casing' }, { type: 'chars', dim: 8, maxWordLength: 12, highway: 1 }] });
      const fit = await fitModel({ config, train, dev, vectors: null });
      const names = fit.model.params().map((p) => p.name);
      expect(names).toEqual(expect.arrayContaining(['chars2/chars/table', 'chars2/conv/W', 'chars2/conv/b', 'chars2/highway0/gate/W']));
      const path = join(dir, 'm.sqlite');
      saveModel(fit.model, path);
      const { model } = await loadModel(path, null);
      const state = model.features[2].getState();
      expect(state.json.specialChars).toEqual(['<unk>', '<s>', '</s>']);
      expect((state.json.options as { maxWordLength: number }).maxWordLength).toBe(12);
      expect((state.json.chars as string[]).length).toBeGreaterThan(20);
      expect(Object.keys(state.tables).sort()).toEqual(['conv/W', 'conv/b', 'highway0/gate/W', 'highway0/gate/b', 'highway0/transform/W', 'highway0/transform/b', 'table']);
      const sentences = dev.map((s) => s.tokens);
      const before = referenceScorer(fit.model).score(sentences).scores;
      const after = referenceScorer(model).score(sentences).scores;
      let d = 0;
      for (let i = 0; i < before.length; i++) d = Math.max(d, Math.abs(before[i] - after[i]));
      expect(d).toBeLessThan(1e-5);
      model.dispose();
      fit.model.dispose();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('learns: training moves its character table and filters', async () => {
    const config = resolveConfig({ epochs: 3, patience: 3, batchSize: 8, hidden: [8], minFreq: 1, lr: 0.01, features: [{ type: 'chars', dim: 6 }] });
    const model = createModel(config, corpus, null, new Rng(1));
    const before = model.features[0].getState().tables;
    const table0 = before.table.data.slice();
    const w0 = before['conv/W'].data.slice();
    model.dispose();
    const fit = await fitModel({ config, train: corpus, dev: corpus, vectors: null });
    const after = fit.model.features[0].getState().tables;
    expect(Array.from(after.table.data)).not.toEqual(Array.from(table0));
    expect(Array.from(after['conv/W'].data)).not.toEqual(Array.from(w0));
    // A chars-only model fits three training sentences.
    expect(fit.history.at(-1)!.loss).toBeLessThan(fit.history[0].loss);
    fit.model.dispose();
  });

  it('refuses unknown keys and bad values by name, and over-limit values in a server config', () => {
    expect(() => charsModel({ filters: 3 })).toThrow(/feature "chars" has no key "filters"/);
    expect(() => charsModel({ width: 0 })).toThrow(/"chars" width must be an integer >= 1, got 0/);
    const limits = (spec: Record<string, unknown>) => () =>
      checkConfigLimits(resolveConfig({ features: [{ type: 'embedding' }, { type: 'chars', ...spec }] }), DEFAULT_CONFIG_LIMITS, 1e6);
    expect(limits({})).not.toThrow();
    expect(limits({ maxWordLength: 1000 })).toThrow('model.features[1].maxWordLength is 1000');
    expect(limits({ width: 99 })).toThrow('model.features[1].width is 99');
    expect(limits({ charDim: 4096 })).toThrow('model.features[1].charDim is 4096');
    expect(limits({ maxChars: 1e6 })).toThrow('model.features[1].maxChars is 1000000');
  });
});
