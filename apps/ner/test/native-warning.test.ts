/** A missing OpenBLAS addon: one clear warning at start, with the install line; silent when the user chose. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { BackendInfo } from '@window-ner/tensor';
import { describe, expect, it } from 'vitest';
import { BLAS_INSTALL_LINE, missingBlasWarning } from '../src/cli/native-warning.js';

const CLI = resolve(import.meta.dirname, '../bin/window-ner.js');
const info = (name: string, tried: BackendInfo['tried']): BackendInfo => ({ name, tfBackend: name, detail: '', blas: null, tried });
const nativeFailed = { name: 'native', ok: false, error: 'addon not built' };

describe('missingBlasWarning', () => {
  it('warns with the reason and the install line when native failed and a slower backend runs', () => {
    const w = missingBlasWarning(info('wasm', [{ name: 'tfjs-node', ok: false, error: 'not installed' }, nativeFailed, { name: 'wasm', ok: true }]), {});
    expect(w).toContain('addon not built');
    expect(w).toContain('wasm');
    expect(w).toContain(BLAS_INSTALL_LINE);
  });

  it('is silent when native runs, or the user chose the backend', () => {
    expect(missingBlasWarning(info('native', [{ name: 'native', ok: true }]), {})).toBeNull();
    expect(missingBlasWarning(info('wasm', [nativeFailed, { name: 'wasm', ok: true }]), { WINDOW_NER_NATIVE: '0' })).toBeNull();
    expect(missingBlasWarning(info('cpu', [{ name: 'cpu', ok: true }]), { WINDOW_NER_BACKEND: 'cpu' })).toBeNull();
  });
});

describe('window-ner serve without the addon', () => {
  it('logs exactly one warning at start, as JSON, naming apt-get install libopenblas-dev', () => {
    const state = mkdtempSync(join(tmpdir(), 'window-ner-blas-'));
    // The addon path points at nothing: the addon fails to load for real, as after a build without OpenBLAS.
    const env: NodeJS.ProcessEnv = { ...process.env, DOTENV_CONFIG_QUIET: 'true', WINDOW_NER_BLAS_ADDON: join(state, 'missing.node') };
    delete env.WINDOW_NER_BACKEND;
    delete env.WINDOW_NER_NATIVE;
    const r = spawnSync(process.execPath, [CLI, 'serve', '--port', '0', '--embeddings', 'none', '--model', join(state, 'missing.sqlite'), '--state-dir', state], {
      encoding: 'utf8',
      timeout: 60_000,
      env,
    });
    const logs = r.stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as { level: string; msg: string });
    const warnings = logs.filter((l) => l.level === 'warn' && l.msg.includes('OpenBLAS'));
    expect(warnings, r.stdout + r.stderr).toHaveLength(1);
    expect(warnings[0].msg).toContain('apt-get install libopenblas-dev');
  });
});
