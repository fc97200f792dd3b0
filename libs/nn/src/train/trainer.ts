/**
 * The mini-batch trainer: Rng-shuffled epochs, one forward/loss/backward per batch inside tf.tidy, an optimizer
 * step after it (outside tidy: the optimizer reads gradients to the host), progress events, early stopping on a
 * validation metric with patience (the best weights are restored at the end).
 *
 * The loss is never read synchronously each step: batch losses stay on the backend and are read together when
 * a progress event is due (every `progressEvery` steps and at the end of an epoch); a non-finite loss is then
 * traced to its exact step.
 */
import { tf, Rng } from '@window-ner/tensor';
import { checkPositiveInt, checkRate, NnError } from '../core/errors.js';
import type { Layer, Loss, Param } from '../core/types.js';
import type { RuleOptimizer, StepOptions } from '../optimizers/optimizer.js';
import { restoreSnapshot, takeSnapshot, type Snapshot } from './snapshot.js';

export interface Batch<X, T> {
  x: X;
  target: T;
}

export interface TrainProgressEvent {
  epoch: number;
  epochs: number;
  /** Steps done in this epoch. */
  step: number;
  stepsPerEpoch: number;
  /** Mean loss over the epoch so far. */
  loss: number;
  examplesPerSecond: number;
  /** Set on the end-of-epoch event when a validation function is given. */
  metric?: number;
  phase: 'train' | 'epoch';
}

export interface EpochRecord {
  epoch: number;
  loss: number;
  metric: number | null;
  seconds: number;
  examplesPerSecond: number;
}

export interface TrainOptions<X, T> {
  model: Layer<X, unknown>;
  loss: Loss<T>;
  /**
   * What the optimizer steps and early stopping snapshots (default model.params()): a loss with params of its
   * own (a CRF's transitions) adds them here.
   */
  params?: Param[];
  optimizer: RuleOptimizer;
  /** Number of training examples; batches are built from shuffled example indices. */
  examples: number;
  /** Build the batch for these example indices (tensors in it are disposed after the step). */
  batch: (indices: Int32Array) => Batch<X, T>;
  batchSize: number;
  epochs: number;
  seed?: number;
  shuffle?: boolean;
  step?: StepOptions;
  /** Multiply the learning rate by this after each epoch (default 1). */
  lrDecay?: number;
  /** Validation metric computed after each epoch (e.g. dev F1); drives early stopping. */
  validate?: () => number;
  /** 'max' (default): higher metric is better; 'min' for a validation loss. */
  mode?: 'max' | 'min';
  /** Stop after this many epochs without improvement (default: never). */
  patience?: number;
  /**
   * A batch loss that is not finite: 'throw' (default) stops training naming the step; 'record' keeps training and
   * the epoch's loss becomes NaN/Infinity (for a caller that judges a diverged run from its history).
   */
  nonFiniteLoss?: 'throw' | 'record';
  /**
   * Runs once after training, when the best weights are back in place (e.g. calibrate a decision rule on the
   * validation data); its result is returned as `TrainResult.end`.
   */
  onEnd?: (result: TrainResult) => unknown;
  onProgress?: (e: TrainProgressEvent) => void;
  progressEvery?: number;
  signal?: AbortSignal;
}

export interface TrainResult {
  history: EpochRecord[];
  bestEpoch: number;
  bestMetric: number | null;
  stoppedEarly: boolean;
  steps: number;
  /** What onEnd returned. */
  end?: unknown;
}

function disposeAll(v: unknown): void {
  if (v instanceof tf.Tensor) v.dispose();
  else if (Array.isArray(v)) v.forEach(disposeAll);
}

