import { mkdtempSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, inject, it } from 'vitest';
import { spawnServer } from './support/child-server.js';
import { request } from './support/http-client.js';
import { pollUntil } from './support/poll.js';

const fx = inject('fixtures');
const serverArgs = (name: string, ...extra: string[]) => [
  '--model', fx.modelPath, '--embeddings', fx.storePath, '--state-dir', mkdtempSync(join(tmpdir(), `window-ner-${name}-`)), ...extra,
];

function connects(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const s = net.connect(Number(port), hostname);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

it('SIGTERM (twice): the in-flight request completes, new connections are refused, exit code 0', async () => {
  const server = await spawnServer(serverArgs('sigterm', '--grace-ms', '20000'));
  const body = JSON.stringify({ text: 'Barack Obama met Angela Merkel in Berlin.' });
  const half = Math.floor(body.length / 2);

  // An upload in flight: headers and half the body sent before the signal.
  const inflight = http.request(`${server.url}/v1/entities`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
  });
  const answer = new Promise<{ status: number; text: string }>((resolve, reject) => {
    inflight.on('response', (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    inflight.on('error', reject);
  });
  inflight.write(body.slice(0, half));
  await new Promise((r) => setTimeout(r, 200));

  server.proc.kill('SIGTERM');
  await server.waitForLog((l) => l.msg === 'shutting down');
  // A second SIGTERM (process managers repeat them) does not cut the graceful shutdown short.
  server.proc.kill('SIGTERM');
  await server.waitForLog((l) => l.msg === 'already shutting down; signal ignored');
  await pollUntil('the listening socket to close', () => connects(server.url), (ok) => !ok, 10_000, 50);
  expect(server.proc.exitCode).toBeNull(); // still running: it waits for the in-flight request

  inflight.end(body.slice(half));
  const res = await answer;
  expect(res.status).toBe(200);
  expect(JSON.parse(res.text).entities.length).toBeGreaterThan(0);

  const exit = await server.exited;
  expect(exit).toEqual({ code: 0, signal: null });
  expect(server.logs.at(-1)).toMatchObject({ msg: 'stopped', forced: false });
  await expect(request(server.url, { path: '/healthz', timeoutMs: 2000 })).rejects.toThrow(/ECONNREFUSED/);
});

it('--workers 2: two processes share the port; SIGTERM stops both and the primary exits 0', async () => {
  const server = await spawnServer(serverArgs('cluster', '--workers', '2', '--quiet'), {}, 2);
  const pids = new Set<string>();
  for (let i = 0; i < 20 && pids.size < 2; i++) {
    const text = (await request(server.url, { path: '/metrics', agent: false, timeoutMs: 10_000 })).text;
    pids.add(/^window_ner_process_id (\d+)$/m.exec(text)?.[1] ?? '');
  }
  expect(pids.size).toBe(2);
  server.proc.kill('SIGTERM');
  const exit = await Promise.race([server.exited, new Promise((r) => setTimeout(() => r('still running 30 s after SIGTERM'), 30_000))]);
  expect(exit, JSON.stringify(server.logs.slice(-6))).toEqual({ code: 0, signal: null });
  expect(server.logs.filter((l) => l.msg === 'stopped')).toHaveLength(2);
});
