import { beforeAll, describe, expect, it } from 'vitest';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { initBackend } from '@window-ner/tensor';
import { resolveConfig } from '../src/config/config.js';
import { fitModel } from '../src/train/fit.js';
import { trainModel } from '../src/train/train-model.js';
import { loadModel, saveModel } from '../src/model/file.js';
import { tokenizerPlugins } from '../src/plugins/registry.js';
import { allowedPlugins, allowPlugins, PluginNotAllowedError, pluginsUsedBy } from '../src/plugins/allowlist.js';
import type { Sentence } from '../src/corpus/types.js';

beforeAll(async () => {
  await initBackend({ backend: 'cpu', log: null });
});

// A plugin module that registers a tokenizer through its `register` export (tokens: runs of letters or digits,
// and single other characters) and leaves a marker file beside itself when it is imported, so a test can tell
// whether anything imported it. A tokenizer, so these tests do not depend on the feature interface.
const pluginSource = (name: string) => `
import { writeFileSync } from 'node:fs';
writeFileSync(new URL('./imported', import.meta.url), '');
export function register(r) {
  r.tokenizer.register('${name}', {
    name: '${name}',
    tokenize: (text) => [...text.matchAll(/[\\p{L}\\p{N}]+|\\S/gu)].map((m) => ({ text: m[0], start: m.index, end: m.index + m[0].length })),
  });
}
`;

/** A plugin package in `dir`: package.json (name, version) and index.mjs registering tokenizer `type`. */
function writePackage(dir: string, name: string, version: string, type: string): string {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, version, type: 'module', exports: { '.': './index.mjs' } }));
  writeFileSync(join(dir, 'index.mjs'), pluginSource(type));
  return join(dir, 'index.mjs');
}

const corpus: Sentence[] = Array.from({ length: 40 }, (_, i) => ({
  tokens: ['Visit', i % 2 ? 'Paris' : 'Rome', 'with', i % 3 ? 'Anna' : 'Bob', 'today'],
  tags: ['O', 'B-LOC', 'O', 'B-PER', 'O'],
}));

const small = (tokenizer: string) => ({ tokenizer, features: [{ type: 'embedding', dim: 8 }, { type: 'casing' }], hidden: [16], epochs: 2, minFreq: 1 });

/** Copy a model file and rewrite meta entries, as an old or hostile file would have them. */
function tamper(src: string, dst: string, edit: (meta: Map<string, unknown>) => void): string {
  copyFileSync(src, dst);
  const db = new Database(dst);
  const meta = new Map((db.prepare('SELECT key, value FROM meta').all() as { key: string; value: string }[]).map((r) => [r.key, JSON.parse(r.value) as unknown]));
  edit(meta);
  db.prepare('DELETE FROM meta').run();
  for (const [k, v] of meta) db.prepare('INSERT INTO meta (key, value) VALUES (?, ?)').run(k, JSON.stringify(v));
  db.close();
  return dst;
}

