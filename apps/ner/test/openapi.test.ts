import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postJson, request, type RawResponse } from './support/http-client.js';
import { validate } from './support/json-schema.js';
import { startTestServer, type TestServer } from './support/test-server.js';

type Doc = Parameters<typeof validate>[0] & { info: Record<string, unknown>; paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, { schema: Record<string, unknown> }> }> }>> };

let srv: TestServer;
let doc: Doc;
beforeAll(async () => {
  srv = await startTestServer({ adminToken: 'secret-token' });
  doc = (await request(srv.url, { path: '/openapi.json' })).json as Doc;
});
afterAll(async () => {
  await srv.shutdown(1000);
});

/** The documented schema for this route/method/status; fails if the spec does not document the answer. */
function check(route: string, method: string, res: RawResponse): void {
  const op = doc.paths[route]?.[method];
  expect(op, `${method.toUpperCase()} ${route} is documented`).toBeDefined();
  const documented = op.responses[String(res.status)];
  expect(documented, `${method.toUpperCase()} ${route} documents status ${res.status}`).toBeDefined();
  const content = documented.content ?? {};
  const type = String(res.headers['content-type']).split(';')[0];
  expect(Object.keys(content), `${route} ${res.status} content type`).toContain(type);
  if (type === 'application/json') expect(validate(doc, content[type].schema, res.json)).toEqual([]);
}

describe('/openapi.json matches the real routes', () => {
  it('documents every route the app serves, with the limits in the description', () => {
    expect(Object.keys(doc.paths).sort()).toEqual(['/', '/healthz', '/metrics', '/openapi.json', '/readyz', '/v1/corpora', '/v1/entities', '/v1/jobs/{id}', '/v1/models', '/v1/models/{version}/activate', '/v1/train'].sort());
    expect(doc.info).toMatchObject({ description: expect.stringContaining('end` is exclusive') });
  });

  it('real answers validate against the documented schemas', async () => {
    const cases: [string, string, () => Promise<RawResponse>][] = [
      ['/v1/entities', 'post', () => postJson(srv.url, '/v1/entities', { text: 'Barack Obama in Paris' })],
      ['/v1/entities', 'post', () => postJson(srv.url, '/v1/entities', { texts: ['Berlin', 'Microsoft'] })],
      ['/v1/entities', 'post', () => postJson(srv.url, '/v1/entities', { text: 1 })],
      ['/v1/entities', 'post', () => postJson(srv.url, '/v1/entities', { texts: Array(300).fill('') })],
      ['/v1/entities', 'post', () => request(srv.url, { method: 'POST', path: '/v1/entities', body: 'x' })],
      ['/v1/models', 'get', () => request(srv.url, { path: '/v1/models' })],
      ['/healthz', 'get', () => request(srv.url, { path: '/healthz' })],
      ['/readyz', 'get', () => request(srv.url, { path: '/readyz' })],
      ['/metrics', 'get', () => request(srv.url, { path: '/metrics' })],
      ['/openapi.json', 'get', () => request(srv.url, { path: '/openapi.json' })],
      ['/', 'get', () => request(srv.url, { path: '/' })],
      ['/v1/train', 'post', () => postJson(srv.url, '/v1/train', { train: 'x.conll' })],
      ['/v1/jobs/{id}', 'get', () => request(srv.url, { path: '/v1/jobs/abc', headers: { authorization: 'Bearer wrong' } })],
      ['/v1/corpora', 'post', () => request(srv.url, { method: 'POST', path: '/v1/corpora', headers: { authorization: 'Bearer secret-token', 'content-type': 'text/x-conll' }, body: 'a O\n' })],
      ['/v1/models/{version}/activate', 'post', () => request(srv.url, { method: 'POST', path: '/v1/models/v1/activate', headers: { authorization: 'Bearer secret-token' } })],
    ];
    for (const [route, method, send] of cases) check(route, method, await send());
  });

  it('request schemas are the ones the server validates with: the document accepts what the server accepts', async () => {
    const schema = (name: string) => ({ $ref: `#/components/schemas/${name}` });
    const bodies: unknown[] = [{ text: 'Paris' }, { texts: ['a', 'b'] }, { txt: 'Paris' }, { text: 1 }, { texts: ['a', 2] }, { text: 'x', extra: true }, { texts: Array(300).fill('') }];
    for (const body of bodies) {
      const res = await postJson(srv.url, '/v1/entities', body);
      const documented = validate(doc, schema('EntitiesRequest'), body).length === 0;
      expect(documented, JSON.stringify(body).slice(0, 80)).toBe(res.status === 200);
    }
    expect(doc.components.schemas.EntitiesRequest).toMatchObject({ additionalProperties: false, properties: { texts: { maxItems: 256 } } });
    expect(doc.components.schemas.TrainRequest).toMatchObject({ required: ['train'], additionalProperties: false });
  });
});
