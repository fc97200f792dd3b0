/**
 * Issue 16 point 4 against the real service on loopback: the publish gate (finite loss, dev F1 floor, the served
 * model's F1 on the same dev set), rejected models kept with the reason, GET /v1/models, activation (rollback and
 * roll forward) under concurrent tagging with zero failed requests, and retention of old versions.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadTagger } from '@window-ner/ner';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../src/server/http/logger.js';
import { ModelHolder } from '../src/server/models/model-holder.js';
import { ModelPublisher } from '../src/server/models/publisher.js';
import { ServerDb } from '../src/server/store/server-db.js';
import { request } from './support/http-client.js';
import { DEFAULT_MODEL, SMALL, startTrainingServer, type TrainingServer } from './support/training-service.js';

interface Published {
  version: string;
  file: string;
  jobId: string | null;
  serving: boolean;
}
interface Models {
  serving: { version: string };
  published: Published[];
}

let srv: TrainingServer;
beforeAll(async () => {
  srv = await startTrainingServer({ gate: { minDevF1: 0 }, keepModels: 3 });
});
afterAll(async () => {
  await srv?.service.shutdown();
});

const models = async (s: TrainingServer) => (await request(s.url, { path: '/v1/models' })).json as Models;
async function trainAndSettle(s: TrainingServer, config: Record<string, unknown>) {
  const started = await s.train({ train: 'small.conll', dev: 'dev.conll', config: { ...SMALL, ...config } });
  expect(started.status, started.text).toBe(202);
  return s.settle((started.json as { id: string }).id);
}

describe('publish gate', () => {
  it('a diverged run (lr 1e308) is not published: job rejected with the reason, model kept in rejected/', async () => {
    const before = await models(srv);
    const job = await trainAndSettle(srv, { lr: 1e308 });
    expect(job.status).toBe('rejected');
    expect(job.error).toMatch(/^not published: training loss is not finite/);
    expect(job.modelVersion).toBeNull();
    const kept = job.result?.rejectedModel as string;
    expect(existsSync(join(srv.state, 'rejected', kept))).toBe(true);
    const after = await models(srv);
    expect(after.serving.version).toBe(before.serving.version);
    expect(after.published).toEqual(before.published);
  }, 60_000);

  it('dev F1 below the operator floor is rejected; so is a model worse than the served one on the same dev set', async () => {
    const floor = await startTrainingServer({ gate: { minDevF1: 99 } });
    const compare = await startTrainingServer({ gate: { minDevF1: 0, compareWithServing: true } });
    try {
      const low = await trainAndSettle(floor, {});
      expect(low.status).toBe('rejected');
      expect(low.error).toMatch(/^not published: dev F1 \d+\.\d\d is below the server's floor of 99 /);
      const served = (await models(compare)).serving.version;
      const worse = await trainAndSettle(compare, {});
      expect(worse.status).toBe('rejected');
      expect(worse.error).toMatch(new RegExp(`below the served model's \\d+\\.\\d\\d on the same dev set \\(version ${served}\\)`));
      expect(worse.result?.baseline).toMatchObject({ version: served });
      expect((await models(compare)).serving.version).toBe(served);
    } finally {
      await Promise.all([floor.service.shutdown(), compare.service.shutdown()]);
    }
  }, 120_000);
});

describe('GET /v1/models, activation, retention', () => {
  const published: string[] = [];

  it('passing models are published; the start-up model is listed too; beyond keepModels the oldest go', async () => {
    const startup = (await models(srv)).serving.version;
    expect((await models(srv)).published).toEqual([expect.objectContaining({ version: startup, jobId: null, serving: true })]);
    for (const seed of [1, 2, 3]) {
      const job = await trainAndSettle(srv, { seed });
      expect(job.status, job.error ?? '').toBe('succeeded');
      published.push(job.modelVersion as string);
    }
    const list = await models(srv);
    expect(list.serving.version).toBe(published[2]);
    // keepModels 3: the start-up model's row is gone (its file is the operator's and stays), the 3 jobs' remain.
    expect(list.published.map((m) => m.version)).toEqual([published[2], published[1], published[0]]);
    expect(list.published.map((m) => m.serving)).toEqual([true, false, false]);
    expect(existsSync(DEFAULT_MODEL)).toBe(true);
    expect(readdirSync(join(srv.state, 'models'))).toHaveLength(3);
  }, 90_000);

  it('activation needs the admin token, and an unknown version is a 404', async () => {
    expect((await request(srv.url, { method: 'POST', path: `/v1/models/${published[0]}/activate` })).status).toBe(401);
    const res = await srv.admin('POST', '/v1/models/no-such-version/activate');
    expect(res.status).toBe(404);
    expect((res.json as { error: { message: string } }).error.message).toContain('no published model with version "no-such-version"');
  });

  it('rolls back and forward under concurrent tagging with zero failed requests', async () => {
    const results: { status: number; version?: string }[] = [];
    let running = true;
    const lane = async () => {
      while (running) {
        const res = await request(srv.url, { method: 'POST', path: '/v1/entities', headers: { 'content-type': 'application/json' }, body: '{"text": "Angela Merkel visited Paris and met Emmanuel Macron."}' });
        results.push({ status: res.status, version: (res.json as { model?: { version: string } }).model?.version });
      }
    };
    const lanes = Array.from({ length: 4 }, lane);
    for (const target of [published[0], published[2], published[1], published[0]]) {
      await new Promise((r) => setTimeout(r, 150));
      const res = await srv.admin('POST', `/v1/models/${target}/activate`);
      expect(res.status, res.text).toBe(200);
      expect(res.json).toMatchObject({ version: target, serving: true });
    }
    await new Promise((r) => setTimeout(r, 300));
    running = false;
    await Promise.all(lanes);
    expect(results.filter((r) => r.status !== 200)).toEqual([]);
    expect(results.length).toBeGreaterThan(20);
    expect(new Set(results.map((r) => r.version))).toEqual(new Set(published));
    expect(results.at(-1)?.version).toBe(published[0]);
    const list = await models(srv);
    expect(list.serving.version).toBe(published[0]);
    expect(list.published.find((m) => m.serving)?.version).toBe(published[0]);

    // Another process on the same registry (a cluster worker) follows the activation on its next sync.
    const db = new ServerDb(join(srv.state, 'server.sqlite'));
    const peer = new ModelHolder();
    try {
      peer.install(await loadTagger(db.getModel(published[2])!.path));
      await new ModelPublisher({ db, modelsDir: join(srv.state, 'models'), models: peer, load: (p) => loadTagger(p), logger: silentLogger }).syncServing();
      expect(peer.info?.version).toBe(published[0]);
    } finally {
      peer.close();
      db.close();
    }
  }, 60_000);

  it('a new publish becomes the active version and prunes the oldest (here the one rolled back to)', async () => {
    const job = await trainAndSettle(srv, { seed: 4 });
    expect(job.status).toBe('succeeded');
    const list = await models(srv);
    expect(list.serving.version).toBe(job.modelVersion);
    expect(list.published.map((m) => m.version)).toEqual([job.modelVersion, published[2], published[1]]);
    expect(readdirSync(join(srv.state, 'models')).sort()).toEqual(
      [job.id, ...list.published.slice(1).map((m) => m.jobId)].map((id) => `${id}.sqlite`).sort(),
    );
  }, 60_000);
});
