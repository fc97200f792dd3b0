/**
 * Plugins load only from the operator's --plugins, through the real CLI: `train`, `tag` and `serve` as child
 * processes. Plugin modules here leave a marker file beside themselves when imported, so each test can tell whether
 * a refused model, config or request made a process import anything.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { spawnServer, type ChildServer } from './support/child-server.js';
import { postJson, request } from './support/http-client.js';
import { CLI } from './support/paths.js';
import { pollUntil } from './support/poll.js';

const TOKEN = 'plugins-e2e-token';
const root = mkdtempSync(join(tmpdir(), 'window-ner-plugins-e2e-'));
const dataDir = join(root, 'data');
const modelPath = join(root, 'shape.sqlite');

/**
 * A plugin package: package.json (name, version) and index.mjs registering tokenizer `tokenizer` (runs of letters
 * or digits, and single other characters), with a marker. A tokenizer: its interface is the most stable one.
 */
function writePlugin(dir: string, name: string, tokenizer: string): { module: string; marker: string } {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, version: '1.0.0', type: 'module' }));
  writeFileSync(join(dir, 'index.mjs'), `
import { writeFileSync } from 'node:fs';
writeFileSync(new URL('./imported', import.meta.url), String(process.pid));
export function register(r) {
  r.tokenizer.register('${tokenizer}', {
    name: '${tokenizer}',
    tokenize: (text) => [...text.matchAll(/[\\p{L}\\p{N}]+|\\S/gu)].map((m) => ({ text: m[0], start: m.index, end: m.index + m[0].length })),
  });
}
`);
  return { module: join(dir, 'index.mjs'), marker: join(dir, 'imported') };
}

const shape = writePlugin(join(root, 'plugins/shape'), 'ner-e2e-shape', 'e2e-split');
const evil = writePlugin(join(root, 'plugins/evil'), 'ner-e2e-evil', 'e2e-evil');
const config = { tokenizer: 'e2e-split', features: [{ type: 'embedding', dim: 8 }, { type: 'casing' }], hidden: [16], epochs: 10, batchSize: 16, lr: 0.01, wordDropout: 0, minFreq: 1 };

function cli(args: string[], input = '') {
  return spawnSync(process.execPath, [CLI, ...args], { input, encoding: 'utf8', timeout: 120_000, env: { ...process.env, DOTENV_CONFIG_QUIET: 'true' } });
}

