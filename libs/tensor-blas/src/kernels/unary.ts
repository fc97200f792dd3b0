/** Elementwise float32 kernels (Tanh, Exp, Relu, ...) as one native loop; other dtypes go to tfjs's kernel. */
import { UNARY_CODES, type NativeAddon } from '../native.js';
import { f32, outputF32, type KernelArgs, type NativeKernelFunc } from './cpu-backend.js';

/** `param` reads the kernel's scalar attribute (LeakyRelu's / Step's alpha). */
export function makeUnary(addon: NativeAddon, op: keyof typeof UNARY_CODES, stock: NativeKernelFunc, param: (attrs: KernelArgs['attrs']) => number = () => 0): NativeKernelFunc {
  const code = UNARY_CODES[op];
  return (args: KernelArgs) => {
    const { inputs, backend } = args;
    const x = inputs.x!;
    const xv = f32(backend, x);
    if (!xv) return stock(args);
    const out = outputF32(xv.length);
    addon.unary(code, xv, out, param(args.attrs));
    return backend.makeTensorInfo(x.shape, 'float32', out);
  };
}
