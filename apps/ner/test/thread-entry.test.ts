/**
 * Worker threads start compiled JavaScript from dist/ and a dev bootstrap from the sources (see thread-entry.ts).
 * The dist side is covered end to end by tests/dist.e2e.test.ts (a training job through the bin) and
 * tests/batch.e2e.test.ts (BullMQ chunk processors through the bin); this checks the source side.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { threadEntry } from '../src/thread-entry.js';

const SRC = new URL('../src/', import.meta.url);

describe('threadEntry', () => {
  it('names the compiled module from dist and the dev bootstrap from src', () => {
    expect(threadEntry('train-worker-main', 'file:///app/dist/server/jobs/job-service.js').href).toBe('file:///app/dist/server/jobs/train-worker-main.js');
    expect(threadEntry('train-worker-main', 'file:///app/src/server/jobs/job-service.ts').href).toBe('file:///app/src/server/jobs/train-worker-main.dev.mjs');
  });

  it('the dev bootstraps the source tree starts exist', () => {
    for (const [name, from] of [['train-worker-main', 'server/jobs/job-service.ts'], ['chunk-processor', 'batch/worker.ts']]) {
      expect(existsSync(fileURLToPath(threadEntry(name, new URL(from, SRC).href)))).toBe(true);
    }
  });

  it('the BullMQ processor bootstrap loads the TypeScript processor in a fresh thread and exports it as default', async () => {
    const bootstrap = threadEntry('chunk-processor', new URL('batch/worker.ts', SRC).href).href;
    const code = `import { parentPort } from 'node:worker_threads';
const m = await import(${JSON.stringify(bootstrap)});
parentPort.postMessage(typeof m.default);`;
    const worker = new Worker(new URL(`data:text/javascript,${encodeURIComponent(code)}`));
    try {
      const result = await new Promise<unknown>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no answer from the thread in 60 s')), 60_000);
        worker.once('message', (m) => (clearTimeout(timer), resolve(m)));
        worker.once('error', (e) => (clearTimeout(timer), reject(e)));
      });
      expect(result).toBe('function');
    } finally {
      await worker.terminate();
    }
  });
});
