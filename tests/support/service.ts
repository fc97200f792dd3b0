/** Start the real service in this process with the fixture model and store (real loadTagger, real SQLite). */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadTagger } from '@window-ner/ner';
import { silentLogger, startService, type Limits, type Logger, type Service, type TrainingLimits } from '@window-ner/ner-app';
import { initBackend } from '@window-ner/tensor';
import type { Fixtures } from './fixtures.js';
import { DATA_DIR } from './paths.js';

export interface InProcessOptions {
  adminToken?: string;
  limits?: Partial<Limits>;
  logger?: Logger;
  stateDir?: string;
  training?: TrainingLimits;
}

export async function startInProcess(fx: Fixtures, opts: InProcessOptions = {}): Promise<Service & { stateDir: string }> {
  await initBackend({ log: null });
  const stateDir = opts.stateDir ?? mkdtempSync(join(tmpdir(), 'window-ner-state-'));
  const service = await startService({
    host: '127.0.0.1',
    port: 0,
    modelPath: fx.modelPath,
    load: (path) => loadTagger(path, { embeddingsPath: fx.storePath }),
    stateDir,
    dataDir: DATA_DIR,
    embeddingsPath: fx.storePath,
    adminToken: opts.adminToken,
    limits: opts.limits,
    logger: opts.logger ?? silentLogger,
    graceMs: 2_000,
    training: opts.training,
  });
  await service.ready;
  return { ...service, stateDir };
}
