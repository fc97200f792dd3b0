/**
 * Issue 16 point 3 against the real service on loopback: POST /v1/corpora streams a corpus to the data directory
 * under its content hash, within the size limits, and a job then trains on it by id.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import http from 'node:http';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from './support/http-client.js';
import { SMALL, startTrainingServer, TOKEN, type TrainingServer } from './support/training-service.js';

interface Uploaded {
  id: string;
  sha256: string;
  bytes: number;
  format: string;
}

let srv: TrainingServer;
let conll: string;
let dev: string;
const LIMIT = 200_000;
beforeAll(async () => {
  srv = await startTrainingServer({ gate: { minDevF1: 0 }, maxCorpusBytes: LIMIT, maxUploadsBytes: 3 * LIMIT });
  conll = readFileSync(join(srv.data, 'small.conll'), 'utf8').slice(0, 60_000).replace(/\n[^\n]*$/, '\n');
  dev = readFileSync(join(srv.data, 'dev.conll'), 'utf8');
});
afterAll(async () => {
  await srv?.service.shutdown();
});

const upload = (body: string | Buffer, type = 'text/x-conll') => srv.admin('POST', '/v1/corpora', body, { 'content-type': type });
const uploadsDir = () => readdirSync(join(srv.data, 'uploads'));
const sha = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');

/** Send a body without Content-Length (chunked), optionally stopping after `abortAfter` bytes. */
function chunked(chunks: Buffer[], abortAfter?: number, server = srv): Promise<{ status: number; text: string } | 'aborted'> {
  const url = new URL('/v1/corpora', server.url);
  return new Promise((resolve, reject) => {
    const req = http.request({ host: url.hostname, port: url.port, path: url.pathname, method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'text/x-conll' } });
    req.on('response', (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', (err) => (abortAfter === undefined ? resolve({ status: 0, text: err.message }) : reject(err)));
    let sent = 0;
    const next = () => {
      const chunk = chunks.shift();
      if (!chunk) return void req.end();
      sent += chunk.length;
      req.write(chunk, () => {
        if (abortAfter !== undefined && sent >= abortAfter) {
          req.destroy();
          resolve('aborted');
        } else setTimeout(next, 5);
      });
    };
    next();
  });
}

describe('POST /v1/corpora', () => {
  it('stores the body under its SHA-256; the same content again is the same corpus (200)', async () => {
    const first = await upload(conll);
    expect(first.status, first.text).toBe(201);
    const body = first.json as Uploaded;
    expect(body).toEqual({ id: `uploads/${sha(conll)}.conll`, sha256: sha(conll), bytes: Buffer.byteLength(conll), format: 'conll' });
    expect(readFileSync(join(srv.data, body.id), 'utf8')).toBe(conll);
    const again = await upload(conll);
    expect(again.status).toBe(200);
    expect(again.json).toEqual(body);
    expect(uploadsDir()).toEqual([`${sha(conll)}.conll`]);
  });

  it('a user without shell access trains on uploaded train and dev corpora by id', async () => {
    const train = (await upload(conll)).json as Uploaded;
    const devUp = await upload(dev, 'text/plain; charset=utf-8');
    expect(devUp.status).toBe(201);
    const started = await srv.train({ train: train.id, dev: (devUp.json as Uploaded).id, config: SMALL });
    expect(started.status, started.text).toBe(202);
    const job = await srv.settle((started.json as { id: string }).id);
    expect(job.status, job.error ?? '').toBe('succeeded');
  }, 60_000);

  it('JSONL by content type', async () => {
    const jsonl = '{"text": "Angela Merkel visited Paris.", "entities": [{"start": 0, "end": 13, "label": "PER"}]}\n';
    const res = await upload(jsonl, 'application/x-ndjson');
    expect(res.status).toBe(201);
    expect(res.json).toMatchObject({ id: `uploads/${sha(jsonl)}.jsonl`, format: 'jsonl' });
  });

  it('refuses what it cannot store, and leaves no partial file', async () => {
    const before = uploadsDir();
    // Declared too large: refused before reading.
    const declared = await upload('x O\n'.repeat(LIMIT / 4 + 1));
    expect(declared.status).toBe(413);
    expect((declared.json as { error: { message: string } }).error.message).toContain(`limit of ${LIMIT} bytes`);
    // Chunked, so the size is only known while streaming.
    const streamed = await chunked(Array.from({ length: 30 }, () => Buffer.from('y O\n'.repeat(2_000))));
    expect(streamed).toMatchObject({ status: 413 });
    const latin1 = await upload(Buffer.from([0x61, 0x20, 0x4f, 0x0a, 0xe9, 0x20, 0x4f, 0x0a]));
    expect(latin1.status).toBe(400);
    expect((latin1.json as { error: { message: string } }).error.message).toMatch(/^body: not valid UTF-8/);
    expect((await upload('a O\n', 'application/json')).status).toBe(415);
    expect((await request(srv.url, { method: 'POST', path: '/v1/corpora', headers: { 'content-type': 'text/x-conll' }, body: 'a O\n' })).status).toBe(401);
    // A client that goes away mid-upload.
    expect(await chunked(Array.from({ length: 10 }, () => Buffer.from('z O\n'.repeat(1_000))), 8_000)).toBe('aborted');
    // The server removes the temp file once it sees the abort: up to 10 s on a loaded host.
    for (let i = 0; i < 500 && uploadsDir().some((f) => f.startsWith('.upload-')); i++) await new Promise((r) => setTimeout(r, 20));
    expect(uploadsDir()).toEqual(before);
  });

  it('the uploads directory as a whole is bounded (507)', async () => {
    const fill = (c: string) => `${c} O\n`.repeat(Math.floor(LIMIT / 4) - 10);
    let status = 0;
    for (const c of ['p', 'q', 'r', 's']) {
      status = (await upload(fill(c))).status;
      if (status !== 201) break;
    }
    expect(status).toBe(507);
    const res = await upload(fill('t'));
    expect((res.json as { error: { code: string; message: string } }).error).toMatchObject({ code: 'storage_full' });
    expect(uploadsDir().some((f) => f.startsWith('.upload-'))).toBe(false);
  });

  it('concurrent uploads hold their room, so together they cannot overrun the total', async () => {
    const small = await startTrainingServer({ maxCorpusBytes: 100_000, maxUploadsBytes: 150_000 });
    try {
      // A streams 90 KB without a Content-Length, so it holds the full per-corpus 100 KB while it runs.
      const a = chunked(Array.from({ length: 30 }, () => Buffer.from('a O\n'.repeat(750))), undefined, small);
      await new Promise((r) => setTimeout(r, 50));
      const b = await chunked(Array.from({ length: 15 }, () => Buffer.from('b O\n'.repeat(1_000))), undefined, small);
      expect(b).toMatchObject({ status: 507 });
      expect(await a).toMatchObject({ status: 201 });
    } finally {
      await small.service.shutdown();
    }
  });
});
