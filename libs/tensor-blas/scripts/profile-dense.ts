/**
 * Profile one Dense forward+backward step on the cpu backend, per tfjs kernel, stock vs native kernels:
 * x 256x525 · W 525x300 + b, tanh; dW = xᵀdz, dx = dz Wᵀ, db = Σ_rows dz.  Run: npx tsx scripts/profile-dense.ts
 */
import * as tf from '@tensorflow/tfjs';
import { registerKernels, unregisterKernels } from '../src/index';

const [B, IN, OUT] = [256, 525, 300];

function step(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, dy: tf.Tensor2D, fused: boolean): tf.Tensor[] {
  const f = fused
    ? (xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) => tf.tanh(tf.fused.matMul({ a: xx as tf.Tensor2D, b: ww as tf.Tensor2D, bias: bb }))
    : (xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) => tf.tanh(tf.add(tf.matMul(xx as tf.Tensor2D, ww as tf.Tensor2D), bb));
  return tf.grads(f)([x, w, b], dy);
}

async function profile(label: string, fused: boolean): Promise<void> {
  const x = tf.randomNormal([B, IN]) as tf.Tensor2D;
  const w = tf.randomNormal([IN, OUT], 0, 0.05) as tf.Tensor2D;
  const b = tf.randomNormal([OUT]) as tf.Tensor1D;
  const dy = tf.randomNormal([B, OUT]) as tf.Tensor2D;
  for (let i = 0; i < 3; i++) tf.dispose(step(x, w, b, dy, fused));
  const reps = 10;
  const per = new Map<string, number>();
  let wall = 0;
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    const info = await tf.profile(() => step(x, w, b, dy, fused));
    wall += performance.now() - t0;
    for (const k of info.kernels) per.set(k.name, (per.get(k.name) ?? 0) + (k.kernelTimeMs as number));
    tf.dispose(info.result as tf.Tensor[]);
  }
  const rows = [...per].map(([name, ms]) => ({ name, ms: ms / reps })).sort((p, q) => q.ms - p.ms);
  const total = rows.reduce((s, r) => s + r.ms, 0);
  console.log(`\n${label}: kernels ${total.toFixed(2)} ms/step (profiled wall ${(wall / reps).toFixed(2)} ms)`);
  for (const r of rows) console.log(`  ${r.name.padEnd(14)} ${r.ms.toFixed(3).padStart(8)} ms  ${((100 * r.ms) / total).toFixed(1).padStart(5)}%`);
  tf.dispose([x, w, b, dy]);
}

await tf.setBackend('cpu');
const only = process.argv[2] ? process.argv[2].split(',') : undefined;
await profile('stock cpu, matMul+add', false);
registerKernels({ only });
await profile(`native (${only?.join(',') ?? 'all'}), matMul+add`, false);
await profile(`native (${only?.join(',') ?? 'all'}), fused.matMul`, true);
unregisterKernels();
