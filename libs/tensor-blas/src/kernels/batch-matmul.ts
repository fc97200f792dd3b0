/** BatchMatMul on the cpu backend through native sgemm; non-float32 inputs go to tfjs's own kernel. */
import type { NativeAddon } from '../native.js';
import { f32, type KernelArgs, type NativeKernelFunc } from './cpu-backend.js';
import { nativeMatMul } from './matmul-core.js';

export function makeBatchMatMul(addon: NativeAddon, stock: NativeKernelFunc): NativeKernelFunc {
  return (args: KernelArgs) => {
    const { inputs, backend, attrs = {} } = args;
    const a = inputs.a!;
    const b = inputs.b!;
    const av = f32(backend, a);
    const bv = f32(backend, b);
    if (!av || !bv) return stock(args);
    const { values, plan } = nativeMatMul(addon, av, a.shape, bv, b.shape, Boolean(attrs.transposeA), Boolean(attrs.transposeB));
    return backend.makeTensorInfo(plan.outShape, 'float32', values);
  };
}
