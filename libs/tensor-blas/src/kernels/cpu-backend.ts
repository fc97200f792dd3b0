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

/**
 * The float32 values of a cpu-backend tensor, or null when it is not float32. tfjs's Cast from bool/int32 to
 * float32 shares the source's Uint8Array/Int32Array under the new dtype (no copy), e.g. a dropout mask
 * cast(x >= p, 'float32'); those are converted here (one pass) rather than sent to the ~50x slower stock kernel.
 */
export function f32(backend: CpuBackend, t: tf.TensorInfo): Float32Array | null {
  if (t.dtype !== 'float32') return null;
  const v = backend.data.get(t.dataId).values;
  if (v instanceof Float32Array) return v;
  if (v instanceof Uint8Array || v instanceof Int32Array) return Float32Array.from(v);
  return null;
}

export const size = (shape: number[]): number => shape.reduce((a, c) => a * c, 1);

/**
 * Storage for a kernel output that the native call overwrites entirely. Large outputs skip calloc's zero-fill
 * and first-touch page faults (Buffer.allocUnsafeSlow: its own ArrayBuffer, offset 0); at tfjs's one-new-array-
 * per-op that was a visible share of an elementwise op. Only for outputs every element of which is written.
 */
export function outputF32(n: number): Float32Array {
  if (n < 1024) return new Float32Array(n);
  const b = Buffer.allocUnsafeSlow(n * 4);
  return new Float32Array(b.buffer, b.byteOffset, n);
}

/** As outputF32, for 'bool' outputs (0/1 bytes). */
export function outputU8(n: number): Uint8Array {
  if (n < 4096) return new Uint8Array(n);
  const b = Buffer.allocUnsafeSlow(n);
  return new Uint8Array(b.buffer, b.byteOffset, n);
}
