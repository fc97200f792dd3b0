/** Builds the shared fixtures once (see fixtures.ts) and hands their paths to every suite via inject(). */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type {} from 'vitest';
import type { TestProject } from 'vitest/node';
import { buildFixtures, type Fixtures } from './fixtures.js';

declare module 'vitest' {
  export interface ProvidedContext {
    fixtures: Fixtures;
  }
}

export default async function setup(project: TestProject): Promise<() => void> {
  const dir = mkdtempSync(join(tmpdir(), 'window-ner-e2e-'));
  const started = Date.now();
  const fixtures = await buildFixtures(dir);
  console.error(`[e2e] fixtures built in ${((Date.now() - started) / 1000).toFixed(1)} s: model ${fixtures.modelVersion}, BTC dev F1 ${fixtures.devF1.toFixed(1)}`);
  project.provide('fixtures', fixtures);
  return () => rmSync(dir, { recursive: true, force: true });
}
