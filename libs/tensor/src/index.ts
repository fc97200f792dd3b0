export * as tf from '@tensorflow/tfjs';
export { Rng } from './rng';
export { Registry } from './registry';
export { float32ToBytes, bytesToFloat32 } from './bytes';
export { backends, initBackend, backendInfo, hostKernels } from './backend';
export type { BackendPlugin, BackendInfo, BlasSummary, HostKernels, InitBackendOptions } from './backend';
