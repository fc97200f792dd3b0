/**
 * The training loop: mini-batches of windows built into a reused buffer, one forward/backward of the MLP per
 * batch, sparse updates of the embedding rows in the batch, dev F1 after each epoch, early stopping with
 * patience (the best epoch is restored), then (max-margin head) threshold calibration on dev.
 *
 * Overhead kept out of the step: X is written into one reused Float32Array; no pass over the embedding table;
 * the loss comes from the head's JS loss on the (tiny) score matrix we read anyway for dL/dscores.
 */
import { createOptimizer, restoreSnapshot, takeSnapshot, type Snapshot } from '@window-ner/nn';
import { Rng } from '@window-ner/tensor';
import type { TrainProgress } from '../api';
import type { NerConfig } from '../config/config';
import type { Sentence } from '../corpus/types';
import { conlleval, type ConllevalResult } from '../metrics/conlleval';
import { calibrateThresholds } from '../heads/calibrate';
import { MaxMarginHead } from '../heads/max-margin';
import type { VectorSource } from '../vectors/source';
import { createModel } from '../model/build';
import type { WindowModel } from '../model/window-model';
import type { WindowSet } from '../windows/windows';

export interface FitOptions {
  config: NerConfig;
  train: readonly Sentence[];
  dev?: readonly Sentence[];
  vectors: VectorSource | null;
  onProgress?: (p: TrainProgress) => void;
  signal?: AbortSignal;
}

export interface EpochRecord {
  epoch: number;
  loss: number;
  devF1: number | null;
  seconds: number;
  windowsPerSecond: number;
}

export interface FitResult {
  model: WindowModel;
  history: EpochRecord[];
  bestEpoch: number;
  /** Dev evaluation of the returned model (after calibration), or null without dev data. */
  dev: ConllevalResult | null;
  /** max-margin: dev F1 before threshold calibration. */
  devF1Uncalibrated?: number;
  trainWindows: number;
  seconds: number;
  trainSeconds: number;
  windowsPerSecond: number;
}

/** Evaluate a model's predictions on a window set against gold sentences. */
export function evaluateSet(model: WindowModel, set: WindowSet, gold: readonly Sentence[], scores = model.scoreAll(set)): ConllevalResult {
  const decoded = model.decode(set, scores);
  const pred = decoded.map((d) => Array.from(d.tags, (i) => model.labels.label(i)));
  return conlleval(gold.map((s) => s.tags.map((t) => (model.labels.scheme === 'IO' ? t.replace(/^B-/, 'I-') : t))), pred);
}

