/**
 * trainModel (the api.ts contract): read the corpora, train with early stopping on dev, save the model file
 * atomically with its metrics and provenance. A malformed corpus fails before anything is written.
 */
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { backendInfo, initBackend } from '@window-ner/tensor';
import type { TrainProgress, TrainRequest, TrainResult } from '../api.js';
import { resolveConfig, type NerConfig } from '../config/config.js';
import { readConll } from '../corpus/conll-read.js';
import { readJsonl } from '../corpus/jsonl-read.js';
import { isJsonlPath, readCorpusStream } from '../corpus/read-stream.js';
import type { Sentence } from '../corpus/types.js';
import { reportToJson } from '../metrics/report.js';
import { saveModel } from '../model/file.js';
import { tokenizerPlugins } from '../plugins/registry.js';
import { openVectorStore } from '../vectors/store.js';
import { fitModel, type FitResult } from './fit.js';

/** Read a corpus by extension: .jsonl/.json -> JSONL spans (tokenised with the config's tokenizer), else CoNLL. */
export function readCorpus(path: string, config: NerConfig): Sentence[] {
  if (isJsonlPath(path)) {
    const tok = tokenizerPlugins.get(config.model.tokenizer);
    return readJsonl(path, (text) => tok.tokenize(text));
  }
  return readConll(path);
}

function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

function gitCommit(): string | null {
  try {
    return execFileSync('git', ['rev-parse', 'HEAD'], { stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
  } catch {
    return null;
  }
}

/** Metrics stored in the model file and returned to callers. */
export function fitMetrics(fit: FitResult): Record<string, unknown> {
  return {
    dev: fit.dev ? reportToJson(fit.dev) : null,
    devF1: fit.dev?.overall.f1 ?? null,
    devF1Uncalibrated: fit.devF1Uncalibrated ?? null,
    bestEpoch: fit.bestEpoch,
    epochs: fit.history.length,
    history: fit.history,
    trainWindows: fit.trainWindows,
    windowsPerSecond: fit.windowsPerSecond,
  };
}

export async function trainModel(req: TrainRequest, onProgress?: (p: TrainProgress) => void, signal?: AbortSignal): Promise<TrainResult> {
  const started = new Date();
  const config = resolveConfig(req.config ?? {});
  onProgress?.({ phase: 'load', epoch: 0, epochs: config.train.epochs, step: 0, stepsPerEpoch: 0 });
  // Streamed and cancellable, and bounded when the caller sets a size limit (a server's training job).
  const tokenize = (text: string) => tokenizerPlugins.get(config.model.tokenizer).tokenize(text);
  const read = (path: string) => readCorpusStream(path, tokenize, { signal, maxBytes: req.maxCorpusBytes, untrustedPath: req.untrustedPaths });
  const train = await read(req.trainPath);
  const dev = req.devPath ? await read(req.devPath) : undefined;
  onProgress?.({ phase: 'vectors', epoch: 0, epochs: config.train.epochs, step: 0, stepsPerEpoch: 0 });
  await initBackend({ log: null });
  const vectors = req.embeddingsPath ? openVectorStore(req.embeddingsPath) : null;
  try {
    const fit = await fitModel({ config, train, dev, vectors: vectors?.source ?? null, onProgress, signal });
    onProgress?.({ phase: 'save', epoch: fit.history.length, epochs: config.train.epochs, step: 0, stepsPerEpoch: 0, devF1: fit.dev?.overall.f1 });
    const metrics = fitMetrics(fit);
    const backend = backendInfo();
    const provenance = {
      train: { path: resolve(req.trainPath), sha256: sha256(req.trainPath), sentences: train.length },
      dev: req.devPath ? { path: resolve(req.devPath), sha256: sha256(req.devPath), sentences: dev?.length ?? 0 } : null,
      embeddings: req.embeddingsPath ? resolve(req.embeddingsPath) : null,
      date: started.toISOString(),
      gitCommit: gitCommit(),
      seed: config.train.seed,
      backend: backend ? { name: backend.name, detail: backend.detail } : null,
      node: process.version,
      seconds: { total: fit.seconds, train: fit.trainSeconds },
    };
    saveModel(fit.model, req.outPath, { metrics, provenance });
    fit.model.dispose();
    onProgress?.({ phase: 'done', epoch: fit.history.length, epochs: config.train.epochs, step: 0, stepsPerEpoch: 0, devF1: fit.dev?.overall.f1 });
    return { outPath: req.outPath, metrics, epochs: fit.history.length, seconds: (Date.now() - started.getTime()) / 1000 };
  } finally {
    vectors?.close();
  }
}
