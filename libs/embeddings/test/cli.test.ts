/** The `window-ner import-embeddings` command, run as a real child process. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { join, resolve } from 'node:path';
import { EmbeddingStore } from '../src/index.js';
import { sha, tempDir, writeGlove, writeWord2VecBinary } from './fixtures.js';

const BIN = resolve(import.meta.dirname, '../../../apps/ner/bin/window-ner.js');
const run = (...args: string[]) =>
  spawnSync(process.execPath, [BIN, 'import-embeddings', ...args], { encoding: 'utf8', env: { ...process.env, DOTENV_CONFIG_QUIET: 'true' } });

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => (tmp = tempDir()));
afterEach(() => tmp.cleanup());

describe('window-ner import-embeddings', () => {
  it('imports a file with a progress bar and a summary line', () => {
    const out = join(tmp.dir, 'data', 'embeddings.sqlite');
    const r = run(writeWord2VecBinary(join(tmp.dir, 'v.bin')), '--out', out);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/embeddings\.sqlite: 6 vectors x 3 \(word2vec-bin\)/);
    expect(r.stderr).toMatch(/import .*100%/);
    const store = EmbeddingStore.open(out);
    expect(Array.from(store.get('Paris')!)).toEqual([1, 2, 3]);
    store.close();
  });

  it('prints its usage with --help', () => {
    const r = run('--help');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/Usage: window-ner import-embeddings/);
    expect(r.stdout).toMatch(/--format/);
  });

  it('reports bad input as one line naming file:line, exit 2, store untouched', () => {
    const out = join(tmp.dir, 's.sqlite');
    expect(run(writeGlove(join(tmp.dir, 'good.txt')), '--out', out).status).toBe(0);
    const before = sha(out);
    const bad = writeGlove(join(tmp.dir, 'bad.txt'), [['a', [1, 2, 3]], ['b', [1, 2]]]);
    const r = run(bad, '--out', out);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain(`${bad}:2: word "b": expected 3 values, got 2`);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
    expect(sha(out)).toBe(before);
  });

  it('rejects an unknown format naming the known ones', () => {
    const r = run(writeGlove(join(tmp.dir, 'v.txt')), '--format', 'fasttext');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--format: expected one of glove, word2vec, word2vec-bin, wink/);
  });
});
