/**
 * Backend plugins, tried in order at start-up: tfjs-node (if it loads) → native BLAS kernels on the cpu
 * backend (if built) → wasm → cpu. Override with WINDOW_NER_BACKEND=<name> or initBackend({ backend });
 * WINDOW_NER_NATIVE=0 skips 'native'. The chosen backend is logged once (one line, naming what was skipped
 * and why) and queryable with backendInfo().
 */
import * as tf from '@tensorflow/tfjs';
import { Registry } from './registry.js';
import { nativePlugin } from './backends/native.js';
import { cpuPlugin, isNotInstalled, tfjsNodePlugin, wasmPlugin } from './backends/stock.js';
import type { BackendPlugin, BlasSummary, HostKernels } from './backends/types.js';

export type { BackendPlugin, BlasSummary, HostKernels } from './backends/types.js';

export interface BackendInfo {
  name: string;
  tfBackend: string;
  detail: string;
  /** The BLAS under the backend (native: OpenBLAS/Accelerate with its thread count), else null. */
  blas: BlasSummary | null;
  tried: { name: string; ok: boolean; error?: string }[];
}

export const backends = new Registry<BackendPlugin>('backend');
for (const p of [tfjsNodePlugin, nativePlugin, wasmPlugin, cpuPlugin]) backends.register(p.name, p);

let info: BackendInfo | null = null;
let host: HostKernels | null = null;
let pending: Promise<BackendInfo> | null = null;

export interface InitBackendOptions {
  /** Use exactly this backend (fails if it cannot load). Defaults to $WINDOW_NER_BACKEND, else the first that loads. */
  backend?: string;
  /** Logger for the one line naming the backend; pass null to stay quiet. */
  log?: ((line: string) => void) | null;
}

/** Choose and activate a backend once; later calls return the same answer unless a different one is asked for. */
export function initBackend(opts: InitBackendOptions = {}): Promise<BackendInfo> {
  const wanted = opts.backend ?? (process.env.WINDOW_NER_BACKEND || undefined);
  if (info && (!wanted || wanted === info.name)) return Promise.resolve(info);
  if (pending && !wanted) return pending;
  pending = choose(wanted, opts.log === undefined ? (l) => console.error(l) : opts.log);
  return pending;
}

async function choose(wanted: string | undefined, log: ((line: string) => void) | null): Promise<BackendInfo> {
  const order = wanted ? [backends.get(wanted)] : backends.names().map((n) => backends.get(n)).sort((a, b) => a.priority - b.priority);
  const tried: BackendInfo['tried'] = [];
  for (const plugin of order) {
    try {
      const ok = await plugin.load();
      if (ok) {
        await tf.ready();
        tried.push({ name: plugin.name, ok: true });
        host = safe(() => plugin.hostKernels?.(), null);
        info = { name: plugin.name, tfBackend: tf.getBackend(), detail: safe(() => plugin.detail?.(), ''), blas: safe(() => plugin.blas?.(), null), tried };
        log?.(logLine(info));
        return info;
      }
      tried.push({ name: plugin.name, ok: false, error: 'load() returned false' });
    } catch (e) {
      tried.push({ name: plugin.name, ok: false, error: (e as Error).message.split('\n')[0] });
    }
  }
  const how = wanted ? `requested backend "${wanted}" could not load` : 'no tensor backend could load';
  throw new Error(`${how}: ${tried.map((t) => `${t.name}: ${t.error}`).join('; ')}`);
}

/** Descriptions are for logs: one that throws must not turn a loaded backend into a failed one. */
function safe<T>(f: () => T | undefined, fallback: T): T {
  try {
    return f() ?? fallback;
  } catch {
    return fallback;
  }
}

/** "[window-ner] tensor backend: wasm (SIMD, 1 thread); skipped native: <why>" — skipped optional absentees stay silent. */
function logLine(i: BackendInfo): string {
  const skipped = i.tried.filter((t) => !t.ok && !isNotInstalled(t.name, t.error ?? ''));
  const why = skipped.map((t) => `${t.name}: ${t.error}`).join('; ');
  return `[window-ner] tensor backend: ${i.name}${i.detail ? ` (${i.detail})` : ''}${why ? `; skipped ${why}` : ''}`;
}

/** Host-array kernels of the active backend (native: adamUpdate, gatherSumReluLinear, the crf batch kernels), or null: callers then run their JS loops. */
export function hostKernels(): HostKernels | null {
  return host;
}

/** The active backend, or null before initBackend() resolved. */
export function backendInfo(): BackendInfo | null {
  return info;
}
