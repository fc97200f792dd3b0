/**
 * The 'native' backend: tfjs's cpu backend with matMul (and the elementwise kernels a training step spends its
 * time in) replaced by @window-ner/tensor-blas's cblas_sgemm kernels. That package is an optional dependency whose
 * addon may not have built; then load() throws the reason and the chooser falls through to wasm.
 * WINDOW_NER_NATIVE=0 disables it (to test or compare the fall-back path).
 */
import * as tf from '@tensorflow/tfjs';
import type { BackendPlugin, BlasSummary, HostKernels } from './types.js';

type TensorBlas = typeof import('@window-ner/tensor-blas');

let blas: TensorBlas | null = null;

async function tensorBlas(): Promise<TensorBlas> {
  blas ??= await import('@window-ner/tensor-blas');
  return blas;
}

function summary(): BlasSummary | null {
  const i = blas?.blasInfo();
  return i ? { name: i.blas, config: i.config, threads: i.threads } : null;
}

export const nativePlugin: BackendPlugin = {
  name: 'native',
  priority: 10,
  async load() {
    if (process.env.WINDOW_NER_NATIVE === '0') throw new Error('disabled by WINDOW_NER_NATIVE=0');
    const lib = await tensorBlas();
    const why = lib.nativeLoadError();
    if (why) throw new Error(why);
    if (!(await tf.setBackend('cpu'))) return false;
    quietCpuBanner();
    lib.registerKernels();
    return true;
  },
  detail() {
    const s = summary();
    return s ? `cpu backend + ${s.name} kernels, ${s.threads || '?'} threads` : '';
  },
  blas: summary,
  hostKernels: (): HostKernels | null => blas?.nativeAddon() ?? null,
};

/**
 * tfjs's cpu backend prints a multi-line "install tfjs-node to speed things up" banner on first use in Node.
 * Our single log line already says which backend runs (and native is the speed-up), so mark it as used.
 */
export function quietCpuBanner(): void {
  const backend = tf.findBackend('cpu') as unknown as { firstUse?: boolean } | null;
  if (backend && 'firstUse' in backend) backend.firstUse = false;
}

/** Put tfjs's stock cpu kernels back (when the plain 'cpu' backend is chosen after 'native'). */
export async function restoreStockCpuKernels(): Promise<void> {
  if (blas) blas.unregisterKernels();
}
