/**
 * Transpose and AddN for float32 on top of the native binary loops (no extra native code):
 * Transpose is x * 1 read through permuted strides (keeps -0, ±Inf, NaN), AddN a chain of in-place adds.
 */
import { BINARY_CODES, type NativeAddon } from '../native.js';
import { f32, outputF32, size, type KernelArgs, type NativeKernelFunc } from './cpu-backend.js';

const ONE = new Float32Array([1]);

export function makeTranspose(addon: NativeAddon, stock: NativeKernelFunc): NativeKernelFunc {
  return (args: KernelArgs) => {
    const { inputs, backend, attrs = {} } = args;
    const x = inputs.x!;
    const xv = f32(backend, x);
    const perm = attrs.perm as number[];
    if (!xv || x.shape.length === 0) return stock(args);
    const rank = x.shape.length;
    const inStrides = new Array<number>(rank);
    for (let d = rank - 1, s = 1; d >= 0; d--) {
      inStrides[d] = s;
      s *= x.shape[d];
    }
    const outShape = perm.map((p) => x.shape[p]);
    const out = outputF32(size(outShape));
    if (out.length > 0) {
      const strides = Int32Array.from(perm.map((p) => (x.shape[p] === 1 ? 0 : inStrides[p])));
      addon.binaryStrided(BINARY_CODES.mul, xv, strides, ONE, new Int32Array(rank), Int32Array.from(outShape), out);
    }
    return backend.makeTensorInfo(outShape, 'float32', out);
  };
}

export function makeAddN(addon: NativeAddon, stock: NativeKernelFunc): NativeKernelFunc {
  return (args: KernelArgs) => {
    const { inputs, backend } = args;
    const list = Object.keys(inputs).map((k) => inputs[k]!);
    const values = list.map((t) => f32(backend, t));
    const n = values[0]?.length ?? 0;
    if (list.length < 2 || values.some((v) => !v || v.length !== n)) return stock(args);
    const out = outputF32(n);
    if (n > 0) {
      addon.binary(BINARY_CODES.add, values[0]!, values[1]!, out);
      for (let i = 2; i < values.length; i++) addon.binary(BINARY_CODES.add, out, values[i]!, out);
    }
    return backend.makeTensorInfo(list[0].shape, 'float32', out);
  };
}
