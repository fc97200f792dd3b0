import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, inject, it } from 'vitest';
import { spawnServer } from './support/child-server.js';
import { postJson, request } from './support/http-client.js';
import { BTC_DEV, BTC_TRAIN, DATA_DIR } from './support/paths.js';
import { pollUntil } from './support/poll.js';

const fx = inject('fixtures');
const TOKEN = 'kill9-admin-token';
const auth = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };

interface Job {
  id: string;
  status: string;
  progress: { phase: string; step: number; epoch: number } | null;
  error: string | null;
}

it('kill -9 mid-training: after restart the previous model serves, the job shows failed, nothing half-published', async () => {
  const stateDir = mkdtempSync(join(tmpdir(), 'window-ner-kill9-'));
  const args = ['--model', fx.modelPath, '--embeddings', fx.storePath, '--state-dir', stateDir, '--data-dir', DATA_DIR];
  const first = await spawnServer(args, { NER_ADMIN_TOKEN: TOKEN });
  let jobId = '';
  try {
    const started = await request(first.url, {
      method: 'POST',
      path: '/v1/train',
      headers: auth,
      body: JSON.stringify({ train: BTC_TRAIN, dev: BTC_DEV, config: { ...fx.smallConfig, epochs: 50, patience: 50 } }),
    });
    expect(started.status).toBe(202);
    jobId = (started.json as Job).id;
    await pollUntil(
      'training to be mid-epoch',
      async () => (await request(first.url, { path: `/v1/jobs/${jobId}`, headers: auth })).json as Job,
      (j) => j.status === 'running' && j.progress?.phase === 'train' && j.progress.step > 0,
      60_000,
      50,
    );
  } finally {
    first.proc.kill('SIGKILL');
  }
  expect((await first.exited).signal).toBe('SIGKILL');
  expect(readdirSync(join(stateDir, 'models'))).toEqual([]);

  const second = await spawnServer(args, { NER_ADMIN_TOKEN: TOKEN });
  try {
    const recovered = second.logs.find((l) => l.msg === 'recovered from an unclean stop');
    expect(recovered?.failedJobs).toEqual([jobId]);
    const models = (await request(second.url, { path: '/v1/models' })).json as { serving: { version: string }; published: { version: string; jobId: string | null }[] };
    expect(models.serving.version).toBe(fx.modelVersion);
    expect(models.published.map((m) => [m.version, m.jobId])).toEqual([[fx.modelVersion, null]]);
    const job = (await request(second.url, { path: `/v1/jobs/${jobId}`, headers: auth })).json as Job;
    expect(job.status).toBe('failed');
    expect(job.error).toMatch(/stopped before it finished/);
    expect(readdirSync(join(stateDir, 'models'))).toEqual([]);
    expect(readdirSync(join(stateDir, 'staging'))).toEqual([]);
    const tagged = await postJson(second.url, '/v1/entities', { text: 'Angela Merkel visited Paris.' });
    expect(tagged.status).toBe(200);
    expect((tagged.json as { model: { version: string } }).model.version).toBe(fx.modelVersion);
    // A new job can start: the dead one no longer blocks training.
    const again = await request(second.url, { method: 'POST', path: '/v1/train', headers: auth, body: JSON.stringify({ train: BTC_DEV, dev: BTC_DEV, config: { ...fx.smallConfig, epochs: 1 } }) });
    expect(again.status).toBe(202);
  } finally {
    second.proc.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);
  }
});
