/** The backends tfjs ships: tfjs-node (optional dependency, absent here), wasm (SIMD, one thread in Node), cpu. */
import * as tf from '@tensorflow/tfjs';
import { createRequire } from 'node:module';
import { quietCpuBanner, restoreStockCpuKernels } from './native.js';
import type { BackendPlugin } from './types.js';

const require = createRequire(import.meta.url);

export const tfjsNodePlugin: BackendPlugin = {
  name: 'tfjs-node',
  priority: 0,
  async load() {
    require('@tensorflow/tfjs-node');
    return tf.setBackend('tensorflow');
  },
};

export const wasmPlugin: BackendPlugin = {
  name: 'wasm',
  priority: 20,
  async load() {
    const wasm = require('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm');
    const dir = require.resolve('@tensorflow/tfjs-backend-wasm/package.json').replace(/package\.json$/, 'dist/');
    wasm.setWasmPaths(dir);
    return tf.setBackend('wasm');
  },
  detail() {
    // The flag is evaluated asynchronously by tfjs; it is cached once the wasm backend initialised, but never let a
    // log detail fail the backend.
    try {
      return tf.env().getBool('WASM_HAS_SIMD_SUPPORT') ? 'SIMD, 1 thread' : 'no SIMD, 1 thread';
    } catch {
      return '1 thread';
    }
  },
};

export const cpuPlugin: BackendPlugin = {
  name: 'cpu',
  priority: 30,
  async load() {
    await restoreStockCpuKernels();
    const ok = await tf.setBackend('cpu');
    quietCpuBanner();
    return ok;
  },
  detail() {
    return 'plain JavaScript kernels';
  },
};

/** True when a failure only means "this optional package is not installed" (not worth a log line). */
export function isNotInstalled(plugin: string, error: string): boolean {
  return plugin === 'tfjs-node' && /Cannot find (module|package) '@tensorflow\/tfjs-node'/.test(error);
}
