/**
 * SIGTERM ends `window-ner serve` within its grace period whatever a training job is doing: here a job reading a
 * large corpus, then one in the middle of training. The jobs are recorded as failed for the next start.
 */
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { expect, it } from 'vitest';
import { request } from './support/http-client.js';
import { DEFAULT_MODEL, REPO, SMALL } from './support/training-service.js';

const CLI = resolve(import.meta.dirname, '../bin/window-ner.js');
const TOKEN = 'sigterm-token';
const GRACE_MS = 3_000;

async function serveAndTerminate(body: Record<string, unknown>, phase: string, data: string, state: string) {
  const proc = spawn(process.execPath, [CLI, 'serve', '--port', '0', '--embeddings', 'none', '--model', DEFAULT_MODEL, '--state-dir', state,
    '--data-dir', data, '--grace-ms', String(GRACE_MS), '--min-dev-f1', '0', '--quiet'], {
    env: { ...process.env, NER_ADMIN_TOKEN: TOKEN, DOTENV_CONFIG_QUIET: 'true' },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = once(proc, 'exit') as Promise<[number | null, string | null]>;
  try {
    const logs: Record<string, unknown>[] = [];
    const ready = new Promise<string>((done, fail) => {
      createInterface({ input: proc.stdout! }).on('line', (line) => {
        const entry = JSON.parse(line) as Record<string, unknown>;
        logs.push(entry);
        if (entry.msg === 'ready') done(String(logs.find((l) => l.msg === 'listening')?.url));
      });
      void exited.then(() => fail(new Error('server exited before it was ready')));
    });
    const url = await ready;
    const auth = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
    const started = await request(url, { method: 'POST', path: '/v1/train', headers: auth, body: JSON.stringify(body) });
    expect(started.status, started.text).toBe(202);
    const id = (started.json as { id: string }).id;
    let seen = '';
    for (let i = 0; i < 1500 && seen !== phase; i++) {
      const job = (await request(url, { path: `/v1/jobs/${id}`, headers: auth })).json as { progress: { phase: string } | null };
      seen = job.progress?.phase ?? '';
      if (seen !== phase) await new Promise((r) => setTimeout(r, 20));
    }
    expect(seen).toBe(phase);
    const t0 = Date.now();
    proc.kill('SIGTERM');
    const [code] = await exited;
    expect(Date.now() - t0).toBeLessThan(GRACE_MS);
    expect(code).toBe(0);
    expect(logs.find((l) => l.msg === 'stopped')).toMatchObject({ forced: false });
  } finally {
    if (proc.exitCode === null) proc.kill('SIGKILL');
  }
}

it('SIGTERM while a job reads its corpus, and while it trains: the server exits 0 within the grace period', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'window-ner-sigterm-'));
  const data = join(dir, 'data');
  mkdirSync(data);
  const dev = readFileSync(join(REPO, 'data/btc/btc.dev'), 'utf8').split('\n');
  writeFileSync(join(data, 'small.conll'), dev.slice(0, 3000).join('\n'));
  writeFileSync(join(data, 'dev.conll'), dev.slice(3000, 4000).join('\n'));
  writeFileSync(join(data, 'big.conll'), 'Angela B-PER\nMerkel I-PER\nmet O\nParis B-LOC\n\n'.repeat(300_000));
  await serveAndTerminate({ train: 'big.conll', dev: 'dev.conll', config: SMALL }, 'load', data, join(dir, 'state'));
  await serveAndTerminate({ train: 'small.conll', dev: 'dev.conll', config: { ...SMALL, epochs: 200, patience: 200 } }, 'train', data, join(dir, 'state'));
}, 120_000);
