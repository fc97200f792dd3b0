import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const CLI = resolve(import.meta.dirname, '../bin/window-ner.js');
const serve = (...args: string[]) =>
  spawnSync(process.execPath, [CLI, 'serve', ...args], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, DOTENV_CONFIG_QUIET: 'true' } });

describe('window-ner serve (flags and start-up failures)', () => {
  it('--help lists the flags, the limits defaults and NER_ADMIN_TOKEN', () => {
    const r = serve('--help');
    expect(r.status).toBe(0);
    for (const flag of ['--port', '--host', '--model', '--embeddings', '--workers', '--state-dir', '--max-body-bytes', '--timeout-ms', 'NER_ADMIN_TOKEN']) {
      expect(r.stdout).toContain(flag);
    }
  });

  it('a bad flag value is a usage error (exit 2, one line naming the flag)', () => {
    const r = serve('--workers', '0');
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe('window-ner serve: --workers: expected a positive integer, got 0');
  });

  it('a missing model file: logs why as JSON and exits 1', () => {
    const state = mkdtempSync(join(tmpdir(), 'window-ner-serve-'));
    const r = serve('--port', '0', '--embeddings', 'none', '--model', join(state, 'missing.sqlite'), '--state-dir', state);
    expect(r.status).toBe(1);
    const logs = r.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { msg: string; err?: { message: string } });
    expect(logs.find((l) => l.msg === 'no model could be loaded')?.err?.message).toMatch(/no model file at .*missing\.sqlite/);
  });
});
