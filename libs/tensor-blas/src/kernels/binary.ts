/**
 * Add / Sub / Multiply on float32 when the broadcast is trailing (same shape, scalar, or a per-last-axes vector
 * such as a bias row): one native loop instead of tfjs's generic broadcasting loop. Anything else → tfjs's kernel.
 */
import * as tf from '@tensorflow/tfjs';
import { BINARY_CODES, type NativeAddon } from '../native';
import { f32, size, type KernelArgs, type NativeKernelFunc } from './cpu-backend';

/** True when `shape` broadcast against `out` is a cyclic repeat: minus leading 1s it is a suffix of `out`. */
function isTrailing(shape: number[], out: number[]): boolean {
  let start = 0;
  while (start < shape.length && shape[start] === 1) start++;
  const core = shape.slice(start);
  if (core.length > out.length) return false;
  const tail = out.slice(out.length - core.length);
  return core.every((d, i) => d === tail[i]);
}

export function makeBinary(addon: NativeAddon, op: keyof typeof BINARY_CODES, stock: NativeKernelFunc): NativeKernelFunc {
  const code = BINARY_CODES[op];
  return (args: KernelArgs) => {
    const { inputs, backend } = args;
    const a = inputs.a!;
    const b = inputs.b!;
    const av = f32(backend, a);
    const bv = f32(backend, b);
    if (!av || !bv) return stock(args);
    const outShape = tf.backend_util.assertAndGetBroadcastShape(a.shape, b.shape);
    const n = size(outShape);
    const aFull = av.length === n;
    const bFull = bv.length === n;
    if (n > 0 && !(aFull && bFull) && !(aFull ? isTrailing(b.shape, outShape) : bFull && isTrailing(a.shape, outShape))) {
      return stock(args);
    }
    const out = new Float32Array(n);
    addon.binary(code, av, bv, out);
    return backend.makeTensorInfo(outShape, 'float32', out);
  };
}
