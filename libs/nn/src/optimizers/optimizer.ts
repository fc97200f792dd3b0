/**
 * The optimizer: one update rule (rules.ts) applied in place on Float32Arrays. Dense params keep a host master
 * copy updated in one JS loop and uploaded once per step (one tensor per param instead of ~10 temporaries for an
 * Adam step in tfjs ops — that churn dominated the step on the cpu backend); row-sparse tables update only the
 * rows in the batch with lazy moments, so no step costs time proportional to the table.
 * L2 applies to weights only (params with regularize=true); clipping is by the global norm over both kinds.
 */
import { tf, Registry } from '@window-ner/tensor';
import { checkRate, NnError } from '../core/errors.js';
import { flushSparseGrad } from '../core/params.js';
import type { DenseParam, Optimizer, Param, SparseParam } from '../core/types.js';
import { DEFAULT_LR, adadelta, adagrad, adam, momentum, nadam, nag, rmsprop, sgd, type LiveRate, type OptimizerSpec, type Rule, type RuleFactory } from './rules.js';

export interface StepOptions {
  /** L2 coefficient added to the gradient of params with regularize=true (weights, never biases). */
  l2?: number;
  /** Clip by the global gradient norm over all params (0 or absent = off). */
  clipNorm?: number;
}

export const optimizers = new Registry<RuleFactory>('optimizer');
for (const [name, f] of Object.entries({ sgd, momentum, nag, adagrad, rmsprop, adadelta, adam, nadam })) optimizers.register(name, f);

const NONE = new Float32Array(0);

/** The spec under the name the layer-side code uses. */
export type OptimizerConfig = OptimizerSpec;

export class RuleOptimizer implements Optimizer {
  readonly name: string;
  private readonly rule: Rule;
  private readonly live: LiveRate;
  private readonly master = new Map<DenseParam, Float32Array>();
  /** The tfjs data id we last wrote to each variable: a different id means someone assigned the variable
   * (a restore, a load), so the master copy is re-read instead of overwriting their values. */
  private readonly written = new Map<DenseParam, object>();
  /** Params whose tf.Variable storage IS the master array (the cpu backend keeps the array it is given), so
   * the in-place update is already the upload. */
  private readonly aliased = new Set<DenseParam>();
  private readonly state = new Map<Param, Float32Array[]>();
  private t = 0;

  constructor(readonly spec: OptimizerSpec) {
    if (!spec || typeof spec.type !== 'string') throw new NnError(`optimizer: spec needs a "type" (one of ${optimizers.names().join(', ')})`);
    const make = optimizers.get(spec.type);
    const lr = checkRate(`optimizer ${spec.type}`, 'lr', spec.lr ?? DEFAULT_LR[spec.type] ?? 0.01);
    this.name = spec.type;
    this.live = { lr };
    this.rule = make(spec, this.live);
  }

  get lr(): number {
    return this.live.lr;
  }

  set lr(value: number) {
    this.live.lr = checkRate(`optimizer ${this.name}`, 'lr', value);
  }

  /** Steps taken so far (Adam's t). */
  get iterations(): number {
    return this.t;
  }

  getConfig(): OptimizerSpec {
    return { ...this.spec, lr: this.live.lr };
  }

  private stateOf(p: Param, size: number): [Float32Array, Float32Array] {
    let s = this.state.get(p);
    if (!s) this.state.set(p, (s = Array.from({ length: this.rule.stateCount }, () => new Float32Array(size))));
    return [s[0] ?? NONE, s[1] ?? NONE];
  }

  /** Apply and clear every gradient. Returns the global gradient norm before clipping (0 when clipping is off). */
  step(params: Param[], opts: StepOptions = {}): number {
    const l2 = opts.l2 === undefined ? 0 : checkRate(`optimizer ${this.name}`, 'l2', opts.l2);
    const clipNorm = opts.clipNorm === undefined ? 0 : checkRate(`optimizer ${this.name}`, 'clipNorm', opts.clipNorm);
    this.t++;
    this.rule.begin(this.t);
    const dense: { p: DenseParam; g: Float32Array }[] = [];
    const sparse: SparseParam[] = [];
    for (const p of params) {
      if (p.kind === 'sparse') flushSparseGrad(p);
      if (!p.trainable || p.grad === null) continue;
      if (p.kind === 'dense') dense.push({ p, g: p.grad.dataSync() as Float32Array });
      else sparse.push(p);
    }
    let scale = 1;
    let norm = 0;
    if (clipNorm > 0) {
      let sq = 0;
      for (const { g } of dense) for (let i = 0; i < g.length; i++) sq += g[i] * g[i];
      for (const p of sparse) for (let i = 0; i < p.grad!.length; i++) sq += p.grad![i] * p.grad![i];
      norm = Math.sqrt(sq);
      if (norm > clipNorm) scale = clipNorm / norm;
    }
    for (const { p, g } of dense) this.stepDense(p, g, scale, p.regularize ? l2 : 0);
    for (const p of sparse) {
      const [s0, s1] = this.stateOf(p, p.table.length);
      const rows = p.gradRows!;
      const g = p.grad!;
      const d = p.dim;
      const l2p = p.regularize ? l2 : 0;
      for (let r = 0; r < rows.length; r++) {
        if (rows[r] < 0 || rows[r] >= p.rows) throw new NnError(`optimizer ${this.name}: param "${p.name}" gradient row ${rows[r]} outside [0, ${p.rows})`);
      }
      if (this.rule.updateRows) this.rule.updateRows(p.table, rows, g, d, s0, s1, scale, l2p);
      else for (let r = 0; r < rows.length; r++) this.rule.update(p.table, rows[r] * d, g, r * d, d, s0, s1, scale, l2p);
      p.grad = null;
      p.gradRows = null;
    }
    return norm;
  }

  private stepDense(p: DenseParam, g: Float32Array, scale: number, l2: number): void {
    let w = this.master.get(p);
    const id = (p.value as unknown as { dataId: object }).dataId;
    if (!w || this.written.get(p) !== id) {
      w = (p.value.dataSync() as Float32Array).slice();
      this.master.set(p, w);
      this.aliased.delete(p);
    }
    if (g.length !== w.length) throw new NnError(`optimizer ${this.name}: param "${p.name}" has ${w.length} values but its gradient has ${g.length}`);
    const [s0, s1] = this.stateOf(p, w.length);
    this.rule.update(w, 0, g, 0, w.length, s0, s1, scale, l2);
    if (!this.aliased.has(p)) {
      // Backends that copy on tf.tensor (wasm) get one upload per step; the cpu backend keeps `w` itself as
      // the variable's storage, detected here once, after which the in-place update above is the upload.
      const next = tf.tensor(w, p.value.shape);
      p.value.assign(next);
      next.dispose();
      if (p.value.dataSync() === w) this.aliased.add(p);
    }
    this.written.set(p, (p.value as unknown as { dataId: object }).dataId);
    p.grad!.dispose();
    p.grad = null;
  }

  /** Forget host copies (values changed from outside are also detected on their own, by the variable's data id). */
  resync(): void {
    this.master.clear();
    this.aliased.clear();
    this.written.clear();
  }

  dispose(): void {
    this.resync();
    this.state.clear();
  }
}

/** The optimizer a JSON spec names, e.g. { type: 'adam', lr: 1e-3, beta1: 0.9 }. */
export function createOptimizer(spec: OptimizerSpec): RuleOptimizer {
  return new RuleOptimizer(spec);
}
