/**
 * Test fixtures built once per e2e run: a tiny embedding store (16-d vectors for the BTC vocabulary, from a
 * seeded generator, imported through the real importer) and a small model trained with the real trainModel on
 * BTC. Small enough to build in ~15 s on 2 cores; real enough that the tagger finds names in plain English.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { importEmbeddings } from '@window-ner/embeddings';
import { loadTagger, trainModel } from '@window-ner/ner';
import { initBackend } from '@window-ner/tensor';
import { BTC_DEV, BTC_TRAIN, DATA_DIR } from './paths.js';

export interface Fixtures {
  dir: string;
  storePath: string;
  modelPath: string;
  modelVersion: string;
  /** BTC dev F1 of the fixture model (logged, so a weak fixture is visible when the browser test fails). */
  devF1: number;
  /** Config of the small models trained in tests (also by training jobs over HTTP). */
  smallConfig: Record<string, unknown>;
}

export const DIM = 16;

export const SMALL_CONFIG: Record<string, unknown> = {
  hidden: [64],
  epochs: 8,
  patience: 8,
  features: [{ type: 'embedding', dim: DIM, fineTune: true }, { type: 'casing' }],
};

/** mulberry32: a tiny seeded PRNG, so the store is the same on every run. */
function rng(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function writeGloveFile(path: string, maxWords: number): void {
  const counts = new Map<string, number>();
  for (const file of [BTC_TRAIN, BTC_DEV]) {
    for (const line of readFileSync(resolve(DATA_DIR, file), 'utf8').split('\n')) {
      const word = line.split(/\s+/)[0]?.toLowerCase();
      if (word && !/\s/.test(word)) counts.set(word, (counts.get(word) ?? 0) + 1);
    }
  }
  const words = [...counts.entries()].sort((a, b) => b[1] - a[1]).slice(0, maxWords).map(([w]) => w);
  const next = rng(7);
  const lines = words.map((w) => `${w} ${Array.from({ length: DIM }, () => (next() * 2 - 1).toFixed(4)).join(' ')}`);
  writeFileSync(path, lines.join('\n') + '\n');
}

export async function buildFixtures(dir: string): Promise<Fixtures> {
  mkdirSync(dir, { recursive: true });
  await initBackend({ log: null });
  const glove = join(dir, 'tiny-vectors.txt');
  writeGloveFile(glove, 5000);
  const storePath = join(dir, 'tiny-store.sqlite');
  await importEmbeddings({ source: glove, out: storePath, format: 'glove' });
  const modelPath = join(dir, 'model-a.sqlite');
  const trained = await trainModel({
    trainPath: resolve(DATA_DIR, BTC_TRAIN),
    devPath: resolve(DATA_DIR, BTC_DEV),
    outPath: modelPath,
    embeddingsPath: storePath,
    config: SMALL_CONFIG,
  });
  const tagger = await loadTagger(modelPath, { embeddingsPath: storePath });
  const modelVersion = tagger.info.version;
  tagger.dispose();
  return { dir, storePath, modelPath, modelVersion, devF1: Number(trained.metrics.devF1), smallConfig: SMALL_CONFIG };
}
