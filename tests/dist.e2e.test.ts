/**
 * The product runs compiled JavaScript: the bin starts apps/ner/dist (built by `npm install` / `npm test`), the web
 * page and the training worker thread resolve from dist, and nothing loads tsx or a .ts file at run time.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, expect, inject, it } from 'vitest';
import { spawnServer } from './support/child-server.js';
import { postJson, request } from './support/http-client.js';
import { BTC_DEV, CLI, DATA_DIR } from './support/paths.js';
import { pollUntil } from './support/poll.js';

const fx = inject('fixtures');
const TOKEN = 'dist-admin-token';
const tmp = mkdtempSync(join(tmpdir(), 'window-ner-dist-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

// A preload that fails any import of tsx or of a TypeScript file in the process it is loaded into.
function typescriptGuard(): string {
  writeFileSync(join(tmp, 'guard-hooks.mjs'), `
export async function resolve(specifier, context, next) {
  if (/^tsx(\\/|$)/.test(specifier)) throw new Error('typescript guard: imported ' + specifier);
  const resolved = await next(specifier, context);
  if (/\\.[mc]?ts$/.test(resolved.url)) throw new Error('typescript guard: loaded ' + resolved.url);
  return resolved;
}
`);
  writeFileSync(join(tmp, 'guard.mjs'), `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(join(tmp, 'guard-hooks.mjs')).href)});\n`);
  return pathToFileURL(join(tmp, 'guard.mjs')).href;
}

it('serves from dist with no TypeScript loaded: the page, entities, and a training job in its worker thread', async () => {
  const stateDir = join(tmp, 'state');
  const server = await spawnServer(
    ['--model', fx.modelPath, '--embeddings', fx.storePath, '--state-dir', stateDir, '--data-dir', DATA_DIR],
    { NER_ADMIN_TOKEN: TOKEN, NODE_OPTIONS: `--import=${typescriptGuard()}` },
  );
  try {
    const page = await request(server.url, { path: '/' });
    expect(page.status).toBe(200);
    expect(page.text).toMatch(/<html/i);
    const tagged = await postJson(server.url, '/v1/entities', { text: 'Angela Merkel visited Paris.' });
    expect(tagged.status).toBe(200);

    const auth = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
    const started = await request(server.url, {
      method: 'POST',
      path: '/v1/train',
      headers: auth,
      body: JSON.stringify({ train: BTC_DEV, dev: BTC_DEV, config: { ...fx.smallConfig, epochs: 1 } }),
    });
    expect(started.status).toBe(202);
    const id = (started.json as { id: string }).id;
    const job = await pollUntil(
      'the training job to finish',
      async () => (await request(server.url, { path: `/v1/jobs/${id}`, headers: auth })).json as { status: string; error: string | null },
      (j) => j.status !== 'running',
      120_000,
      200,
    );
    // Trained to the end in its thread (dist/server/jobs/train-worker-main.js); the publish gate may still refuse
    // a one-epoch model, which is not what this test is about.
    expect(job.error ?? '').not.toMatch(/typescript guard|Cannot find module|ERR_MODULE_NOT_FOUND/);
    expect(['succeeded', 'rejected']).toContain(job.status);
  } finally {
    server.proc.kill('SIGTERM');
    expect((await server.exited).code).toBe(0);
  }
  expect(server.stderr.join('\n')).not.toMatch(/typescript guard/);
});

it('the bin says to run npm install when dist is missing', () => {
  const dir = join(tmp, 'no-dist');
  mkdirSync(join(dir, 'bin'), { recursive: true });
  writeFileSync(join(dir, 'package.json'), '{ "type": "module" }');
  copyFileSync(CLI, join(dir, 'bin', 'window-ner.js'));
  const r = spawnSync(process.execPath, [join(dir, 'bin', 'window-ner.js'), '--help'], { encoding: 'utf8', timeout: 30_000 });
  expect(r.status).toBe(1);
  expect(r.stderr).toMatch(/dist\/cli\/main\.js is missing: run npm install \(it builds the project\)/);
  expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace
});