describe('plugins: only the operator allowlist is imported', () => {
  const root = mkdtempSync(join(tmpdir(), 'ner-plugins-'));
  // Never allowed: any import of it would leave root/evil/imported.
  const evil = writePackage(join(root, 'evil'), 'ner-test-evil', '1.0.0', 'evil-split');
  const evilMarker = join(root, 'evil/imported');
  const goodDir = join(root, 'good');
  const good = writePackage(goodDir, 'ner-test-split', '1.2.0', 'test-split');
  let modelPath: string;

  it('an allowed path is known by its package.json name and version, and registers its tokenizer', async () => {
    expect(tokenizerPlugins.has('test-split')).toBe(false);
    await allowPlugins([good]);
    expect(existsSync(join(goodDir, 'imported'))).toBe(true);
    expect(tokenizerPlugins.get('test-split').tokenize('Rome, today').map((t) => t.text)).toEqual(['Rome', ',', 'today']);
    expect(allowedPlugins()).toContainEqual(expect.objectContaining({ name: 'ner-test-split', version: '1.2.0', spec: good, provides: ['tokenizer:test-split'] }));
    await allowPlugins([good]); // the same module again: a no-op
    expect(allowedPlugins().filter((p) => p.name === 'ner-test-split')).toHaveLength(1);
  });

  it('trains, saves the plugin by name and version (no path), loads and predicts the same', async () => {
    const fit = await fitModel({ config: resolveConfig(small('test-split')), train: corpus, dev: corpus.slice(0, 10), vectors: null });
    modelPath = join(root, 'm.sqlite');
    saveModel(fit.model, modelPath);
    const db = new Database(modelPath, { readonly: true });
    const meta = Object.fromEntries((db.prepare('SELECT key, value FROM meta').all() as { key: string; value: string }[]).map((r) => [r.key, r.value]));
    db.close();
    expect(JSON.parse(meta.plugins)).toEqual([{ name: 'ner-test-split', version: '1.2.0' }]);
    expect(meta.config).not.toContain(root);
    const loaded = await loadModel(modelPath, null);
    expect(loaded.model.config.model.tokenizer).toBe('test-split');
    expect(loaded.model.predict([corpus[0].tokens])).toEqual(fit.model.predict([corpus[0].tokens]));
  });

  it('a model naming a plugin that is not allowed is refused, naming it and --plugins; nothing is imported', async () => {
    const path = tamper(modelPath, join(root, 'other.sqlite'), (m) => m.set('plugins', [{ name: 'ner-test-evil', version: '1.0.0' }, { name: 'ner-test-split', version: '1.2.0' }]));
    const err = await loadModel(path, null).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PluginNotAllowedError);
    expect((err as PluginNotAllowedError).missing).toEqual(['ner-test-evil@1.0.0']);
    expect((err as Error).message).toMatch(/other\.sqlite: needs plugins that are not allowed: ner-test-evil@1\.0\.0\. .*--plugins ner-test-evil /);
    expect(existsSync(evilMarker)).toBe(false);
  });

  it('the allowed version must be compatible (^recorded) with the one the model was trained with', async () => {
    const newer = tamper(modelPath, join(root, 'newer.sqlite'), (m) => m.set('plugins', [{ name: 'ner-test-split', version: '2.0.0' }]));
    await expect(loadModel(newer, null)).rejects.toThrow(/ner-test-split@2\.0\.0 \(allowed version 1\.2\.0 is not compatible\)/);
    const older = tamper(modelPath, join(root, 'older.sqlite'), (m) => m.set('plugins', [{ name: 'ner-test-split', version: '1.0.3' }]));
    expect((await loadModel(older, null)).model.config.model.tokenizer).toBe('test-split');
  });

  it('an old model file that stored module paths is refused with the same error, and the path is not imported', async () => {
    const legacy = tamper(modelPath, join(root, 'legacy.sqlite'), (m) => {
      m.delete('plugins');
      const config = m.get('config') as { model: Record<string, unknown> };
      config.model.plugins = [evil];
      config.model.tokenizer = 'evil-split';
    });
    const err = await loadModel(legacy, null).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PluginNotAllowedError);
    expect((err as Error).message).toContain(`${evil} (a module path recorded by an older window-ner`);
    expect((err as Error).message).toContain('--plugins');
    expect(existsSync(evilMarker)).toBe(false);
  });

  it('a config may not name modules: "plugins" is an error naming the key, and trainModel imports nothing', async () => {
    expect(() => resolveConfig({ plugins: [evil] })).toThrow(/config: "plugins" is not allowed: .*--plugins/);
    expect(() => resolveConfig({ model: { plugins: [evil] } })).toThrow(/config: "model\.plugins" is not allowed/);
    const train = join(root, 'train.conll');
    writeFileSync(train, 'Paris B-LOC\nis O\nnice O\n');
    await expect(trainModel({ trainPath: train, outPath: join(root, 'x.sqlite'), config: { plugins: [evil] } })).rejects.toThrow(/"plugins" is not allowed/);
    expect(existsSync(evilMarker)).toBe(false);
    expect(existsSync(join(root, 'x.sqlite'))).toBe(false);
  });

  it('an installed package name resolves from the base folder through its exports', async () => {
    const base = join(root, 'project');
    const pkgDir = join(base, 'node_modules/@acme/ner-shape');
    writePackage(pkgDir, '@acme/ner-shape', '0.3.1', 'acme-split');
    await allowPlugins(['@acme/ner-shape'], base);
    expect(existsSync(join(pkgDir, 'imported'))).toBe(true);
    expect(allowedPlugins()).toContainEqual(expect.objectContaining({ name: '@acme/ner-shape', version: '0.3.1', spec: '@acme/ner-shape', provides: ['tokenizer:acme-split'] }));
  });

  it('a plugin that overrides a built-in is recorded as providing it', async () => {
    const dir = join(root, 'override');
    mkdirSync(dir);
    writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'ner-test-greedy', version: '2.0.0' }));
    // The same decoder under the same name: behaviour unchanged, provider changed.
    writeFileSync(join(dir, 'index.mjs'), "export function register(r) { r.decoder.register('greedy', { ...r.decoder.get('greedy') }, { override: true }); }");
    await allowPlugins([join(dir, 'index.mjs')]);
    expect(allowedPlugins().find((p) => p.name === 'ner-test-greedy')?.provides).toEqual(['decoder:greedy']);
    expect(pluginsUsedBy(resolveConfig({ decoder: 'greedy', tokenizer: 'test-split' }))).toEqual([
      { name: 'ner-test-greedy', version: '2.0.0' },
      { name: 'ner-test-split', version: '1.2.0' },
    ]);
    expect(pluginsUsedBy(resolveConfig({}))).toEqual([]);
  });

  it('bad specs are clear errors, found before anything is imported', async () => {
    const late = writePackage(join(root, 'late'), 'ner-test-late', '1.0.0', 'late-split');
    // The second spec is wrong, so the first is never imported.
    await expect(allowPlugins([late, './does-not-exist.mjs'], root)).rejects.toThrow(/--plugins: "\.\/does-not-exist\.mjs" is not a module file/);
    expect(existsSync(join(root, 'late/imported'))).toBe(false);
    await expect(allowPlugins(['no-such-package-xyz'], root)).rejects.toThrow(/--plugins: no installed package "no-such-package-xyz"/);
    const loose = join(mkdtempSync(join(tmpdir(), 'ner-loose-')), 'loose.mjs');
    writeFileSync(loose, 'export {};');
    await expect(allowPlugins([loose])).rejects.toThrow(/is in no package: put a package\.json with "name" and "version"/);
    const silent = join(root, 'silent');
    mkdirSync(silent);
    writeFileSync(join(silent, 'package.json'), JSON.stringify({ name: 'ner-test-silent', version: '1.0.0' }));
    writeFileSync(join(silent, 'index.mjs'), 'export const nothing = 1;');
    await expect(allowPlugins([join(silent, 'index.mjs')])).rejects.toThrow(/ner-test-silent@1\.0\.0 .* registered nothing/);
    const twin = join(goodDir, 'twin.mjs');
    writeFileSync(twin, pluginSource('twin-split'));
    await expect(allowPlugins([twin])).rejects.toThrow(/are both package ner-test-split/);
  });
});