export async function fitModel(opts: FitOptions): Promise<FitResult> {
  const t0 = performance.now();
  const { config } = opts;
  const tc = config.train;
  const rng = new Rng(tc.seed);
  const model = createModel(config, opts.train, opts.vectors, rng.fork());
  const trainSet = model.windows(opts.train.map((s) => s.tokens), true, opts.train.map((s) => s.tags));
  const devSet = opts.dev?.length ? model.windows(opts.dev.map((s) => s.tokens), false, opts.dev.map((s) => s.tags)) : null;
  const C = model.numClasses;
  const B = tc.batchSize;
  const head = model.head;
  const builder = model.builder;
  builder.reserve(B * head.rowsPerWindow);
  const dS = new Float32Array(B * head.rowsPerWindow * C);
  const gold = new Int32Array(B);
  const order = Int32Array.from({ length: trainSet.n }, (_, i) => i);
  const steps = Math.ceil(trainSet.n / B);
  const optimizer = createOptimizer(tc.optimizer);
  const params = model.params();
  // dL/dx is only needed when some feature table is trained (sparse embedding rows).
  const trainsInputs = model.features.some((f) => f.trainable && f.params().length > 0);
  const history: EpochRecord[] = [];
  let best = -1;
  let bestEpoch = 0;
  let snapshot: Snapshot | null = null;
  let bad = 0;
  let trainSeconds = 0;
  let windowsSeen = 0;
  const progress = (p: Partial<TrainProgress> & { phase: TrainProgress['phase'] }) =>
    opts.onProgress?.({ epoch: 0, epochs: tc.epochs, step: 0, stepsPerEpoch: steps, ...p });

  for (let epoch = 1; epoch <= tc.epochs; epoch++) {
    const te = performance.now();
    rng.shuffle(order);
    let lossSum = 0;
    for (let step = 0; step < steps; step++) {
      if (opts.signal?.aborted) throw new Error('training aborted');
      const start = step * B;
      const count = Math.min(B, trainSet.n - start);
      builder.fill(trainSet, order, start, count, { wordDropout: tc.wordDropout, noise: tc.embeddingNoise, rng });
      for (let b = 0; b < count; b++) gold[b] = trainSet.labels[order[start + b]];
      const batch = { builder, set: trainSet, gold, size: count, rng };
      const rows = head.extend(batch);
      const x = builder.view(rows);
      const pass = model.mlp.trainPass(x, rows, rng);
      lossSum += head.lossGrad(pass.scores, rows, batch, C, dS);
      const dxData = pass.backward(dS.subarray(0, rows * C), !trainsInputs);
      if (dxData) builder.scatterGrad(dxData, rows);
      optimizer.step(params, { l2: tc.l2, clipNorm: tc.clipNorm });
      windowsSeen += count;
      if (step % 20 === 0 || step === steps - 1) {
        const secs = (performance.now() - te) / 1000;
        const wps = ((step + 1) * B) / Math.max(secs, 1e-9);
        progress({ phase: 'train', epoch, step: step + 1, loss: lossSum / (start + count), windowsPerSecond: wps, etaSeconds: (steps - step - 1) * B / wps, bestDevF1: best >= 0 ? best : undefined });
        // Yield to the event loop now and then so progress events, aborts and worker messages get through.
        if (step % 200 === 0) await new Promise((r) => setImmediate(r));
      }
    }
    const epochSeconds = (performance.now() - te) / 1000;
    trainSeconds += epochSeconds;
    optimizer.lr = optimizer.lr * tc.lrDecay;
    let devF1: number | null = null;
    if (devSet && opts.dev) {
      progress({ phase: 'eval', epoch, step: steps });
      devF1 = evaluateSet(model, devSet, opts.dev).overall.f1;
    }
    const rec = { epoch, loss: lossSum / trainSet.n, devF1, seconds: epochSeconds, windowsPerSecond: trainSet.n / epochSeconds };
    history.push(rec);
    progress({ phase: 'eval', epoch, step: steps, loss: rec.loss, devF1: devF1 ?? undefined, windowsPerSecond: rec.windowsPerSecond, bestDevF1: Math.max(best, devF1 ?? -1) });
    if (devF1 === null) {
      bestEpoch = epoch;
      continue;
    }
    if (devF1 > best) {
      best = devF1;
      bestEpoch = epoch;
      snapshot = takeSnapshot(params);
      bad = 0;
    } else if (++bad > tc.patience) {
      break;
    }
  }
  if (snapshot) restoreSnapshot(params, snapshot);
  optimizer.dispose();

  let dev: ConllevalResult | null = null;
  let devF1Uncalibrated: number | undefined;
  if (devSet && opts.dev) {
    const scores = model.scoreAll(devSet);
    if (head instanceof MaxMarginHead) {
      devF1Uncalibrated = evaluateSet(model, devSet, opts.dev, scores).overall.f1;
      calibrateThresholds(head, model.labels.index('O'), () => evaluateSet(model, devSet, opts.dev!, scores).overall.f1);
    }
    dev = evaluateSet(model, devSet, opts.dev, scores);
  }
  return {
    model,
    history,
    bestEpoch,
    dev,
    devF1Uncalibrated,
    trainWindows: trainSet.n,
    seconds: (performance.now() - t0) / 1000,
    trainSeconds,
    windowsPerSecond: windowsSeen / Math.max(trainSeconds, 1e-9),
  };
}
