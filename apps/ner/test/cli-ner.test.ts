import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const BIN = resolve(__dirname, '../bin/window-ner.js');
const BTC = resolve(__dirname, '../../../data/btc');

function cli(args: string[], input?: string) {
  const r = spawnSync(process.execPath, [BIN, ...args], { input, encoding: 'utf8', env: { ...process.env, WINDOW_NER_BACKEND: 'cpu' } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

describe('window-ner train/eval/tag (real processes, tiny data)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ner-cli-'));
  const train = join(dir, 'train.conll');
  const dev = join(dir, 'dev.conll');
  writeFileSync(train, readFileSync(join(BTC, 'btc.train'), 'utf8').split('\n').slice(0, 4000).join('\n'));
  writeFileSync(dev, readFileSync(join(BTC, 'btc.dev'), 'utf8').split('\n').slice(0, 800).join('\n'));
  const model = join(dir, 'm.sqlite');

  it('trains, evaluates and tags', () => {
    const t = cli(['train', '--train', train, '--dev', dev, '--out', model, '--embeddings', 'none', '--quiet', '--config', '{"epochs":2,"hidden":[32],"features":[{"type":"embedding","dim":16},{"type":"casing"}]}']);
    expect(t.err + t.out).toMatch(/wrote/);
    expect(t.code).toBe(0);
    expect(existsSync(model)).toBe(true);
    const e = cli(['eval', '--model', model, '--data', dev, '--embeddings', 'none', '--json']);
    expect(e.code).toBe(0);
    expect(JSON.parse(e.out).overall).toHaveProperty('f1');
    const g = cli(['tag', '--model', model, '--embeddings', 'none'], 'Theresa May visited London .\n');
    expect(g.code).toBe(0);
    const line = JSON.parse(g.out.trim());
    expect(line.text).toBe('Theresa May visited London .');
    expect(Array.isArray(line.entities)).toBe(true);
  });

  it('rejects a malformed corpus with file:line and writes no model', () => {
    const bad = join(dir, 'bad.conll');
    writeFileSync(bad, 'a O\nb X-FOO\n');
    const out = join(dir, 'bad.sqlite');
    const r = cli(['train', '--train', bad, '--out', out, '--embeddings', 'none', '--quiet']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/bad\.conll:2/);
    expect(existsSync(out)).toBe(false);
  });

  it('names a bad flag', () => {
    const r = cli(['train', '--bogus']);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(/bogus/);
  });
});
