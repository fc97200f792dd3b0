/**
 * Replicated serving (`serve --registry`): real `serve` processes on one real redis-server (started here on a
 * loopback port, its own state directory each, so nothing reaches a replica but through Redis). A model published
 * by a training job on one replica and a rollback activated on another swap every replica within seconds while
 * tagging load runs against both, with zero failed requests; a replica started later fetches the served model from
 * the registry; job records, the one-job limit and cancels span the replicas; an unreachable registry stops `serve`
 * at start, and one lost while serving leaves tagging running.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { freePort, startRedis, type RedisServer } from '@window-ner/ner-app';
import { spawnCli } from './support/cli-process.js';
import { type ChildServer, spawnServer } from './support/child-server.js';
import { request } from './support/http-client.js';
import { type LoadRecord, startLoad } from './support/load.js';
import { BTC_DEV, DATA_DIR } from './support/paths.js';
import { pollUntil } from './support/poll.js';

const fx = inject('fixtures');
const TOKEN = 'registry-admin-token';
const auth = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
/** How long a replica may take to follow a publish or an activate made on another one. */
const SWAP_MS = 5_000;

let dir: string;
let redis: RedisServer;
const servers: ChildServer[] = [];

interface Job {
  id: string;
  status: string;
  modelVersion: string | null;
  error: string | null;
}
interface Models {
  serving: { version: string };
  published: { version: string; serving: boolean }[];
}

function replica(name: string, model = fx.modelPath): Promise<ChildServer> {
  const args = ['--registry', redis.url, '--model', model, '--embeddings', fx.storePath, '--state-dir', join(dir, name), '--data-dir', DATA_DIR, '--min-dev-f1', '0', '--quiet'];
  // A loaded 2-core host can take a minute to start a process (tsx compiles the sources).
  return spawnServer(args, { NER_ADMIN_TOKEN: TOKEN }, 1, 150_000).then((s) => {
    servers.push(s);
    return s;
  });
}

const models = async (s: ChildServer) => (await request(s.url, { path: '/v1/models' })).json as Models;
const serving = async (s: ChildServer) => (await models(s)).serving.version;

/** Poll a replica until it serves `version`; returns how long that took. */
async function follows(s: ChildServer, version: string): Promise<number> {
  const t0 = Date.now();
  await pollUntil(`${s.url} to serve ${version}`, () => serving(s), (v) => v === version, SWAP_MS, 25);
  const ms = Date.now() - t0;
  console.error(`[e2e] ${s.url} served ${version} ${ms} ms after the change was confirmed on another replica`);
  return ms;
}

function failures(records: LoadRecord[]): LoadRecord[] {
  return records.filter((r) => r.status !== 200);
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'window-ner-registry-'));
  mkdirSync(join(dir, 'redis'));
  redis = await startRedis({ dir: join(dir, 'redis') });
  await Promise.all([replica('a'), replica('b')]);
}, 330_000);