export async function train<X, T>(opts: TrainOptions<X, T>): Promise<TrainResult> {
  const batchSize = checkPositiveInt('train', 'batchSize', opts.batchSize);
  const epochs = checkPositiveInt('train', 'epochs', opts.epochs);
  const n = checkPositiveInt('train', 'examples', opts.examples);
  const lrDecay = checkRate('train', 'lrDecay', opts.lrDecay ?? 1);
  const every = checkPositiveInt('train', 'progressEvery', opts.progressEvery ?? 20);
  const patience = opts.patience === undefined ? Infinity : checkRate('train', 'patience', opts.patience);
  const rng = new Rng(opts.seed ?? 42);
  const order = Int32Array.from({ length: n }, (_, i) => i);
  const steps = Math.ceil(n / batchSize);
  const params: Param[] = opts.params ?? opts.model.params();
  const history: EpochRecord[] = [];
  const better = (a: number, b: number) => (opts.mode === 'min' ? a < b : a > b);
  let best: number | null = null;
  let bestEpoch = 0;
  let snapshot: Snapshot | null = null;
  let bad = 0;
  let stoppedEarly = false;
  let totalSteps = 0;

  for (let epoch = 1; epoch <= epochs; epoch++) {
    const t0 = performance.now();
    if (opts.shuffle !== false) rng.shuffle(order);
    let lossSum = 0;
    let seen = 0;
    // Batch losses not read yet, with their batch sizes and step numbers.
    let pending: { loss: tf.Scalar; size: number; step: number }[] = [];
    const drain = () => {
      if (pending.length === 0) return;
      const stacked = tf.stack(pending.map((p) => p.loss));
      const values = stacked.dataSync();
      stacked.dispose();
      for (let i = 0; i < pending.length; i++) {
        if (!Number.isFinite(values[i]) && opts.nonFiniteLoss !== 'record') {
          pending.forEach((p) => p.loss.dispose());
          throw new NnError(`train: loss is ${values[i]} at epoch ${epoch}, step ${pending[i].step} of ${steps}`);
        }
        lossSum += values[i] * pending[i].size;
        pending[i].loss.dispose();
      }
      pending = [];
    };
    const emit = (step: number, phase: TrainProgressEvent['phase'], metric?: number) => {
      const secs = (performance.now() - t0) / 1000;
      opts.onProgress?.({ epoch, epochs, step, stepsPerEpoch: steps, loss: lossSum / Math.max(seen, 1), examplesPerSecond: seen / Math.max(secs, 1e-9), phase, metric });
    };
    for (let step = 0; step < steps; step++) {
      if (opts.signal?.aborted) throw new NnError(`train: aborted at epoch ${epoch}, step ${step + 1}`);
      const start = step * batchSize;
      const size = Math.min(batchSize, n - start);
      const { x, target } = opts.batch(order.subarray(start, start + size));
      const ctx = { training: true, rng };
      const loss = tf.tidy(() => {
        const r = opts.model.forward(x, ctx);
        const { loss: l, grad } = opts.loss.compute(r.y, target);
        r.backward(grad);
        return l;
      });
      disposeAll(x);
      disposeAll(target);
      pending.push({ loss, size, step: step + 1 });
      opts.optimizer.step(params, opts.step);
      seen += size;
      totalSteps++;
      if ((step + 1) % every === 0 || step === steps - 1) {
        drain();
        emit(step + 1, 'train');
        // Let progress listeners, aborts and timers run now and then.
        await new Promise((r) => setImmediate(r));
      }
    }
    drain();
    // An abort that arrived during the epoch's last yield must not wait for a validation pass.
    if (opts.signal?.aborted) throw new NnError(`train: aborted at the end of epoch ${epoch}`);
    const seconds = (performance.now() - t0) / 1000;
    opts.optimizer.lr = opts.optimizer.lr * lrDecay;
    const metric = opts.validate ? opts.validate() : null;
    if (metric !== null && !Number.isFinite(metric)) throw new NnError(`train: validation metric is ${metric} after epoch ${epoch}`);
    history.push({ epoch, loss: lossSum / n, metric, seconds, examplesPerSecond: n / Math.max(seconds, 1e-9) });
    emit(steps, 'epoch', metric ?? undefined);
    // Validation is one synchronous pass: let an abort sent meanwhile in (a worker thread's cancel message) before
    // the next epoch's first steps run, so a job cancelled while validating stops there.
    if (opts.signal) await new Promise((r) => setImmediate(r));
    if (opts.signal?.aborted) throw new NnError(`train: aborted after validating epoch ${epoch}`);
    if (metric === null) {
      bestEpoch = epoch;
      continue;
    }
    if (best === null || better(metric, best)) {
      best = metric;
      bestEpoch = epoch;
      snapshot = takeSnapshot(params);
      bad = 0;
    } else if (++bad >= patience) {
      stoppedEarly = epoch < epochs;
      break;
    }
  }
  if (snapshot) restoreSnapshot(params, snapshot);
  const result: TrainResult = { history, bestEpoch, bestMetric: best, stoppedEarly, steps: totalSteps };
  if (opts.onEnd) result.end = await opts.onEnd(result);
  return result;
}

/** The same loop as an object, for callers that configure once and fit later (or fit again with more epochs). */
export class Trainer<X, T> {
  constructor(readonly options: TrainOptions<X, T>) {}

  fit(overrides: Partial<TrainOptions<X, T>> = {}): Promise<TrainResult> {
    return train({ ...this.options, ...overrides });
  }
}
