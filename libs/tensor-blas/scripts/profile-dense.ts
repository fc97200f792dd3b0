/**
 * Profile one Dense forward+backward step on the cpu backend, per tfjs kernel, stock vs native kernels:
 * x 256x525 · W 525x300 + b, tanh; dW = xᵀdz, dx = dz Wᵀ, db = Σ_rows dz (through tf.grads), and the window
 * model's step as libs/ner writes it (hand-written backprop, inverted dropout 0.2, 9-class output layer).
 * Run: npx tsx scripts/profile-dense.ts [kernel,kernel,...]   (the list limits the "native subset" column)
 */
import * as tf from '@tensorflow/tfjs';
import { registerKernels, unregisterKernels } from '../src/index.js';

const [B, IN, OUT] = [256, 525, 300];

function step(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, dy: tf.Tensor2D, fused: boolean): tf.Tensor[] {
  const f = fused
    ? (xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) => tf.tanh(tf.fused.matMul({ a: xx as tf.Tensor2D, b: ww as tf.Tensor2D, bias: bb }))
    : (xx: tf.Tensor, ww: tf.Tensor, bb: tf.Tensor) => tf.tanh(tf.add(tf.matMul(xx as tf.Tensor2D, ww as tf.Tensor2D), bb));
  return tf.grads(f)([x, w, b], dy);
}

/** The window model's step as libs/ner/src/model/mlp.ts computes it: closed-form gradients, no tape. */
function mlpStep(x: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D, u: tf.Tensor2D, c: tf.Tensor1D, dS: tf.Tensor2D): tf.Tensor[] {
  const a = tf.tanh(tf.add(tf.matMul(x, w), b));
  const mask = tf.div(tf.cast(tf.greaterEqual(tf.randomUniform(a.shape, 0, 1, 'float32', 7), 0.2), 'float32'), 0.8);
  const h = tf.mul(a, mask);
  const scores = tf.add(tf.matMul(h, u), c);
  const dU = tf.matMul(h, dS, true, false);
  const dc = tf.sum(dS, 0);
  let d = tf.matMul(dS, u, false, true);
  d = tf.mul(tf.mul(d, mask), tf.sub(1, tf.square(a)));
  return [scores, dU, dc, tf.matMul(x, d, true, false), tf.sum(d, 0), tf.matMul(d, w, false, true)];
}

interface Profile {
  wallMs: number;
  kernels: Map<string, number>;
}

/** Mean per-kernel ms of one step over `reps` profiled steps (after a warm-up). */
async function profile(kind: 'grads' | 'fused' | 'mlp', reps = 20): Promise<Profile> {
  const x = tf.randomNormal([B, IN]) as tf.Tensor2D;
  const w = tf.randomNormal([IN, OUT], 0, 0.05) as tf.Tensor2D;
  const b = tf.randomNormal([OUT]) as tf.Tensor1D;
  const dy = tf.randomNormal([B, OUT]) as tf.Tensor2D;
  const u = tf.randomNormal([OUT, 9], 0, 0.05) as tf.Tensor2D;
  const c = tf.zeros([9]) as tf.Tensor1D;
  const dS = tf.randomNormal([B, 9]) as tf.Tensor2D;
  const run = () => (kind === 'mlp' ? mlpStep(x, w, b, u, c, dS) : step(x, w, b, dy, kind === 'fused'));
  for (let i = 0; i < 3; i++) tf.dispose(run());
  const kernels = new Map<string, number>();
  let wall = 0;
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    const info = await tf.profile(run);
    wall += performance.now() - t0;
    for (const k of info.kernels) kernels.set(k.name, (kernels.get(k.name) ?? 0) + (k.kernelTimeMs as number) / reps);
    tf.dispose(info.result as tf.Tensor[]);
  }
  tf.dispose([x, w, b, dy, u, c, dS]);
  return { wallMs: wall / reps, kernels };
}

function table(cols: [string, Profile][]): string {
  const names = [...new Set(cols.flatMap(([, p]) => [...p.kernels.keys()]))];
  const first = cols[0][1].kernels;
  names.sort((p, q) => (first.get(q) ?? 0) - (first.get(p) ?? 0));
  const head = `${'kernel (ms/step)'.padEnd(18)}${cols.map(([l]) => l.padStart(16)).join('')}`;
  const rows = names.map((n) => `${n.padEnd(18)}${cols.map(([, p]) => (p.kernels.has(n) ? p.kernels.get(n)!.toFixed(3) : '-').padStart(16)).join('')}`);
  const wall = `${'wall (profiled)'.padEnd(18)}${cols.map(([, p]) => p.wallMs.toFixed(2).padStart(16)).join('')}`;
  return [head, ...rows, wall].join('\n');
}

await tf.setBackend('cpu');
const only = process.argv[2] ? process.argv[2].split(',') : undefined;
const columns = async (kind: 'grads' | 'mlp'): Promise<[string, Profile][]> => {
  const stock = await profile(kind);
  registerKernels({ only: ['BatchMatMul', '_FusedMatMul'] });
  const matmulOnly = await profile(kind);
  unregisterKernels();
  registerKernels({ only });
  const all = await profile(kind);
  const fused = kind === 'grads' ? await profile('fused') : null;
  unregisterKernels();
  const cols: [string, Profile][] = [['stock', stock], ['native matMul', matmulOnly], [`native ${only ? 'subset' : 'all'}`, all]];
  return fused ? [...cols, ['native+fused', fused]] : cols;
};
console.log(`Dense step x[${B},${IN}]·W[${IN},${OUT}]+b, tanh, backward by tf.grads; cpu backend (fused.matMul nests its kernels under fusedMatMul__op)`);
console.log(table(await columns('grads')));
console.log(`\nWindow-model step as libs/ner computes it (dropout 0.2, output 9 classes, closed-form backprop)`);
console.log(table(await columns('mlp')));
