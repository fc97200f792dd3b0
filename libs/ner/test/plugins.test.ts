import { beforeAll, describe, expect, it } from 'vitest';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '@window-ner/tensor';
import { resolveConfig } from '../src/config/config';
import { fitModel } from '../src/train/fit';
import { loadModel, saveModel } from '../src/model/file';
import { featurePlugins, loadPluginModules } from '../src/plugins/registry';
import type { Sentence } from '../src/corpus/types';

beforeAll(async () => {
  await initBackend({ backend: 'cpu', log: null });
});

// An external plugin module, outside the repo, that registers a feature through its `register` export:
// a one-hot of the word length bucket (1, 2, 3, 4-6, 7+), with its own padding row.
const PLUGIN = `
const bucket = (w) => (w.length <= 3 ? w.length - 1 : w.length <= 6 ? 3 : 4);
function make() {
  return {
    type: 'word-length', dim: 6, padStart: 5, padEnd: 5, unkId: -1, trainable: false, rows: 6, trainableRows: 0,
    ids(tokens, out, offset) { tokens.forEach((t, i) => { out[offset + i] = Math.max(0, bucket(t)); }); },
    copyRow(id, dst, off) { dst.fill(0, off, off + 6); dst[off + id] = 1; },
    params() { return []; },
    getState() { return { json: {}, tables: {} }; },
  };
}
export function register(r) {
  if (!r.feature.has('word-length')) r.feature.register('word-length', { create: make, restore: make });
}
`;

const corpus: Sentence[] = Array.from({ length: 40 }, (_, i) => ({
  tokens: ['Visit', i % 2 ? 'Paris' : 'Rome', 'with', i % 3 ? 'Anna' : 'Bob', 'today'],
  tags: ['O', 'B-LOC', 'O', 'B-PER', 'O'],
}));

describe('plugins', () => {
  it('a config naming an external module gets its feature, and the model reloads with it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ner-plugin-'));
    const plugin = join(dir, 'word-length.mjs');
    writeFileSync(plugin, PLUGIN);
    expect(featurePlugins.has('word-length')).toBe(false);
    const config = resolveConfig({ plugins: [plugin], features: [{ type: 'embedding', dim: 8 }, { type: 'casing' }, { type: 'word-length' }], hidden: [16], epochs: 2, minFreq: 1 });
    const fit = await fitModel({ config, train: corpus, dev: corpus.slice(0, 10), vectors: null });
    expect(featurePlugins.has('word-length')).toBe(true);
    expect(fit.model.builder.featureDim).toBe(8 + fit.model.features[1].dim + 6);
    const path = join(dir, 'm.sqlite');
    saveModel(fit.model, path);
    const loaded = await loadModel(path, null);
    expect(loaded.model.features.map((f) => f.type)).toEqual(['embedding', 'casing', 'word-length']);
    expect(loaded.model.predict([corpus[0].tokens])).toEqual(fit.model.predict([corpus[0].tokens]));
  });

  it('a missing plugin module is a clear error naming it', async () => {
    await expect(loadPluginModules(['./does-not-exist.mjs'], tmpdir())).rejects.toThrow(/does-not-exist\.mjs/);
  });
});
