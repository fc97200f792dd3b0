/**
 * Training: nn's Trainer over the window network, with the head's loss. A batch is the keys of its windows (built
 * into reused buffers, word dropout applied, corrupt windows added by the head) — shuffled windows, or the windows
 * of whole shuffled sentences for a sentence-level head (CRF; train/sentence-batches.ts); hooks evaluate dev F1 after each
 * epoch (early stopping with patience restores the best epoch) and let the head tune its decision rule on dev at
 * the end (max-margin threshold calibration).
 */
import { createOptimizer, train, type EpochRecord } from '@window-ner/nn';
import { Rng } from '@window-ner/tensor';
import type { TrainProgress } from '../api.js';
import type { NerConfig } from '../config/config.js';
import type { Sentence } from '../corpus/types.js';
import { conlleval, type ConllevalResult } from '../metrics/conlleval.js';
import type { VectorSource } from '../vectors/source.js';
import { createModel } from '../model/build.js';
import type { WindowModel } from '../model/window-model.js';
import { sentenceContexts } from '../windows/documents.js';
import { WindowBuilder } from '../windows/builder.js';
import { SentenceBatches } from './sentence-batches.js';
import type { WindowSet } from '../windows/windows.js';

export interface FitOptions {
  config: NerConfig;
  train: readonly Sentence[];
  dev?: readonly Sentence[];
  vectors: VectorSource | null;
  onProgress?: (p: TrainProgress) => void;
  signal?: AbortSignal;
}

export interface FitResult {
  model: WindowModel;
  /** Per epoch: mean loss, dev F1 (`metric`), seconds, training windows per second (`examplesPerSecond`). */
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
  const pred = model.decodeLabels(set, scores);
  return conlleval(gold.map((s) => s.tags.map((t) => (model.labels.scheme === 'IO' ? t.replace(/^B-/, 'I-') : t))), pred);
}

export async function fitModel(opts: FitOptions): Promise<FitResult> {
  const t0 = performance.now();
  const { config } = opts;
  const tc = config.train;
  const rng = new Rng(tc.seed);
  const model = createModel(config, opts.train, opts.vectors, rng.fork());
  const trainSet = model.windows(opts.train.map((s) => s.tokens), true, opts.train.map((s) => s.tags), sentenceContexts(opts.train, true));
  const dev = opts.dev?.length ? { set: model.windows(opts.dev.map((s) => s.tokens), false, opts.dev.map((s) => s.tags), sentenceContexts(opts.dev)), gold: opts.dev } : null;
  const head = model.head;
  // Sentence-level heads train on whole sentences: the trainer's examples are sentences, B of them a batch.
  const sentences = head.batching === 'sentences' ? new SentenceBatches(trainSet) : null;
  const B = sentences ? (head.sentencesPerBatch ?? sentences.sentencesFor(tc.batchSize)) : tc.batchSize;
  const examples = sentences ? sentences.sentences : trainSet.n;
  const windowsPerExample = sentences ? sentences.windowsPerSentence : 1;
  const builder = new WindowBuilder(model.features, config.model.window, tc.batchSize * head.rowsPerWindow);
  let gold = new Int32Array(tc.batchSize);
  const steps = Math.ceil(examples / B);
  let best = -1;
  let batches = 0;
  let devF1Uncalibrated: number | undefined;
  const progress = (p: Partial<TrainProgress> & { phase: TrainProgress['phase'] }) =>
    opts.onProgress?.({ epoch: 0, epochs: tc.epochs, step: 0, stepsPerEpoch: steps, ...p });

  const optimizer = createOptimizer(tc.optimizer);
  const result = await train({
    model: model.network.net,
    // The network's params plus the head's own (a CRF's transitions), which the head's loss gives gradients.
    params: model.params(),
    loss: head.loss,
    optimizer,
    examples,
    batch: (indices) => {
      // Each epoch announces its training phase at its first batch (progress events come every 20 steps).
      if (batches++ % steps === 0) progress({ phase: 'train', epoch: Math.ceil(batches / steps), step: 0, bestDevF1: best >= 0 ? best : undefined });
      const batch = sentences?.batch(indices);
      const windows = batch?.windows ?? indices;
      const size = windows.length;
      if (gold.length < size) gold = new Int32Array(Math.max(size, 2 * gold.length));
      // A sentence batch may hold more windows than batchSize: room for them and their corrupt rows first.
      builder.reserve(size * head.rowsPerWindow);
      builder.fill(trainSet, windows, { wordDropout: tc.wordDropout, rng });
      for (let b = 0; b < size; b++) gold[b] = trainSet.labels[windows[b]];
      const rows = head.extend({ builder, set: trainSet, gold, size, rng });
      return { x: builder.view(rows), target: { gold, size, sentenceStarts: batch?.sentenceStarts } };
    },
    batchSize: B,
    epochs: tc.epochs,
    seed: tc.seed,
    step: { l2: tc.l2, clipNorm: tc.clipNorm },
    lrDecay: tc.lrDecay,
    // NER's patience counts the epochs without improvement it tolerates; nn's stops on the patience-th.
    patience: tc.patience + 1,
    validate: dev
      ? () => {
          progress({ phase: 'eval', epoch: Math.ceil(batches / steps), step: steps });
          const f1 = evaluateSet(model, dev.set, dev.gold).overall.f1;
          best = Math.max(best, f1);
          return f1;
        }
      : undefined,
    onEnd: () => {
      if (!dev || !head.tune) return;
      const scores = model.scoreAll(dev.set);
      devF1Uncalibrated = head.tune(() => evaluateSet(model, dev.set, dev.gold, scores).overall.f1);
    },
    // A diverged run still ends with a model and its NaN loss in the history: the server's publish gate rejects it
    // from that and keeps the file for inspection.
    nonFiniteLoss: 'record',
    progressEvery: 20,
    signal: opts.signal,
    onProgress: (e) => {
      if (e.phase === 'train') {
        const eta = ((steps - e.step) * B) / Math.max(e.examplesPerSecond, 1e-9);
        progress({ phase: 'train', epoch: e.epoch, step: e.step, loss: e.loss, windowsPerSecond: e.examplesPerSecond * windowsPerExample, etaSeconds: eta, bestDevF1: best >= 0 ? best : undefined });
      } else {
        progress({ phase: 'eval', epoch: e.epoch, step: steps, loss: e.loss, devF1: e.metric, windowsPerSecond: e.examplesPerSecond * windowsPerExample, bestDevF1: best >= 0 ? best : undefined });
      }
    },
  });
  optimizer.dispose();
  const trainSeconds = result.history.reduce((a, h) => a + h.seconds, 0);
  return {
    model,
    // The trainer counts examples (sentences for a sentence-level head); the history reports windows/s.
    history: result.history.map((h) => ({ ...h, examplesPerSecond: h.examplesPerSecond * windowsPerExample })),
    bestEpoch: result.bestEpoch,
    dev: dev ? evaluateSet(model, dev.set, dev.gold) : null,
    devF1Uncalibrated,
    trainWindows: trainSet.n,
    seconds: (performance.now() - t0) / 1000,
    trainSeconds,
    windowsPerSecond: (trainSet.n * result.history.length) / Math.max(trainSeconds, 1e-9),
  };
}
