import * as tf from '@tensorflow/tfjs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { backendInfo, backends, initBackend, type BackendInfo } from './backend.js';

// Imported lazily, as backends/native.ts does (the package is optional; nx forbids mixing static and lazy imports).
const { nativeLoadError, registeredKernels } = await import('@window-ner/tensor-blas');
const nativeBuilt = nativeLoadError() === null;
const savedEnv = { ...process.env };

function collect(): { lines: string[]; log: (l: string) => void } {
  const lines: string[] = [];
  return { lines, log: (l) => lines.push(l) };
}

/** Run test/print-backend.ts in a fresh process with extra env; its stderr lines and the chosen backend. */
function child(env: Record<string, string>): { info: BackendInfo; logLines: string[] } {
  const script = fileURLToPath(new URL('../test/print-backend.ts', import.meta.url));
  const r = spawnSync(process.execPath, ['--conditions=@window-ner/source', '--import', 'tsx', script], {
    env: { ...process.env, WINDOW_NER_BACKEND: '', WINDOW_NER_NATIVE: '', ...env },
    encoding: 'utf8',
    timeout: 60_000,
  });
  if (r.status !== 0) throw new Error(`print-backend exited ${r.status}: ${r.stderr}`);
  return { info: JSON.parse(r.stdout.trim().split('\n').pop()!), logLines: r.stderr.split('\n').filter((l) => l.includes('[window-ner]')) };
}

describe('backend selection', () => {
  afterEach(() => {
    process.env = { ...savedEnv };
  });

  it('lists the plugins in priority order: tfjs-node, native, wasm, cpu', () => {
    const order = backends.names().map((n) => backends.get(n)).sort((a, b) => a.priority - b.priority).map((p) => p.name);
    expect(order).toEqual(['tfjs-node', 'native', 'wasm', 'cpu']);
  });

  it('API override picks exactly that backend and logs one line naming it', async () => {
    const { lines, log } = collect();
    const info = await initBackend({ backend: 'wasm', log });
    expect(info.name).toBe('wasm');
    expect(tf.getBackend()).toBe('wasm');
    expect(backendInfo()).toBe(info);
    expect(lines).toEqual([expect.stringMatching(/^\[window-ner\] tensor backend: wasm/)]);
    expect(await initBackend({ backend: 'wasm', log })).toBe(info); // already chosen: no second line
    expect(lines.length).toBe(1);
  });

  it('WINDOW_NER_BACKEND overrides the order; plain cpu gets the stock kernels back', async () => {
    if (nativeBuilt) await initBackend({ backend: 'native', log: null });
    process.env.WINDOW_NER_BACKEND = 'cpu';
    const info = await initBackend({ log: null });
    expect(info.name).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    expect(registeredKernels()).toEqual([]);
  });

  it('an unknown name fails listing the known ones; an unavailable requested backend says why', async () => {
    await expect(initBackend({ backend: 'gpu', log: null })).rejects.toThrow(/unknown backend "gpu"; known: cpu, native, tfjs-node, wasm/);
    process.env.WINDOW_NER_BACKEND = 'tpu';
    await expect(initBackend({ log: null })).rejects.toThrow(/unknown backend "tpu"/);
    await expect(initBackend({ backend: 'tfjs-node', log: null })).rejects.toThrow(/requested backend "tfjs-node" could not load: tfjs-node: .*tfjs-node/);
  });

  it('default order in a fresh process picks native when the addon built, with BLAS name and threads', () => {
    const { info, logLines } = child({});
    expect(logLines.length).toBe(1);
    if (nativeBuilt) {
      expect(info.name).toBe('native');
      expect(info.tfBackend).toBe('cpu');
      expect(info.blas?.threads).toBeGreaterThanOrEqual(1);
      expect(logLines[0]).toMatch(/tensor backend: native \(cpu backend \+ (OpenBLAS|Accelerate) kernels/);
    } else {
      expect(info.name).toBe('wasm');
    }
  });

  it('fall-back: an addon that cannot load → wasm, one log line naming native and the reason', () => {
    const { info, logLines } = child({ WINDOW_NER_BLAS_ADDON: '/nonexistent/tensor_blas.node' });
    expect(info.name).toBe('wasm');
    expect(info.tried.find((t) => t.name === 'native')?.error).toMatch(/native kernels not built \(\/nonexistent\/tensor_blas.node/);
    expect(logLines).toEqual([expect.stringMatching(/^\[window-ner\] tensor backend: wasm \(.*\); skipped native: native kernels not built/)]);
  });

  it('fall-back: WINDOW_NER_NATIVE=0 → wasm, one log line', () => {
    const { info, logLines } = child({ WINDOW_NER_NATIVE: '0' });
    expect(info.name).toBe('wasm');
    expect(logLines).toEqual([expect.stringMatching(/tensor backend: wasm .*skipped native: disabled by WINDOW_NER_NATIVE=0/)]);
  });
});
