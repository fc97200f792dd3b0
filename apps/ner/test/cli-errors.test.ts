/**
 * Input errors through the real CLI (child processes): each names the file (and line where there is one), prints
 * no stack trace, exits 2 and leaves no partial output; an error that is not about the input keeps its stack.
 * Progress bars print plain lines when stderr is not a terminal.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';

const BIN = resolve(__dirname, '../bin/window-ner.js');
const STACK_LINE = /^\s+at /m;

function cli(args: string[], env: Record<string, string> = {}) {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, WINDOW_NER_BACKEND: 'cpu', ...env } });
  return { code: r.status, out: r.stdout, err: r.stderr };
}

/** The one-line input error: exit 2, the file named, no stack, nothing on stdout. */
function expectInputError(r: ReturnType<typeof cli>, names: RegExp): void {
  expect(r.err, r.err).toMatch(names);
  expect(r.err).not.toMatch(STACK_LINE);
  expect(r.err.trim().split('\n')).toHaveLength(1);
  expect(r.code).toBe(2);
  expect(r.out).toBe('');
}

describe('CLI input errors', () => {
  const dir = mkdtempSync(join(tmpdir(), 'ner-cli-errors-'));
  const out = join(dir, 'out');
  mkdirSync(out);
  const empty = join(dir, 'empty.conll');
  writeFileSync(empty, '\n-DOCSTART- O\n\n');
  const notSqlite = join(dir, 'model.sqlite');
  writeFileSync(notSqlite, 'this is text, not a database\n'.repeat(100));
  const notModel = join(dir, 'other.sqlite');
  new Database(notModel).exec('CREATE TABLE t (x)').close();
  const corpus = join(dir, 'small.conll');
  writeFileSync(corpus, 'Paris B-LOC\nis O\nnice O\n\n');
  const malformed = join(dir, 'malformed.conll');
  writeFileSync(malformed, 'Paris B-LOC\nis O extra\n');
  const vectors = Array.from({ length: 2000 }, (_, i) => `w${i} ${[0.1, 0.2, 0.3].map((v) => (v * i).toFixed(3)).join(' ')}`).join('\n') + '\n';
  const truncated = join(dir, 'vectors.txt.gz');
  const gz = gzipSync(vectors);
  writeFileSync(truncated, gz.subarray(0, Math.floor(gz.length / 2)));

  it('bench: an unknown --rows name is refused before any training, listing the rows', () => {
    const data = join(dir, 'bench-data');
    mkdirSync(data);
    writeFileSync(join(data, 'eng.train'), 'Paris B-LOC\n');
    writeFileSync(join(data, 'eng.testa'), 'Paris B-LOC\n');
    expectInputError(cli(['bench', '--data', data, '--rows', 'all/crf,nope', '--out', join(dir, 'bench.json')]), /--rows: no row "nope" \(rows: base, \+chars, .*all\/crf/);
  });

  it('train: an empty corpus names the file, writes no model', () => {
    expectInputError(cli(['train', '--train', empty, '--out', join(out, 'm.sqlite'), '--embeddings', 'none', '--quiet']), /empty\.conll: no sentences/);
    expect(readdirSync(out)).toEqual([]);
  });

  it('train: a directory or a missing file as the corpus', () => {
    expectInputError(cli(['train', '--train', dir, '--out', join(out, 'm.sqlite'), '--embeddings', 'none', '--quiet']), new RegExp(`${dir}.*directory`));
    expectInputError(cli(['train', '--train', join(dir, 'nope.conll'), '--out', join(out, 'm.sqlite'), '--embeddings', 'none']), /nope\.conll/);
    expect(readdirSync(out)).toEqual([]);
  });

  it('import-embeddings: a truncated gzip names the file, and no store (or temp file) is left', () => {
    const r = cli(['import-embeddings', truncated, '--out', join(out, 'e.sqlite')]);
    expect(r.err).toMatch(/vectors\.txt\.gz: the gzip data ends too early/);
    expect(r.err).not.toMatch(STACK_LINE);
    expect(r.code).toBe(2);
    expect(readdirSync(out)).toEqual([]);
  });

  it('eval and tag: a model file that is not SQLite, or SQLite but not a model', () => {
    expectInputError(cli(['eval', '--model', notSqlite, '--data', corpus, '--embeddings', 'none']), /model\.sqlite: .*not a/);
    expectInputError(cli(['tag', '--model', notModel, '--embeddings', 'none', corpus]), /other\.sqlite: not a window-ner model file/);
  });

  it('eval: a malformed corpus names file:line', () => {
    // A valid model first (tiny, two epochs), so the corpus is what fails.
    const model = join(dir, 'tiny.sqlite');
    const train = cli(['train', '--train', corpus, '--out', model, '--embeddings', 'none', '--quiet', '--config', '{"epochs":1,"hidden":[4],"features":[{"type":"embedding","dim":4}]}']);
    expect(train.code, train.err).toBe(0);
    expectInputError(cli(['eval', '--model', model, '--data', malformed, '--embeddings', 'none']), /malformed\.conll:2/);
  });

  it('an error that is not about an input file keeps its stack (exit 1)', () => {
    const r = cli(['eval', '--model', notSqlite, '--data', corpus, '--embeddings', 'none'], { WINDOW_NER_BACKEND: 'no-such-backend' });
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/no-such-backend/);
    expect(r.err).toMatch(STACK_LINE);
  });
});

describe('progress when stderr is not a terminal', () => {
  it('prints a few plain lines with real figures, not a line per update', () => {
    const dir = mkdtempSync(join(tmpdir(), 'ner-cli-progress-'));
    const source = join(dir, 'v.txt');
    writeFileSync(source, Array.from({ length: 20_000 }, (_, i) => `w${i} 0.1 0.2 0.3`).join('\n') + '\n');
    const r = cli(['import-embeddings', source, '--out', join(dir, 'e.sqlite')]);
    expect(r.code, r.err).toBe(0);
    const lines = r.err.split('\n').filter((l) => l.startsWith('import'));
    expect(r.err).not.toContain('\r');
    expect(lines.length).toBeGreaterThanOrEqual(1);
    expect(lines.length).toBeLessThan(6);
    expect(lines.at(-1)).toMatch(/100% (\d+)\/\1 kB .*20000 vectors/);
    expect(r.err).not.toMatch(/ 0\/0 /);
    expect(readFileSync(join(dir, 'e.sqlite')).subarray(0, 15).toString()).toBe('SQLite format 3');
  });
});
