/**
 * _FusedMatMul (matMul + bias + activation, what tf.fused.matMul and tf.layers Dense call) on the cpu backend:
 * native sgemm, then one native pass for bias + activation. Bias / prelu weights that are a scalar or one value
 * per output column are fused; any other broadcast falls back to tfjs's Add / Prelu kernels for that step.
 */
import * as tf from '@tensorflow/tfjs';
import { ACTIVATION_CODES, type FusedActivation, type NativeAddon } from '../native.js';
import { f32, size, type CpuBackend, type KernelArgs, type NativeKernelFunc } from './cpu-backend.js';
import { nativeMatMul } from './matmul-core.js';

/** Values of t when it is float32 and broadcasts as a scalar or a per-column vector against [..., n]. */
function perColumn(backend: CpuBackend, t: tf.TensorInfo | undefined, n: number): Float32Array | null {
  if (!t) return null;
  const v = f32(backend, t);
  if (!v) return null;
  const s = size(t.shape);
  if (s === 1) return v;
  const last = t.shape[t.shape.length - 1];
  return last === n && s === n ? v : null;
}

function stockKernel(name: string): NativeKernelFunc {
  return tf.getKernel(name, 'cpu').kernelFunc as unknown as NativeKernelFunc;
}

export function makeFusedMatMul(addon: NativeAddon, stock: NativeKernelFunc): NativeKernelFunc {
  return (args: KernelArgs) => {
    const { inputs, backend, attrs = {} } = args;
    const a = inputs.a!;
    const b = inputs.b!;
    const { bias, preluActivationWeights } = inputs;
    const av = f32(backend, a);
    const bv = f32(backend, b);
    const activation = ((attrs.activation as string | undefined) ?? 'linear') as FusedActivation;
    const code = ACTIVATION_CODES[activation];
    if (!av || !bv || code === undefined || (bias && bias.dtype !== 'float32')) return stock(args);

    const { values, plan } = nativeMatMul(addon, av, a.shape, bv, b.shape, Boolean(attrs.transposeA), Boolean(attrs.transposeB));
    const n = plan.n;
    const leakyAlpha = (attrs.leakyreluAlpha as number | undefined) ?? 0.2;
    const biasCol = perColumn(backend, bias, n);
    const preluCol = activation === 'prelu' ? perColumn(backend, preluActivationWeights, n) : null;
    const canFuse = (!bias || biasCol) && (activation !== 'prelu' || preluCol) && plan.outShape.length >= 2;
    if (canFuse) {
      addon.biasActivation(values, n, biasCol, code, leakyAlpha, preluCol);
      return backend.makeTensorInfo(plan.outShape, 'float32', values);
    }
    // General broadcast: the rare shapes tfjs allows that are not scalar / per-column; do those steps with tfjs.
    let current = backend.makeTensorInfo(plan.outShape, 'float32', values);
    if (bias) {
      const added = stockKernel('Add')({ inputs: { a: current, b: bias }, backend }) as tf.TensorInfo;
      backend.disposeIntermediateTensorInfo(current);
      current = added;
    }
    if (activation === 'prelu') {
      const out = stockKernel('Prelu')({ inputs: { x: current, alpha: preluActivationWeights }, backend }) as tf.TensorInfo;
      backend.disposeIntermediateTensorInfo(current);
      return out;
    }
    const cv = f32(backend, current)!;
    addon.biasActivation(cv, Math.max(1, current.shape[current.shape.length - 1] ?? 1), null, code, leakyAlpha, null);
    return current;
  };
}
