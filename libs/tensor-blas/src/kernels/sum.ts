/**
 * Sum over a contiguous run of axes (the bias gradient sums a [batch, n] gradient over axis 0) without
 * tfjs's transpose-then-reduce; float32 only, other axis sets and dtypes go to tfjs's kernel.
 */
import * as tf from '@tensorflow/tfjs';
import type { NativeAddon } from '../native.js';
import { f32, outputF32, size, type KernelArgs, type NativeKernelFunc } from './cpu-backend.js';

export function makeSum(addon: NativeAddon, stock: NativeKernelFunc): NativeKernelFunc {
  return (args: KernelArgs) => {
    const { inputs, backend, attrs = {} } = args;
    const x = inputs.x!;
    const xv = f32(backend, x);
    const axes = tf.util.parseAxisParam(attrs.axis as number | number[], x.shape).sort((p, q) => p - q);
    if (!xv || axes.length === 0 || axes[axes.length - 1] - axes[0] !== axes.length - 1) return stock(args);
    const first = axes[0];
    const last = axes[axes.length - 1];
    const outer = size(x.shape.slice(0, first));
    const reduced = size(x.shape.slice(first, last + 1));
    const inner = size(x.shape.slice(last + 1));
    const out = outputF32(outer * inner);
    if (out.length > 0) addon.reduceSum(xv, outer, reduced, inner, out);
    const outShape = attrs.keepDims
      ? x.shape.map((d, i) => (i >= first && i <= last ? 1 : d))
      : x.shape.filter((_, i) => i < first || i > last);
    return backend.makeTensorInfo(outShape, 'float32', out);
  };
}
