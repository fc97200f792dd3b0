/**
 * Backend plugins, tried in order at start-up: tfjs-node (if it loads) → native BLAS kernels on the cpu
 * backend (if built) → wasm → cpu. Override with WINDOW_NER_BACKEND=<name> or initBackend({ backend }).
 * The chosen backend is logged once and queryable with backendInfo().
 */
import * as tf from '@tensorflow/tfjs';
import { createRequire } from 'node:module';
import { Registry } from './registry';

const require = createRequire(import.meta.url);

export interface BackendPlugin {
  /** Name used in config, env var and logs. */
  name: string;
  /** Lower is tried first. */
  priority: number;
  /** Make the backend active; return false (or throw) when it cannot load here. */
  load(): Promise<boolean>;
  /** Human-readable detail for logs (e.g. which BLAS). */
  detail?(): string;
}

export interface BackendInfo {
  name: string;
  tfBackend: string;
  detail: string;
  tried: { name: string; ok: boolean; error?: string }[];
}

export const backends = new Registry<BackendPlugin>('backend');

backends.register('tfjs-node', {
  name: 'tfjs-node',
  priority: 0,
  async load() {
    require('@tensorflow/tfjs-node');
    return tf.setBackend('tensorflow');
  },
});

backends.register('wasm', {
  name: 'wasm',
  priority: 20,
  async load() {
    const wasm = require('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm');
    const dir = require.resolve('@tensorflow/tfjs-backend-wasm/package.json').replace(/package\.json$/, 'dist/');
    wasm.setWasmPaths(dir);
    return tf.setBackend('wasm');
  },
});

backends.register('cpu', {
  name: 'cpu',
  priority: 30,
  async load() {
    return tf.setBackend('cpu');
  },
});

let info: BackendInfo | null = null;
let pending: Promise<BackendInfo> | null = null;

export interface InitBackendOptions {
  /** Use exactly this backend (fails if it cannot load). Defaults to $WINDOW_NER_BACKEND, else the first that loads. */
  backend?: string;
  /** Logger for the one line naming the backend; pass null to stay quiet. */
  log?: ((line: string) => void) | null;
}

/** Choose and activate a backend once; later calls return the same answer unless a different one is asked for. */
export function initBackend(opts: InitBackendOptions = {}): Promise<BackendInfo> {
  const wanted = opts.backend ?? process.env.WINDOW_NER_BACKEND ?? undefined;
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
        info = { name: plugin.name, tfBackend: tf.getBackend(), detail: plugin.detail?.() ?? '', tried: [...tried, { name: plugin.name, ok: true }] };
        log?.(`[window-ner] tensor backend: ${info.name}${info.detail ? ` (${info.detail})` : ''}`);
        return info;
      }
      tried.push({ name: plugin.name, ok: false, error: 'load() returned false' });
    } catch (e) {
      tried.push({ name: plugin.name, ok: false, error: (e as Error).message.split('\n')[0] });
    }
  }
  throw new Error(`no tensor backend could load: ${tried.map((t) => `${t.name}: ${t.error}`).join('; ')}`);
}

/** The active backend, or null before initBackend() resolved. */
export function backendInfo(): BackendInfo | null {
  return info;
}
