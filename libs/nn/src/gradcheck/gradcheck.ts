/**
 * Gradient check by centred differences: for sampled entries θ_i, numeric = (L(θ_i + ε) - L(θ_i - ε)) / 2ε,
 * compared with the analytic gradient as |a - n| / max(|a|, |n|, floor). The loss is returned to us as a JS
 * number (float64), so building it in JS from the layer output (checkLayer does Σ y ⊙ R) keeps float32
 * round-off out of the difference; ε = 1e-2 by default, where that round-off is ~1e-5 of the result.
 */
import { tf, Rng } from '@window-ner/tensor';
import { clearGrads, flushSparseGrad } from '../core/params.js';
import type { AnyLayer, ForwardContext, Param } from '../core/types.js';

export interface GradCheckOptions {
  eps?: number;
  /** Entries checked per param (sampled with rng; all when the param is smaller). */
  samplesPerParam?: number;
  /** Denominator floor of the relative error, so entries whose gradient is ~0 are not judged relatively. */
  floor?: number;
  rng?: Rng;
}

export interface GradCheckEntry {
  name: string;
  index: number;
  analytic: number;
  numeric: number;
  relError: number;
}

export interface GradCheckResult {
  maxRelError: number;
  worst: GradCheckEntry | null;
  checked: number;
}

/** Something whose entries can be read, perturbed and compared: a param or a layer input. */
interface Probe {
  name: string;
  size: number;
  get(i: number): number;
  set(i: number, v: number): void;
  /** Analytic gradient entry i (after the backward run). */
  grad(i: number): number;
}

function paramProbe(p: Param): Probe {
  if (p.kind === 'sparse') {
    return {
      name: p.name,
      size: p.table.length,
      get: (i) => p.table[i],
      set: (i, v) => {
        p.table[i] = v;
      },
      grad: (i) => {
        flushSparseGrad(p);
        if (!p.gradRows || !p.grad) return 0;
        const row = Math.floor(i / p.dim);
        const at = p.gradRows.indexOf(row);
        return at < 0 ? 0 : p.grad[at * p.dim + (i % p.dim)];
      },
    };
  }
  let host: Float32Array | null = null;
  let g: Float32Array | null = null;
  return {
    name: p.name,
    size: p.value.size,
    get: (i) => (host ??= (p.value.dataSync() as Float32Array).slice())[i],
    set: (i, v) => {
      host ??= (p.value.dataSync() as Float32Array).slice();
      host[i] = v;
      const t = tf.tensor(host.slice(), p.value.shape);
      p.value.assign(t);
      t.dispose();
    },
    grad: (i) => (g ??= p.grad ? (p.grad.dataSync() as Float32Array).slice() : new Float32Array(p.value.size))[i],
  };
}

function check(probes: Probe[], loss: () => number, runBackward: () => void, opts: GradCheckOptions): GradCheckResult {
  const eps = opts.eps ?? 1e-2;
  const floor = opts.floor ?? 1e-3;
  const per = opts.samplesPerParam ?? 20;
  const rng = opts.rng ?? new Rng(7);
  runBackward();
  let worst: GradCheckEntry | null = null;
  let checked = 0;
  for (const probe of probes) {
    const idx = probe.size <= per ? Array.from({ length: probe.size }, (_, i) => i) : Array.from({ length: per }, () => rng.int(probe.size));
    for (const i of idx) {
      const analytic = probe.grad(i);
      const orig = probe.get(i);
      probe.set(i, orig + eps);
      const up = loss();
      probe.set(i, orig - eps);
      const down = loss();
      probe.set(i, orig);
      const numeric = (up - down) / (2 * eps);
      const relError = Math.abs(analytic - numeric) / Math.max(Math.abs(analytic), Math.abs(numeric), floor);
      checked++;
      if (!worst || relError > worst.relError) worst = { name: probe.name, index: i, analytic, numeric, relError };
    }
  }
  return { maxRelError: worst?.relError ?? 0, worst, checked };
}

/**
 * Check the gradients of any params: `loss()` runs the forward pass and returns the loss as a number;
 * `backward()` runs forward + backward so the params hold their analytic gradients. Grads are cleared first.
 */
export function gradCheck(params: Param[], loss: () => number, backward: () => void, opts: GradCheckOptions = {}): GradCheckResult {
  clearGrads(params);
  const r = check(params.filter((p) => p.trainable).map(paramProbe), loss, backward, opts);
  clearGrads(params);
  return r;
}

export interface LayerCheckOptions extends GradCheckOptions {
  training?: boolean;
  /** Also check dL/dx (default true for tensor inputs). */
  checkInput?: boolean;
  seed?: number;
}

/**
 * Check a layer's param gradients and its dL/dx at input x ([n, d] values), with L = Σ y ⊙ R for a fixed random
 * R (so every output entry matters). `x` is a Float32Array with its shape, or Int32Array ids (Embedding).
 */
export function checkLayer(layer: AnyLayer, x: { values: Float32Array; shape: number[] } | Int32Array, opts: LayerCheckOptions = {}): GradCheckResult {
  const seed = opts.seed ?? 11;
  const ctx = (): ForwardContext => ({ training: opts.training ?? false, rng: new Rng(seed) });
  const host = x instanceof Int32Array ? null : x.values.slice();
  const input = () => (x instanceof Int32Array ? x : tf.tensor(host!, x.shape));
  let R: Float32Array | null = null;
  let shape: number[] = [];
  const lossOf = (y: tf.Tensor) => {
    const v = y.dataSync() as Float32Array;
    if (!R) {
      const r = new Rng(seed + 1);
      R = Float32Array.from(v, () => r.uniform(-1, 1));
      shape = y.shape;
    }
    let s = 0;
    for (let i = 0; i < v.length; i++) s += v[i] * R[i];
    return s;
  };
  // Host reads happen after the tidy returns (never dataSync inside tf.tidy); the kept result is disposed by hand.
  const loss = () => {
    const y = tf.tidy(() => layer.forward(input(), ctx()).y);
    const s = lossOf(y);
    y.dispose();
    return s;
  };
  let dx: Float32Array | null = null;
  const backward = () => {
    loss();
    const d = tf.tidy(() => (layer.forward(input(), ctx()).backward(tf.tensor(R!, shape)) as tf.Tensor | null) ?? undefined) as tf.Tensor | undefined;
    if (d) {
      if (host) dx = (d.dataSync() as Float32Array).slice();
      d.dispose();
    }
  };
  const probes = layer.params().filter((p) => p.trainable).map(paramProbe);
  if (host && opts.checkInput !== false) {
    probes.push({ name: 'input', size: host.length, get: (i) => host[i], set: (i, v) => (host[i] = v), grad: (i) => dx![i] });
  }
  clearGrads(layer.params());
  const r = check(probes, loss, backward, opts);
  clearGrads(layer.params());
  return r;
}
