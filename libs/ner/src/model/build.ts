/**
 * Build a fresh window model for training from a config, the training sentences and a vector source.
 */
import { Rng } from '@window-ner/tensor';
import type { NerConfig } from '../config/config';
import type { Feature } from '../features/types';
import { LabelSet } from '../labels/label-set';
import type { Sentence } from '../corpus/types';
import { MaxMarginHead } from '../heads/max-margin';
import { EmbeddingFeature } from '../features/embedding';
import type { VectorSource } from '../vectors/source';
import { decoderPlugins, featurePlugins, headPlugins } from '../plugins/registry';
import { Mlp } from './mlp';
import { WindowModel } from './window-model';

export function createModel(config: NerConfig, train: readonly Sentence[], vectors: VectorSource | null, rng: Rng = new Rng(config.train.seed)): WindowModel {
  if (train.length === 0) throw new Error('training corpus has no sentences');
  const labels = LabelSet.fromSentences(train, config.model.scheme);
  if (labels.size < 2) throw new Error('training corpus has no entities: nothing to learn');
  const trainTokens = train.map((s) => s.tokens);
  const features: Feature[] = config.model.features.map((spec) =>
    featurePlugins.get(spec.type).create(spec, { trainTokens, vectors, rng: rng.fork(), minFreq: config.train.minFreq }),
  );
  const inputDim = features.reduce((a, f) => a + f.dim, 0) * (2 * config.model.window + 1);
  const mlp = new Mlp({ inputDim, hidden: config.model.hidden, outputDim: labels.size, activation: config.model.activation, dropout: config.model.dropout }, rng.fork());
  const head = headPlugins.get(config.model.head.type).create(config.model.head, labels.size);
  wireHead(head, features, labels);
  return new WindowModel(config, labels, features, mlp, head, decoderPlugins.get(config.model.decoder));
}

/** Give the max-margin head what it needs to corrupt centre words: the embedding feature's word rows. */
export function wireHead(head: unknown, features: Feature[], labels: LabelSet): void {
  if (!(head instanceof MaxMarginHead)) return;
  head.outsideClass = labels.index('O');
  const fi = features.findIndex((f) => f instanceof EmbeddingFeature);
  if (fi >= 0) head.replacer = { featureIndex: fi, firstRow: 3, endRow: features[fi].trainableRows };
}
