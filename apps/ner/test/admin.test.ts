import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tokenMatches } from '../src/server/http/admin-auth.js';
import { postJson, request } from './support/http-client.js';
import { startTestServer, type TestServer } from './support/test-server.js';

describe('admin routes', () => {
  let off: TestServer;
  let on: TestServer;
  beforeAll(async () => {
    off = await startTestServer();
    on = await startTestServer({ adminToken: 's3cret' });
  });
  afterAll(async () => {
    await off.shutdown(1000);
    await on.shutdown(1000);
  });

  it('without a configured token, training over HTTP is off (403, says how to turn it on)', async () => {
    const res = await request(off.url, { method: 'POST', path: '/v1/train', headers: { authorization: 'Bearer anything', 'content-type': 'application/json' }, body: '{"train":"a"}' });
    expect(res.status).toBe(403);
    expect(res.json).toMatchObject({ error: { code: 'training_disabled', message: expect.stringContaining('NER_ADMIN_TOKEN') } });
  });

  it.each([undefined, 'Bearer', 'Bearer s3cre', 'Bearer s3cret2', 'Basic s3cret', 'bearer S3CRET'])('401 for Authorization %s', async (auth) => {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (auth) headers.authorization = auth;
    const res = await request(on.url, { method: 'POST', path: '/v1/train', headers, body: '{"train":"a"}' });
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(res.json).toMatchObject({ error: { code: 'unauthorized' } });
  });

  it('the right token passes auth (then the job runner decides)', async () => {
    const res = await postJson(on.url, '/v1/train', { train: 'a' });
    expect(res.status).toBe(401);
    const authed = await request(on.url, { method: 'POST', path: '/v1/train', headers: { authorization: 'Bearer s3cret', 'content-type': 'application/json' }, body: '{"train":"a"}' });
    // No job runner in this app: training is off for that reason, not for the token.
    expect(authed.status).toBe(403);
    expect(authed.json).toMatchObject({ error: { message: expect.stringContaining('no job runner') } });
  });

  it('tokenMatches compares content of any length', () => {
    expect(tokenMatches('abc', 'abc')).toBe(true);
    expect(tokenMatches('abc', 'abd')).toBe(false);
    expect(tokenMatches('', 'abc')).toBe(false);
    expect(tokenMatches('abc'.repeat(1000), 'abc')).toBe(false);
  });
});
