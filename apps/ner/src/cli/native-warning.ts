/**
 * One clear warning when the optional OpenBLAS addon (libs/tensor-blas) did not load and the process fell back to
 * a slower backend: `npm install` never fails for want of OpenBLAS, so this line is where a user learns of it.
 * Silent when the user chose the backend (WINDOW_NER_BACKEND, WINDOW_NER_NATIVE=0) or tfjs-node runs instead.
 */
import type { BackendInfo } from '@window-ner/tensor';

export const BLAS_INSTALL_LINE =
  'sudo apt-get install libopenblas-dev pkg-config && npm rebuild @window-ner/tensor-blas (macOS: brew install openblas pkg-config, then the same npm rebuild)';

export function missingBlasWarning(info: BackendInfo, env: NodeJS.ProcessEnv = process.env): string | null {
  if (env.WINDOW_NER_BACKEND || env.WINDOW_NER_NATIVE === '0') return null;
  if (info.name === 'native' || info.name === 'tfjs-node') return null;
  const native = info.tried.find((t) => t.name === 'native' && !t.ok);
  if (!native) return null;
  return `the native OpenBLAS kernels are not available (${native.error}); using the slower ${info.name} backend. To install them: ${BLAS_INSTALL_LINE}`;
}
