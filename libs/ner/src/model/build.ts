/**
 * Build a window model fresh for training, or from saved parts (model/file.ts): features, network, head and
 * decoder, each through its registry.
 */
import { Rng } from '@window-ner/tensor';
import type { NerConfig } from '../config/config.js';
import type { Feature, FeatureContext, FeatureState } from '../features/types.js';
import { lookupFeature } from '../features/lookup.js';
import { WordIds } from '../features/word-ids.js';
import { LabelSet } from '../labels/label-set.js';
import type { Sentence } from '../corpus/types.js';
import type { HeadContext } from '../heads/types.js';
import type { VectorSource } from '../vectors/source.js';
import { decoderPlugins, featurePlugins, headPlugins } from '../plugins/registry.js';
import { documentIndices } from '../windows/documents.js';
import { buildNetwork } from './network.js';
import { WindowModel } from './window-model.js';

function featureContext(i: number, type: string, vectors: VectorSource | null, words: WordIds): FeatureContext {
  return { name: `${type}${i}`, vectors, lookup: lookupFeature, words };
}

export function createModel(config: NerConfig, train: readonly Sentence[], vectors: VectorSource | null, rng: Rng = new Rng(config.train.seed)): WindowModel {
  if (train.length === 0) throw new Error('training corpus has no sentences');
  const labels = LabelSet.fromSentences(train, config.model.scheme);
  if (labels.size < 2) throw new Error('training corpus has no entities: nothing to learn');
  const trainTokens = train.map((s) => s.tokens);
  const trainDocuments = documentIndices(train);
  const words = new WordIds();
  const features: Feature[] = config.model.features.map((spec, i) =>
    featurePlugins.get(spec.type).create(spec, {
      ...featureContext(i, spec.type, vectors, words),
      trainTokens,
      train,
      trainDocuments,
      rng: rng.fork(),
      minFreq: config.train.minFreq,
      noise: config.train.embeddingNoise,
    }),
  );
  return assemble(config, labels, features, words, rng.fork());
}

/** Features rebuilt from their saved states (a model file), sharing the interner `words`. */
export function restoreFeatures(config: NerConfig, states: FeatureState[], vectors: VectorSource | null, words: WordIds): Feature[] {
  return config.model.features.map((spec, i) => featurePlugins.get(spec.type).restore(spec, states[i], featureContext(i, spec.type, vectors, words)));
}

/** The model around its features (built with the interner `words`); `rng` null builds zero weights for a load to overwrite. */
export function assemble(config: NerConfig, labels: LabelSet, features: Feature[], words: WordIds, rng: Rng | null, headState?: Record<string, unknown>): WindowModel {
  const m = config.model;
  const network = buildNetwork(features, m, labels.size, rng);
  const head = headPlugins.get(m.head.type).create(m.head, headContext(features, labels), headState);
  return new WindowModel(config, labels, features, network, head, decoderPlugins.get(m.decoder), words);
}

function headContext(features: Feature[], labels: LabelSet): HeadContext {
  const featureIndex = features.findIndex((f) => f.replacementKeys !== null);
  const keys = featureIndex >= 0 ? features[featureIndex].replacementKeys! : null;
  return {
    numClasses: labels.size,
    labels,
    outsideClass: labels.labels.indexOf('O'),
    replacement: keys ? { featureIndex, first: keys.first, end: keys.end } : null,
  };
}
