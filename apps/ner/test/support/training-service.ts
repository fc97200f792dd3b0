/**
 * The real service (startService: SQLite registry, job runner in worker threads, publisher, uploads) on
 * loopback with the repository's default model, no embedding store (trained models use their own vectors),
 * a fresh state directory and a data directory holding small BTC corpora.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadTagger } from '@window-ner/ner';
import { silentLogger } from '../../src/server/http/logger.js';
import { startService, type Service, type TrainingLimits } from '../../src/server/service.js';
import { request, type RawResponse } from './http-client.js';

export const REPO = resolve(import.meta.dirname, '../../../..');
export const DEFAULT_MODEL = join(REPO, 'data/models/default.sqlite');
const BTC_DEV = join(REPO, 'data/btc/btc.dev');
export const TOKEN = 'training-test-token';
const auth = { authorization: `Bearer ${TOKEN}` };
/** Trains in a second or two. */
export const SMALL = { hidden: [8], epochs: 1, features: [{ type: 'embedding', dim: 8, fineTune: true }, { type: 'casing' }] };

export interface Job {
  id: string;
  status: string;
  error: string | null;
  modelVersion: string | null;
  progress: { phase: string; step?: number } | null;
  result: Record<string, unknown> | null;
}

export interface TrainingServer {
  service: Service;
  url: string;
  dir: string;
  data: string;
  state: string;
  train(body: unknown): Promise<RawResponse>;
  job(id: string): Promise<Job>;
  cancel(id: string): Promise<RawResponse>;
  settle(id: string, timeoutMs?: number): Promise<Job>;
  admin(method: string, path: string, body?: string | Buffer, headers?: Record<string, string | number>): Promise<RawResponse>;
}

export async function startTrainingServer(training: TrainingLimits = {}, graceMs = 2_000): Promise<TrainingServer> {
  const dir = mkdtempSync(join(tmpdir(), 'window-ner-training-'));
  const data = join(dir, 'data');
  const state = join(dir, 'state');
  mkdirSync(data);
  const dev = readFileSync(BTC_DEV, 'utf8').split('\n');
  writeFileSync(join(data, 'small.conll'), dev.slice(0, 3000).join('\n'));
  writeFileSync(join(data, 'dev.conll'), dev.slice(3000, 4500).join('\n'));
  const service = await startService({
    host: '127.0.0.1',
    port: 0,
    modelPath: DEFAULT_MODEL,
    load: (path) => loadTagger(path),
    stateDir: state,
    dataDir: data,
    adminToken: TOKEN,
    logger: silentLogger,
    graceMs,
    training,
  });
  await service.ready;
  const url = service.url;
  const admin = (method: string, path: string, body?: string | Buffer, headers: Record<string, string | number> = {}) =>
    request(url, { method, path, headers: { ...auth, ...headers }, body });
  const job = async (id: string) => (await admin('GET', `/v1/jobs/${id}`)).json as Job;
  return {
    service,
    url,
    dir,
    data,
    state,
    admin,
    job,
    train: (body) => admin('POST', '/v1/train', typeof body === 'string' ? body : JSON.stringify(body), { 'content-type': 'application/json' }),
    cancel: (id) => admin('DELETE', `/v1/jobs/${id}`),
    async settle(id, timeoutMs = 60_000) {
      const until = Date.now() + timeoutMs;
      while (Date.now() < until) {
        const j = await job(id);
        if (j.status !== 'running') return j;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`job ${id} still running after ${timeoutMs} ms`);
    },
  };
}

/** Poll a job until `done` holds for it (bounded). */
export async function waitForJob(srv: TrainingServer, id: string, done: (j: Job) => boolean, timeoutMs = 30_000): Promise<Job> {
  const until = Date.now() + timeoutMs;
  let last: Job | undefined;
  while (Date.now() < until) {
    last = await srv.job(id);
    if (done(last)) return last;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out waiting for job ${id}; last: ${JSON.stringify(last)?.slice(0, 400)}`);
}
