import http from 'node:http';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { DEFAULT_LIMITS } from '@window-ner/ner-app';
import { generate, seeded, type BadRequest } from './support/bad-requests.js';
import { isErrorBody, postJson, request } from './support/http-client.js';
import { startInProcess } from './support/service.js';

const fx = inject('fixtures');
const COUNT = 10_000;
const CONCURRENCY = 16;
const SEED = Number(process.env.FUZZ_SEED ?? 20261123);

let service: Awaited<ReturnType<typeof startInProcess>>;
beforeAll(async () => {
  service = await startInProcess(fx, { adminToken: 'fuzz-admin-token' });
});
afterAll(async () => {
  await service?.shutdown();
});

/** Header values as raw bytes (Node refuses non-Latin-1 strings in headers; a hostile client does not). */
function rawHeaders(h: BadRequest['headers']): Record<string, string | number> {
  return Object.fromEntries(Object.entries(h).map(([k, v]) => [k, typeof v === 'string' ? Buffer.from(v, 'utf8').toString('latin1') : v]));
}

it(`answers ${COUNT} generated bad requests with a 4xx JSON error each, and keeps serving`, async () => {
  const agent = new http.Agent({ keepAlive: true, maxSockets: CONCURRENCY });
  const rand = seeded(SEED);
  const statuses = new Map<number, number>();
  const kinds = new Map<string, number>();
  const failures: string[] = [];
  let next = 0;
  const started = Date.now();

  async function lane(): Promise<void> {
    while (next < COUNT && Date.now() - started < 90_000) {
      const i = next++;
      const req = generate(rand, DEFAULT_LIMITS);
      kinds.set(req.kind.split(/[ :-]\d|:/)[0], (kinds.get(req.kind.split(/[ :-]\d|:/)[0]) ?? 0) + 1);
      try {
        const res = await request(service.url, { method: req.method, path: req.path, headers: rawHeaders(req.headers), body: req.body, agent, timeoutMs: 15_000 });
        statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
        const ok = res.status >= 400 && res.status < 500 && String(res.headers['content-type']).startsWith('application/json') && isErrorBody(res.json);
        if (!ok && failures.length < 20) failures.push(`#${i} ${req.kind} ${req.method} ${req.path.slice(0, 60)} -> ${res.status} ${res.text.slice(0, 160)}`);
      } catch (err) {
        if (failures.length < 20) failures.push(`#${i} ${req.kind}: no answer (${(err as Error).message})`);
      }
    }
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, lane));
  agent.destroy();
  const seconds = (Date.now() - started) / 1000;
  console.error(`[fuzz] ${next} requests in ${seconds.toFixed(1)} s (seed ${SEED}); statuses ${JSON.stringify(Object.fromEntries(statuses))}`);

  expect(failures).toEqual([]);
  expect(next).toBeGreaterThanOrEqual(COUNT);
  expect([...statuses.keys()].every((s) => s >= 400 && s < 500)).toBe(true);
  // The generator reached every family of bad input.
  expect(Object.fromEntries(statuses)).toMatchObject({ 400: expect.any(Number), 401: expect.any(Number), 404: expect.any(Number), 405: expect.any(Number), 413: expect.any(Number), 415: expect.any(Number) });

  // Still serving, and the server saw no 5xx at all.
  const ok = await postJson(service.url, '/v1/entities', { text: 'Angela Merkel visited Paris.' });
  expect(ok.status).toBe(200);
  expect((await request(service.url, { path: '/readyz' })).status).toBe(200);
  const metrics = (await request(service.url, { path: '/metrics' })).text;
  expect(metrics).not.toMatch(/status="5\d\d"/);
});