afterAll(async () => {
  await Promise.all(
    servers.map(async (s) => {
      if (s.proc.exitCode !== null || s.proc.signalCode !== null) return;
      s.proc.kill('SIGTERM');
      const timer = setTimeout(() => s.proc.kill('SIGKILL'), 10_000);
      await s.exited;
      clearTimeout(timer);
    }),
  );
  await redis?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('serve --registry: replicas sharing one model registry', () => {
  let trained = '';

  it('a job trained on one replica is visible on the other, the one-job limit is cluster-wide, and its model swaps the other replica under load', async () => {
    const [a, b] = servers;
    expect(await serving(a)).toBe(fx.modelVersion);
    expect(await serving(b)).toBe(fx.modelVersion);
    expect((await models(b)).published.map((m) => m.version)).toEqual([fx.modelVersion]);

    const loads = [startLoad(a.url, 2), startLoad(b.url, 2)];
    const started = await request(a.url, { method: 'POST', path: '/v1/train', headers: auth, body: JSON.stringify({ train: BTC_DEV, dev: BTC_DEV, config: { ...fx.smallConfig, epochs: 2 } }) });
    expect(started.status).toBe(202);
    const id = (started.json as Job).id;
    const second = await request(b.url, { method: 'POST', path: '/v1/train', headers: auth, body: JSON.stringify({ train: BTC_DEV, dev: BTC_DEV }) });
    expect(second.status).toBe(409);

    // Polled on the replica that does not run the job.
    const job = await pollUntil(
      'the job to finish (read on replica b)',
      async () => (await request(b.url, { path: `/v1/jobs/${id}`, headers: auth })).json as Job,
      (j) => j.status !== 'running',
      90_000,
      50,
    );
    expect(job).toMatchObject({ status: 'succeeded', error: null });
    trained = job.modelVersion as string;
    expect(trained).not.toBe(fx.modelVersion);
    expect(await follows(b, trained)).toBeLessThan(SWAP_MS);
    await new Promise((r) => setTimeout(r, 500));
    const [onA, onB] = await Promise.all(loads.map((l) => l.stop()));

    expect(failures(onA)).toEqual([]);
    expect(failures(onB)).toEqual([]);
    expect(onB.length).toBeGreaterThan(50);
    expect(new Set(onB.map((r) => r.version))).toEqual(new Set([fx.modelVersion, trained]));
    expect(onB.slice(-10).every((r) => r.version === trained)).toBe(true);
    // Replica b's copy came through Redis into its own models/ directory, named by its sha256.
    expect(readdirSync(join(dir, 'b/models')).filter((f) => f.startsWith(trained))).toHaveLength(1);
  });

  it('an activate (rollback) on one replica swaps the others within seconds, with zero failed requests', async () => {
    const [a, b] = servers;
    const loads = [startLoad(a.url, 2), startLoad(b.url, 2)];
    await new Promise((r) => setTimeout(r, 300));
    const res = await request(b.url, { method: 'POST', path: `/v1/models/${fx.modelVersion}/activate`, headers: auth });
    expect(res.status).toBe(200);
    expect(await follows(a, fx.modelVersion)).toBeLessThan(SWAP_MS);
    await new Promise((r) => setTimeout(r, 300));
    const [onA, onB] = await Promise.all(loads.map((l) => l.stop()));
    expect(failures(onA)).toEqual([]);
    expect(failures(onB)).toEqual([]);
    expect(onA.slice(-10).every((r) => r.version === fx.modelVersion)).toBe(true);
    expect((await models(a)).published.find((m) => m.serving)?.version).toBe(fx.modelVersion);
  });

  it('a replica started later serves the active model, fetched from the registry (its --model file does not exist)', async () => {
    const [a] = servers;
    expect((await request(a.url, { method: 'POST', path: `/v1/models/${trained}/activate`, headers: auth })).status).toBe(200);
    const missing = join(dir, 'no-such-model.sqlite');
    const c = await replica('c', missing);
    expect(existsSync(missing)).toBe(false);
    expect(await serving(c)).toBe(trained);
    const tagged = await request(c.url, { method: 'POST', path: '/v1/entities', headers: { 'content-type': 'application/json' }, body: '{"text":"Barack Obama visited Paris."}' });
    expect(tagged.status).toBe(200);
  }, 330_000);

  it('a cancel sent to another replica stops the job on its owner', async () => {
    const [a, b] = servers;
    const started = await request(a.url, { method: 'POST', path: '/v1/train', headers: auth, body: JSON.stringify({ train: BTC_DEV, dev: BTC_DEV, config: { ...fx.smallConfig, epochs: 200, patience: 200 } }) });
    expect(started.status).toBe(202);
    const id = (started.json as Job).id;
    await new Promise((r) => setTimeout(r, 1000));
    expect((await request(b.url, { method: 'DELETE', path: `/v1/jobs/${id}`, headers: auth })).status).toBe(200);
    const job = await pollUntil('the cancelled job to end', async () => (await request(a.url, { path: `/v1/jobs/${id}`, headers: auth })).json as Job, (j) => j.status !== 'running', 10_000, 50);
    expect(job.status).toBe('cancelled');
  });

  it('an unreachable registry at start is one clear line and exit 2', async () => {
    const port = await freePort();
    const p = spawnCli(['serve', '--port', '0', '--registry', `redis://127.0.0.1:${port}`, '--model', fx.modelPath, '--embeddings', fx.storePath, '--state-dir', join(dir, 'd')]);
    const timer = setTimeout(() => p.proc.kill('SIGKILL'), 150_000);
    const { code } = await p.exited;
    clearTimeout(timer);
    expect(code).toBe(2);
    expect(p.stderr.filter((l) => l.trim())).toEqual([expect.stringMatching(new RegExp(`^.*--registry: cannot reach Redis at 127\\.0\\.0\\.1:${port}`))]);
  }, 180_000);

  it('with Redis gone, replicas keep tagging with their model and say so; after it returns they follow the registry again', async () => {
    const [a, b] = servers;
    await redis.stop();
    await a.waitForLog((l) => l.msg.startsWith('registry connection lost'), 1, 10_000);
    const load = startLoad(a.url, 2);
    await new Promise((r) => setTimeout(r, 1000));
    const records = await load.stop();
    expect(records.length).toBeGreaterThan(10);
    expect(failures(records)).toEqual([]);
    const list = await request(a.url, { path: '/v1/models' });
    expect(list.status).toBe(503);

    redis = await startRedis({ port: redis.port, dir: join(dir, 'redis') });
    await a.waitForLog((l) => l.msg === 'registry connection restored', 1, 20_000);
    await b.waitForLog((l) => l.msg === 'registry connection restored', 1, 20_000);
    // The registry kept its state (append-only file): a rollback made now reaches the other replica.
    expect((await request(b.url, { method: 'POST', path: `/v1/models/${fx.modelVersion}/activate`, headers: auth })).status).toBe(200);
    expect(await follows(a, fx.modelVersion)).toBeLessThan(SWAP_MS);
  });
});
