/**
 * The plugin registries of libs/ner, one per kind, each with one small interface (see the kind's folder).
 * A model config selects plugins by registry name. Built-ins are registered here, on import; more come only from
 * the modules the operator allows (allowlist.ts).
 */
import { Registry } from '@window-ner/tensor';
import { tokenizers, type Tokenizer } from '@window-ner/text';
import type { FeaturePlugin } from '../features/types.js';
import type { HeadPlugin } from '../heads/types.js';
import type { Decoder } from '../decoders/types.js';
import { decoders } from '../decoders/registry.js';
import { embeddingPlugin } from '../features/embedding.js';
import { casingPlugin } from '../features/casing.js';
import { charsPlugin } from '../features/chars.js';
import { gazetteerPlugin } from '../features/gazetteer.js';
import { documentPlugin } from '../features/document.js';
import { softmaxPlugin } from '../heads/softmax.js';
import { maxMarginPlugin } from '../heads/max-margin.js';
import { crfPlugin } from '../heads/crf.js';

export type TokenizerPlugin = Tokenizer;

export const tokenizerPlugins = new Registry<TokenizerPlugin>('tokenizer');
export const featurePlugins = new Registry<FeaturePlugin>('feature');
export const headPlugins = new Registry<HeadPlugin>('head');
export const decoderPlugins = new Registry<Decoder>('decoder');

for (const [name, t] of tokenizers) tokenizerPlugins.register(name, t);
for (const [name, d] of decoders) decoderPlugins.register(name, d);
featurePlugins.register('embedding', embeddingPlugin);
featurePlugins.register('casing', casingPlugin);
featurePlugins.register('chars', charsPlugin);
featurePlugins.register('gazetteer', gazetteerPlugin);
featurePlugins.register('document', documentPlugin);
headPlugins.register('softmax', softmaxPlugin);
headPlugins.register('max-margin', maxMarginPlugin);
headPlugins.register('crf', crfPlugin);

/** What a plugin module's optional `register` export receives: every registry of libs/ner. */
export interface PluginRegistries {
  tokenizer: Registry<TokenizerPlugin>;
  feature: Registry<FeaturePlugin>;
  head: Registry<HeadPlugin>;
  decoder: Registry<Decoder>;
}

export const registries: PluginRegistries = { tokenizer: tokenizerPlugins, feature: featurePlugins, head: headPlugins, decoder: decoderPlugins };
