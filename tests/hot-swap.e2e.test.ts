import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { request } from './support/http-client.js';
import { startLoad } from './support/load.js';
import { BTC_DEV } from './support/paths.js';
import { pollUntil } from './support/poll.js';
import { startInProcess } from './support/service.js';

const fx = inject('fixtures');
const TOKEN = 'hot-swap-admin-token';
const auth = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
let service: Awaited<ReturnType<typeof startInProcess>>;

beforeAll(async () => {
  // The gate's floor is 0: this test is about the swap, not the quality of a 2-epoch model.
  service = await startInProcess(fx, { adminToken: TOKEN, training: { gate: { minDevF1: 0 } } });
});
afterAll(async () => {
  await service?.shutdown();
});

interface Job {
  id: string;
  status: string;
  progress: { phase: string } | null;
  modelVersion: string | null;
  error: string | null;
}

it('publishes a model trained over HTTP while tagging load runs: zero failed requests, responses switch version', async () => {
  const load = startLoad(service.url, 4);
  await new Promise((r) => setTimeout(r, 500));

  const started = await request(service.url, {
    method: 'POST',
    path: '/v1/train',
    headers: auth,
    body: JSON.stringify({ train: BTC_DEV, dev: BTC_DEV, config: { ...fx.smallConfig, epochs: 2 } }),
  });
  expect(started.status).toBe(202);
  const jobId = (started.json as Job).id;
  expect(started.headers.location).toBe(`/v1/jobs/${jobId}`);
  // One job at a time.
  const second = await request(service.url, { method: 'POST', path: '/v1/train', headers: auth, body: JSON.stringify({ train: BTC_DEV, dev: BTC_DEV }) });
  expect(second.status).toBe(409);

  const seenPhases = new Set<string>();
  const job = await pollUntil(
    'the training job to finish',
    async () => {
      const j = (await request(service.url, { path: `/v1/jobs/${jobId}`, headers: auth })).json as Job;
      if (j.progress) seenPhases.add(j.progress.phase);
      return j;
    },
    (j) => j.status !== 'running',
    90_000,
    50,
  );
  expect(job).toMatchObject({ status: 'succeeded', error: null });
  const newVersion = job.modelVersion as string;
  expect(newVersion).not.toBe(fx.modelVersion);
  expect(seenPhases.has('train') || seenPhases.has('done')).toBe(true);

  await new Promise((r) => setTimeout(r, 1000));
  const records = await load.stop();

  const failed = records.filter((r) => r.status !== 200);
  expect(failed).toEqual([]);
  expect(records.length).toBeGreaterThan(100);
  const versions = records.map((r) => r.version);
  expect(new Set(versions)).toEqual(new Set([fx.modelVersion, newVersion]));
  // Once swapped, every later request is answered by the new model.
  const firstNew = records.findIndex((r) => r.version === newVersion);
  const lastOld = records.findLastIndex((r) => r.version === fx.modelVersion);
  expect(lastOld - firstNew).toBeLessThan(4); // at most the requests in flight at the swap, one per lane
  expect(records.slice(-20).every((r) => r.version === newVersion)).toBe(true);

  const models = (await request(service.url, { path: '/v1/models' })).json as { serving: { version: string }; published: { version: string; jobId: string; serving: boolean }[] };
  expect(models.serving.version).toBe(newVersion);
  // The start-up model is recorded too (jobId null), so an admin can roll back to it.
  expect(models.published).toEqual([
    expect.objectContaining({ version: newVersion, jobId, serving: true }),
    expect.objectContaining({ version: fx.modelVersion, jobId: null, serving: false }),
  ]);
  // Published atomically into models/, nothing left in staging.
  expect(readdirSync(join(service.stateDir, 'models'))).toEqual([`${jobId}.sqlite`]);
  expect(readdirSync(join(service.stateDir, 'staging'))).toEqual([]);
  const metrics = (await request(service.url, { path: '/metrics' })).text;
  expect(metrics).toMatch(/^window_ner_model_swaps_total 1$/m);
  expect(metrics).toContain(`version="${newVersion}"`);
});