beforeAll(() => {
  mkdirSync(dataDir);
  const lines: string[] = [];
  const people = ['Anna', 'Bob', 'Chidi', 'Eva'];
  const places = ['Paris', 'Oslo', 'Lima', 'Kyoto'];
  for (let i = 0; i < 80; i++) lines.push(`${people[i % 4]} B-PER`, 'visited O', `${places[(i * 3) % 4]} B-LOC`, '. O', '');
  writeFileSync(join(dataDir, 'small.conll'), lines.join('\n'));
  const r = cli(['train', '--plugins', shape.module, '--train', join(dataDir, 'small.conll'), '--out', modelPath, '--embeddings', 'none', '--quiet', '--config', JSON.stringify(config)]);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('train --config', () => {
  it('a config naming modules is refused (exit 2, names the key and the flag); nothing is imported', () => {
    const r = cli(['train', '--train', join(dataDir, 'small.conll'), '--out', join(root, 'x.sqlite'), '--embeddings', 'none', '--quiet', '--config', JSON.stringify({ plugins: [evil.module] })]);
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toMatch(/^window-ner train: config: "plugins" is not allowed: .*--plugins/);
    expect(existsSync(evil.marker)).toBe(false);
    expect(existsSync(join(root, 'x.sqlite'))).toBe(false);
  });
});

describe('tag', () => {
  it('refuses a model whose plugin is not allowed: one line naming it and --plugins, exit 2, nothing imported', () => {
    rmSync(shape.marker, { force: true });
    const r = cli(['tag', '--model', modelPath, '--embeddings', 'none'], 'Eva visited Oslo .\n');
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe(`window-ner tag: ${modelPath}: needs plugins that are not allowed: ner-e2e-shape@1.0.0. Start the command with --plugins ner-e2e-shape (installed package names, or paths to their modules) to allow them`);
    expect(r.stdout).toBe('');
    expect(existsSync(shape.marker)).toBe(false);
  });

  it('eval refuses it the same way, and evaluates with the plugin allowed', () => {
    rmSync(shape.marker, { force: true });
    const refused = cli(['eval', '--model', modelPath, '--data', join(dataDir, 'small.conll'), '--embeddings', 'none', '--json']);
    expect(refused.status).toBe(2);
    expect(refused.stderr.trim()).toMatch(/^window-ner eval: .*needs plugins that are not allowed: ner-e2e-shape@1\.0\.0\. Start the command with --plugins ner-e2e-shape /);
    expect(existsSync(shape.marker)).toBe(false);
    const r = cli(['eval', '--plugins', shape.module, '--model', modelPath, '--data', join(dataDir, 'small.conll'), '--embeddings', 'none', '--json']);
    expect(r.status).toBe(0);
    expect((JSON.parse(r.stdout) as { overall: { f1: number } }).overall.f1).toBeGreaterThan(90);
  });

  it('tags with the plugin allowed', () => {
    const r = cli(['tag', '--plugins', shape.module, '--model', modelPath, '--embeddings', 'none'], 'Eva visited Oslo .\n');
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    const out = JSON.parse(r.stdout) as { entities: { text: string; label: string }[] };
    expect(out.entities.map((e) => `${e.text}/${e.label}`)).toEqual(['Eva/PER', 'Oslo/LOC']);
    expect(existsSync(shape.marker)).toBe(true);
  });
});

describe('serve', () => {
  it('refuses to serve a model whose plugin is not allowed (exit 1, the log names it and --plugins), nothing imported', () => {
    rmSync(shape.marker, { force: true });
    const state = join(root, 'state-refused');
    const r = spawnSync(process.execPath, [CLI, 'serve', '--port', '0', '--embeddings', 'none', '--model', modelPath, '--state-dir', state], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, DOTENV_CONFIG_QUIET: 'true' } });
    expect(r.status).toBe(1);
    const logs = r.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { msg: string; err?: { message: string } });
    expect(logs.find((l) => l.msg === 'no model could be loaded')?.err?.message).toContain('needs plugins that are not allowed: ner-e2e-shape@1.0.0. Start the command with --plugins ner-e2e-shape');
    expect(existsSync(shape.marker)).toBe(false);
  });

  describe('with the plugin allowed and training over HTTP on', () => {
    let server: ChildServer;
    const train = (body: unknown) => request(server.url, { method: 'POST', path: '/v1/train', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const settle = (id: string) =>
      pollUntil('the training job to end', async () => (await request(server.url, { path: `/v1/jobs/${id}`, headers: { authorization: `Bearer ${TOKEN}` } })).json as { status: string; error: string | null }, (j) => j.status !== 'running', 90_000, 200);

    beforeAll(async () => {
      server = await spawnServer(['--plugins', shape.module, '--embeddings', 'none', '--model', modelPath, '--state-dir', join(root, 'state'), '--data-dir', dataDir, '--quiet'], { NER_ADMIN_TOKEN: TOKEN });
    });
    afterAll(async () => {
      server.proc.kill('SIGTERM');
      await server.exited;
    });

    it('serves the model', async () => {
      const res = await postJson(server.url, '/v1/entities', { text: 'Eva visited Oslo .' });
      expect(res.status).toBe(200);
      expect((res.json as { entities: { text: string }[] }).entities.map((e) => e.text)).toEqual(['Eva', 'Oslo']);
    });

    it.each([
      ['plugins', { plugins: [evil.module] }],
      ['model.plugins', { model: { plugins: [evil.module] } }],
      ['plugins', { plugins: ['ner-e2e-shape'], features: [{ type: 'embedding', dim: 8 }] }],
    ])('a request whose config has "%s" is a 400 naming the key; the module is not imported', async (key, cfg) => {
      const res = await train({ train: 'small.conll', dev: 'small.conll', config: cfg });
      expect(res.status).toBe(400);
      expect((res.json as { error: { message: string } }).error.message).toContain(`"${key}" is not allowed`);
      expect(existsSync(evil.marker)).toBe(false);
    });

    it('a request selects an allowed plugin by registry name: the job trains with it and publishes', async () => {
      const res = await train({ train: 'small.conll', dev: 'small.conll', config });
      expect(res.status).toBe(202);
      expect(await settle((res.json as { id: string }).id)).toMatchObject({ status: 'succeeded', error: null });
    });

    it('a request naming a feature no allowed plugin registered is refused, importing nothing', async () => {
      const res = await train({ train: 'small.conll', dev: 'small.conll', config: { ...config, features: [{ type: 'embedding', dim: 8 }, { type: 'e2e-evil' }] } });
      // Refused up front (400) or by the job: either way it names the feature and imports nothing.
      const message = res.status === 202 ? (await settle((res.json as { id: string }).id)).error : (res.json as { error: { message: string } }).error.message;
      expect(message).toContain('unknown feature "e2e-evil"');
      expect(existsSync(evil.marker)).toBe(false);
    });
  });
});
