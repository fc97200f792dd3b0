export * as tf from '@tensorflow/tfjs';
export { Rng } from './rng.js';
export { Registry } from './registry.js';
export { float32ToBytes, bytesToFloat32 } from './bytes.js';
export { backends, initBackend, backendInfo, hostKernels } from './backend.js';
export type { BackendPlugin, BackendInfo, BlasSummary, HostKernels, InitBackendOptions } from './backend.js';
