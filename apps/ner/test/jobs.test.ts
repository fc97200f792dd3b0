import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadTagger } from '@window-ner/ner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../src/server/http/logger.js';
import { JobService } from '../src/server/jobs/job-service.js';
import { ModelHolder } from '../src/server/models/model-holder.js';
import { ModelPublisher } from '../src/server/models/publisher.js';
import { ServerDb } from '../src/server/store/server-db.js';
import { request } from './support/http-client.js';
import { RuleTagger } from './support/rule-tagger.js';
import { startTestServer, type TestServer } from './support/test-server.js';

const BTC = resolve(import.meta.dirname, '../../../data/btc');
const TOKEN = 'jobs-test-token';
const auth = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
const SMALL = { hidden: [8], epochs: 1, features: [{ type: 'embedding', dim: 8, fineTune: true }, { type: 'casing' }] };

interface Job {
  id: string;
  status: string;
  error: string | null;
  modelVersion: string | null;
}

let srv: TestServer;
let dir: string;
let jobs: JobService;
let db: ServerDb;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'window-ner-jobs-'));
  const data = join(dir, 'data');
  mkdirSync(data);
  const lines = readFileSync(join(BTC, 'btc.dev'), 'utf8').split('\n');
  writeFileSync(join(data, 'small.conll'), lines.slice(0, 3000).join('\n'));
  writeFileSync(join(data, 'dev.conll'), lines.slice(3000, 4000).join('\n'));
  writeFileSync(join(data, 'broken.conll'), 'Berlin B-LOC\nis O\nnice\n');
  db = new ServerDb(join(dir, 'state/server.sqlite'));
  const models = new ModelHolder();
  models.install(new RuleTagger());
  const publisher = new ModelPublisher({ db, modelsDir: join(dir, 'state/models'), models, load: (p) => loadTagger(p), logger: silentLogger });
  mkdirSync(join(dir, 'state/models'), { recursive: true });
  jobs = new JobService({
    db, publisher, dataDir: data, stagingDir: join(dir, 'state/staging'), rejectedDir: join(dir, 'state/rejected'), gate: { minDevF1: 0 }, logger: silentLogger,
  });
  srv = await startTestServer({ models, tagger: null, jobs, db, adminToken: TOKEN });
});
afterAll(async () => {
  await srv.shutdown(1000);
  await jobs.close();
  db.close();
});

const post = (body: unknown) => request(srv.url, { method: 'POST', path: '/v1/train', headers: auth, body: JSON.stringify(body) });
const job = async (id: string) => (await request(srv.url, { path: `/v1/jobs/${id}`, headers: auth })).json as Job;
async function settle(id: string): Promise<Job> {
  for (let i = 0; i < 600; i++) {
    const j = await job(id);
    if (j.status !== 'running') return j;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`job ${id} still running after 60 s`);
}

describe('POST /v1/train validation', () => {
  it.each([
    [{ train: '../../etc/passwd' }, /inside the server data directory/],
    [{ train: '/etc/passwd' }, /inside the server data directory/],
    [{ train: 'missing.conll', dev: 'dev.conll' }, /no such corpus "missing.conll"/],
    [{ train: 'small.conll', dev: 'nope.conll' }, /^dev: no such corpus/],
    [{ train: 'small.conll', dev: 'dev.conll', config: { hiddn: [4] } }, /config: unknown field "hiddn"/],
    [{ train: 'small.conll', extra: 1 }, /Unrecognized key/i],
    [{ train: 7 }, /^train: /],
  ])('400 for %j', async (body, message) => {
    const res = await post(body);
    expect(res.status).toBe(400);
    expect((res.json as { error: { message: string } }).error.message).toMatch(message);
  });

  it('404 for an unknown job id', async () => {
    expect((await request(srv.url, { path: '/v1/jobs/nope', headers: auth })).status).toBe(404);
  });
});

describe('training jobs in a worker thread', () => {
  it('a malformed corpus fails the job with file:line, and publishes nothing', async () => {
    const started = await post({ train: 'broken.conll', dev: 'dev.conll', config: SMALL });
    expect(started.status).toBe(202);
    const done = await settle((started.json as Job).id);
    expect(done.status).toBe('failed');
    expect(done.error).toMatch(/broken\.conll:3/);
    expect(readdirSync(join(dir, 'state/models'))).toEqual([]);
    expect(srv.models.info?.version).toBe('rule-v1');
  });

  it('DELETE cancels a running job: status cancelled, staging cleaned, serving model unchanged', async () => {
    const started = await post({ train: 'small.conll', dev: 'dev.conll', config: { ...SMALL, epochs: 200, patience: 200 } });
    const id = (started.json as Job).id;
    await new Promise((r) => setTimeout(r, 1500));
    const cancel = await request(srv.url, { method: 'DELETE', path: `/v1/jobs/${id}`, headers: auth });
    expect(cancel.status).toBe(200);
    const done = await settle(id);
    expect(done).toMatchObject({ status: 'cancelled', modelVersion: null });
    expect(readdirSync(join(dir, 'state/staging'))).toEqual([]);
    expect(srv.models.info?.version).toBe('rule-v1');
  });

  it('a cancel requested by another process (cluster worker) through the database stops the job', async () => {
    const started = await post({ train: 'small.conll', dev: 'dev.conll', config: { ...SMALL, epochs: 200, patience: 200 } });
    const id = (started.json as Job).id;
    await new Promise((r) => setTimeout(r, 1000));
    db.requestCancel(id);
    expect(await settle(id)).toMatchObject({ status: 'cancelled' });
    expect(readdirSync(join(dir, 'state/staging'))).toEqual([]);
  });

  it('a finished job publishes its model and the server swaps to it', async () => {
    const started = await post({ train: 'small.conll', dev: 'dev.conll', config: SMALL });
    const done = await settle((started.json as Job).id);
    expect(done.status).toBe('succeeded');
    expect(srv.models.info?.version).toBe(done.modelVersion);
    expect(db.servingModel()?.version).toBe(done.modelVersion);
    const tagged = await request(srv.url, { method: 'POST', path: '/v1/entities', headers: { 'content-type': 'application/json' }, body: '{"text":"Paris"}' });
    expect((tagged.json as { model: { version: string } }).model.version).toBe(done.modelVersion);

    // Another process on the same database (a cluster worker) picks the published model up.
    const peer = new ModelHolder();
    peer.install(new RuleTagger({ version: 'peer-old' }));
    const peerPublisher = new ModelPublisher({ db, modelsDir: join(dir, 'state/models'), models: peer, load: (p) => loadTagger(p), logger: silentLogger });
    await peerPublisher.syncServing();
    expect(peer.info?.version).toBe(done.modelVersion);
    peer.close();

    // Start-up recovery keeps recorded models and removes a stray file (crash between rename and commit).
    writeFileSync(join(dir, 'state/models', 'crashed-job.sqlite'), 'complete but never recorded');
    expect(await peerPublisher.removeOrphans()).toEqual(['crashed-job.sqlite']);
    expect(readdirSync(join(dir, 'state/models'))).toHaveLength(1);
  });
});
