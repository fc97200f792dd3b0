/**
 * The slice of tfjs-backend-cpu's MathBackendCPU our kernels use (the package is not a direct dependency;
 * @tensorflow/tfjs bundles it). Values of a float32 tensor on the cpu backend are always a dense row-major
 * Float32Array: a transposed or sliced tensor is materialised by its own kernel, so "non-contiguous" inputs
 * reach us already packed.
 */
import * as tf from '@tensorflow/tfjs';

export interface CpuBackend {
  data: { get(dataId: tf.DataId): { values?: unknown } };
  makeTensorInfo(shape: number[], dtype: tf.DataType, values?: Float32Array | Uint8Array): tf.TensorInfo;
  disposeIntermediateTensorInfo(info: tf.TensorInfo): void;
}

export interface KernelArgs {
  inputs: tf.NamedTensorInfoMap;
  backend: CpuBackend;
  attrs?: tf.NamedAttrMap;
}

export type NativeKernelFunc = (args: KernelArgs) => tf.TensorInfo | tf.TensorInfo[];

/** The Float32Array behind a cpu-backend tensor, or null when it is not plain float32 data. */
export function f32(backend: CpuBackend, t: tf.TensorInfo): Float32Array | null {
  if (t.dtype !== 'float32') return null;
  const v = backend.data.get(t.dataId).values;
  return v instanceof Float32Array ? v : null;
}

export const size = (shape: number[]): number => shape.reduce((a, c) => a * c, 1);
