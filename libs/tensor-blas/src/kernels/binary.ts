/**
 * Add / Sub / Multiply / RealDiv / Maximum / Minimum and the comparisons (bool out) on float32 with numpy
 * broadcasting: one flat native loop when the broadcast is trailing (same shape, scalar, bias row), else a strided
 * native loop. Other dtypes → tfjs.
 */
import * as tf from '@tensorflow/tfjs';
import { BINARY_CODES, isComparison, type NativeAddon } from '../native.js';
import { f32, outputF32, outputU8, size, type KernelArgs, type NativeKernelFunc } from './cpu-backend.js';

/** True when `shape` broadcast against `out` is a cyclic repeat: minus leading 1s it is a suffix of `out`. */
function isTrailing(shape: number[], out: number[]): boolean {
  let start = 0;
  while (start < shape.length && shape[start] === 1) start++;
  const core = shape.slice(start);
  if (core.length > out.length) return false;
  const tail = out.slice(out.length - core.length);
  return core.every((d, i) => d === tail[i]);
}

/** Row-major strides of `shape` aligned to `out`'s rank, 0 along broadcast (size-1 or missing) dims. */
function broadcastStrides(shape: number[], out: number[]): Int32Array {
  const s = new Int32Array(out.length);
  let stride = 1;
  for (let d = shape.length - 1; d >= 0; d--) {
    s[d + out.length - shape.length] = shape[d] === 1 ? 0 : stride;
    stride *= shape[d];
  }
  return s;
}

export function makeBinary(addon: NativeAddon, op: keyof typeof BINARY_CODES, stock: NativeKernelFunc): NativeKernelFunc {
  const code = BINARY_CODES[op];
  const dtype = isComparison(code) ? 'bool' : 'float32';
  return (args: KernelArgs) => {
    const { inputs, backend } = args;
    const a = inputs.a!;
    const b = inputs.b!;
    const av = f32(backend, a);
    const bv = f32(backend, b);
    if (!av || !bv) return stock(args);
    const outShape = tf.backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
    const n = size(outShape);
    const out = dtype === 'bool' ? outputU8(n) : outputF32(n);
    if (n === 0) return backend.makeTensorInfo(outShape, dtype, out);
    const aFull = av.length === n;
    const bFull = bv.length === n;
    if ((aFull && bFull) || (aFull && isTrailing(b.shape, outShape)) || (bFull && isTrailing(a.shape, outShape))) {
      addon.binary(code, av, bv, out);
    } else {
      const shape = outShape.length ? outShape : [1];
      addon.binaryStrided(code, av, broadcastStrides(a.shape, shape), bv, broadcastStrides(b.shape, shape), Int32Array.from(shape), out);
    }
    return backend.makeTensorInfo(outShape, dtype, out);
  };
}
