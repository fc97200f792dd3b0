import fc from 'fast-check';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isErrorBody, postJson, request } from './support/http-client.js';
import { startTestServer, type TestServer } from './support/test-server.js';

interface Entity {
  text: string;
  label: string;
  start: number;
  end: number;
  score: number;
}

let srv: TestServer;
const agent = new http.Agent({ keepAlive: true });

beforeAll(async () => {
  srv = await startTestServer({ limits: { maxTextChars: 1000, maxTexts: 8, maxBodyBytes: 16 * 1024 } });
});
afterAll(async () => {
  agent.destroy();
  await srv.shutdown(1000);
});

describe('POST /v1/entities', () => {
  it('tags one text with character offsets (end exclusive)', async () => {
    const text = 'Barack Obama visited Berlin.';
    const res = await postJson(srv.url, '/v1/entities', { text }, agent);
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    const body = res.json as { model: { version: string }; entities: Entity[] };
    expect(body.model.version).toBe('rule-v1');
    expect(body.entities.map((e) => [e.text, e.label, e.start, e.end])).toEqual([
      ['Barack Obama', 'PER', 0, 12],
      ['Berlin', 'LOC', 21, 27],
    ]);
  });

  it('tags a batch, one result per text in order', async () => {
    const res = await postJson(srv.url, '/v1/entities', { texts: ['Paris', '', 'nothing here', 'Ada Lovelace'] }, agent);
    expect(res.status).toBe(200);
    const body = res.json as { results: { entities: Entity[] }[] };
    expect(body.results.map((r) => r.entities.map((e) => e.text))).toEqual([['Paris'], [], [], ['Ada Lovelace']]);
  });

  it('offsets are JS string indices even around emoji and combining marks', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.constantFrom('😀', 'Berlin', ' ', 'Obama', 'e\u0301', '𝒳', 'Paris', '\n', 'über'), { maxLength: 20 }),
        async (parts) => {
          const text = parts.join('');
          const res = await postJson(srv.url, '/v1/entities', { text }, agent);
          expect(res.status).toBe(200);
          for (const e of (res.json as { entities: Entity[] }).entities) expect(text.slice(e.start, e.end)).toBe(e.text);
        },
      ),
      { numRuns: 60 },
    );
  });

  it.each([
    ['a JSON array', '[1,2]'],
    ['a number', '42'],
    ['text of the wrong type', '{"text": 5}'],
    ['texts with a non-string', '{"texts": ["ok", null]}'],
    ['both text and texts', '{"text": "a", "texts": ["b"]}'],
    ['neither', '{}'],
    ['an unknown field', '{"txt": "Berlin"}'],
    ['invalid JSON', '{"text": '],
    ['an empty body', ''],
    ['a lone surrogate', '{"text": "ab\\ud800c"}'],
  ])('answers 400 for %s', async (_name, body) => {
    const res = await request(srv.url, { method: 'POST', path: '/v1/entities', headers: { 'content-type': 'application/json' }, body, agent });
    expect(res.status).toBe(400);
    expect(isErrorBody(res.json)).toBe(true);
  });

  it('names the offending field in the message', async () => {
    const res = await postJson(srv.url, '/v1/entities', { texts: ['ok', 'ok', 7] }, agent);
    expect(res.status).toBe(400);
    expect((res.json as { error: { message: string } }).error.message).toMatch(/^texts\[2\]: /);
  });

  it('answers 400 for bytes that are not UTF-8', async () => {
    const body = Buffer.concat([Buffer.from('{"text": "'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"}')]);
    const res = await request(srv.url, { method: 'POST', path: '/v1/entities', headers: { 'content-type': 'application/json' }, body, agent });
    expect(res.status).toBe(400);
    expect(res.json).toMatchObject({ error: { code: 'invalid_json' } });
  });

  it('answers 413 for too many texts, too long a text, too many bytes', async () => {
    const many = await postJson(srv.url, '/v1/entities', { texts: Array(9).fill('a') }, agent);
    expect([many.status, (many.json as { error: { code: string } }).error.code]).toEqual([413, 'too_many_texts']);
    const long = await postJson(srv.url, '/v1/entities', { texts: ['a', 'b'.repeat(1001)] }, agent);
    expect([long.status, (long.json as { error: { code: string } }).error.code]).toEqual([413, 'text_too_long']);
    expect((long.json as { error: { message: string } }).error.message).toMatch(/^texts\[1\]: 1001 characters, at most 1000/);
    const big = await postJson(srv.url, '/v1/entities', { text: 'x'.repeat(17 * 1024) });
    expect([big.status, (big.json as { error: { code: string } }).error.code]).toEqual([413, 'payload_too_large']);
  });

  it('counts characters as UTF-16 code units: an emoji at the limit tips it over', async () => {
    const atLimit = await postJson(srv.url, '/v1/entities', { text: 'a'.repeat(998) + '😀' }, agent);
    expect(atLimit.status).toBe(200);
    const over = await postJson(srv.url, '/v1/entities', { text: 'a'.repeat(999) + '😀' }, agent);
    expect(over.status).toBe(413);
  });

  it.each([
    ['text/plain', {}],
    ['application/x-www-form-urlencoded', {}],
    ['application/json; charset=latin1', {}],
    ['application/json', { 'content-encoding': 'gzip' }],
  ])('answers 415 for content type %s %j', async (type, extra) => {
    const res = await request(srv.url, {
      method: 'POST',
      path: '/v1/entities',
      headers: { 'content-type': type, ...extra },
      body: '{"text": "Berlin"}',
      agent,
    });
    expect(res.status).toBe(415);
    expect(isErrorBody(res.json)).toBe(true);
  });

  it('answers 415 when the content type is missing', async () => {
    const res = await request(srv.url, { method: 'POST', path: '/v1/entities', body: '{"text": "Berlin"}', agent });
    expect(res.status).toBe(415);
  });
});

describe('routing errors', () => {
  it('404 for an unknown route, as JSON', async () => {
    const res = await request(srv.url, { path: '/v2/nothing', agent });
    expect(res.status).toBe(404);
    expect(res.json).toMatchObject({ error: { code: 'not_found' } });
  });

  it('405 with Allow for a wrong method on a known route', async () => {
    const res = await request(srv.url, { path: '/v1/entities', agent });
    expect(res.status).toBe(405);
    expect(res.headers.allow).toBe('POST');
    const del = await request(srv.url, { method: 'DELETE', path: '/healthz', agent });
    expect(del.status).toBe(405);
    expect(del.headers.allow).toBe('GET, HEAD');
    expect(isErrorBody(del.json)).toBe(true);
  });

  it('sets helmet security headers', async () => {
    const res = await request(srv.url, { path: '/healthz', agent });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    // The JSON API's policy allows nothing, exactly (helmet's default directives are not merged in).
    expect(res.headers['content-security-policy']).toBe("default-src 'none';base-uri 'none';form-action 'none';frame-ancestors 'none'");
    expect(res.headers['x-powered-by']).toBeUndefined();
    // Not told it is behind TLS: no HSTS (over plain HTTP it would make browsers refuse the next visit).
    expect(res.headers['strict-transport-security']).toBeUndefined();
    // The page gets its own policy: scripts and styles only with this response's nonce.
    const page = await request(srv.url, { path: '/', agent });
    const csp = String(page.headers['content-security-policy']);
    const nonce = /script-src 'self' 'nonce-([A-Za-z0-9+/=]+)'/.exec(csp)?.[1];
    expect(nonce).toBeDefined();
    expect(page.text).toContain(`nonce="${nonce}"`);
    expect(page.headers['x-content-type-options']).toBe('nosniff');
    expect(csp).not.toContain('upgrade-insecure-requests');
  });

  it('behind TLS: HSTS on every response, and the page upgrades insecure requests', async () => {
    const tls = await startTestServer({ behindTls: true });
    try {
      for (const path of ['/healthz', '/', '/nope']) {
        const res = await request(tls.url, { path });
        expect(res.headers['strict-transport-security'], path).toBe('max-age=31536000; includeSubDomains');
      }
      expect(String((await request(tls.url, { path: '/' })).headers['content-security-policy'])).toMatch(/; upgrade-insecure-requests$/);
    } finally {
      await tls.shutdown(1000);
    }
  });
});
