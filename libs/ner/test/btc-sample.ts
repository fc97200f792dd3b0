/**
 * The BTC sample the training tests use (data/btc, in the repo) and a small random vector "store" over its words,
 * so the embedding feature's store path (words outside the trained vocabulary) is exercised.
 */
import { join, resolve } from 'node:path';
import { Rng } from '@window-ner/tensor';
import { readConll } from '../src/corpus/conll-read.js';
import type { Sentence } from '../src/corpus/types.js';
import { MapVectorSource } from '../src/vectors/source.js';

export function btcSample(trainSentences: number, devSentences: number, seed: number): { train: Sentence[]; dev: Sentence[]; vectors: MapVectorSource } {
  const dir = resolve(__dirname, '../../../data/btc');
  const train = readConll(join(dir, 'btc.train')).slice(0, trainSentences);
  const dev = readConll(join(dir, 'btc.dev')).slice(0, devSentences);
  const rng = new Rng(seed);
  const words = new Map<string, Float32Array>();
  for (const s of [...train, ...dev]) for (const w of s.tokens) if (!words.has(w.toLowerCase())) words.set(w.toLowerCase(), Float32Array.from({ length: 16 }, () => rng.normal(0, 0.5)));
  return { train, dev, vectors: new MapVectorSource(16, words) };
}
