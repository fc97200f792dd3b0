import fc from 'fast-check';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { postJson, request } from './support/http-client.js';
import { validate } from './support/json-schema.js';
import { startInProcess } from './support/service.js';

const fx = inject('fixtures');
let service: Awaited<ReturnType<typeof startInProcess>>;
let spec: Parameters<typeof validate>[0];
const agent = new http.Agent({ keepAlive: true });

beforeAll(async () => {
  service = await startInProcess(fx);
  spec = (await request(service.url, { path: '/openapi.json' })).json as typeof spec;
});
afterAll(async () => {
  agent.destroy();
  await service?.shutdown();
});

interface Entity {
  text: string;
  label: string;
  start: number;
  end: number;
  score: number;
}

const schema = (name: string) => ({ $ref: `#/components/schemas/${name}` });

describe('the real model behind the API', () => {
  it('answers with documented shapes (single, batch, models)', async () => {
    const one = await postJson(service.url, '/v1/entities', { text: 'Serena Williams won in London.' }, agent);
    expect(validate(spec, schema('EntitiesResponse'), one.json)).toEqual([]);
    const batch = await postJson(service.url, '/v1/entities', { texts: ['Obama visited Paris.', '', '😀 Microsoft 😀'] }, agent);
    expect(validate(spec, schema('BatchEntitiesResponse'), batch.json)).toEqual([]);
    const models = await request(service.url, { path: '/v1/models', agent });
    expect(validate(spec, schema('ModelsResponse'), models.json)).toEqual([]);
    expect((models.json as { serving: { version: string } }).serving.version).toBe(fx.modelVersion);
    const metrics = (await request(service.url, { path: '/metrics', agent })).text;
    expect(metrics).toMatch(/^window_ner_backend_info\{backend="[a-z-]+",tf_backend="[a-z]+"\} 1$/m);
    expect(metrics).toContain(`version="${fx.modelVersion}"`);
  });

  it('entities are in order, non-overlapping, with exact offsets, for any text (emoji, accents, newlines)', async () => {
    const word = fc.constantFrom('Barack', 'Obama', 'Berlin', 'Microsoft', 'the', 'met', 'in', '.', ',', '😀', '👩‍👩‍👧', 'Zürich', 'e\u0301', '\n', '\t', '  ', 'New', 'York', "O'Neil", '#tag', '@user');
    await fc.assert(
      fc.asyncProperty(fc.array(word, { maxLength: 40 }), async (words) => {
        const text = words.join(' ');
        const res = await postJson(service.url, '/v1/entities', { text }, agent);
        expect(res.status).toBe(200);
        const entities = (res.json as { entities: Entity[] }).entities;
        let last = 0;
        for (const e of entities) {
          expect(text.slice(e.start, e.end)).toBe(e.text);
          expect(e.start).toBeGreaterThanOrEqual(last);
          expect(e.end).toBeGreaterThan(e.start);
          expect(e.score).toBeGreaterThanOrEqual(0);
          expect(e.score).toBeLessThanOrEqual(1);
          expect(['LOC', 'ORG', 'PER']).toContain(e.label);
          last = e.end;
        }
      }),
      { numRuns: 150 },
    );
  });

  it('a batch gives the same entities as the texts one by one', async () => {
    const texts = ['Angela Merkel met Emmanuel Macron in Paris.', 'Google opened an office in Zürich.', 'nothing to see here'];
    const batch = (await postJson(service.url, '/v1/entities', { texts }, agent)).json as { results: { entities: Entity[] }[] };
    for (const [i, text] of texts.entries()) {
      const single = (await postJson(service.url, '/v1/entities', { text }, agent)).json as { entities: Entity[] };
      expect(batch.results[i].entities).toEqual(single.entities);
    }
  });

  it('a batch at the limits is tagged in chunks and answered in full', async () => {
    const text = 'Barack Obama met Angela Merkel in Berlin. '.repeat(200);
    const res = await postJson(service.url, '/v1/entities', { texts: Array(64).fill(text) }, agent);
    expect(res.status).toBe(200);
    const results = (res.json as { results: { entities: Entity[] }[] }).results;
    expect(results).toHaveLength(64);
    expect(new Set(results.map((r) => JSON.stringify(r.entities))).size).toBe(1);
    const metrics = (await request(service.url, { path: '/metrics', agent })).text;
    expect(Number(/^window_ner_tokens_tagged_total (\d+)/m.exec(metrics)?.[1])).toBeGreaterThan(64 * 200 * 8);
  });
});
