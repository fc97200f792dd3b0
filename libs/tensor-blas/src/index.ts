/**
 * @window-ner/tensor-blas: native cblas_sgemm (OpenBLAS / Accelerate) for Float32Arrays, and replacement kernels
 * for tfjs's cpu backend. Optional: when the addon did not build, nativeAddon() is null and nativeLoadError() says why.
 */
export { sgemm, matMulF32 } from './sgemm.js';
export { registerKernels, unregisterKernels, registeredKernels, nativeKernelNames } from './register.js';
export { nativeAddon, nativeLoadError, requireAddon, blasInfo, setBlasThreads, addonPath, ACTIVATION_CODES } from './native.js';
export type { NativeAddon, BlasInfo, FusedActivation } from './native.js';
