/**
 * @window-ner/ner: the public surface, named. The contract with the apps (api.ts), reading corpora, scoring
 * (conlleval), configuration, training and tagging, and what a plugin module needs to register a tokenizer,
 * feature, head or decoder. Everything else is internal to the package.
 */
export type { Entity, ModelInfo, Tagger, LoadTaggerOptions, TrainProgress, TrainRequest, TrainResult } from './api.js';
export { readConll } from './corpus/conll-read.js';
export { CorpusFormatError } from './corpus/corpus-error.js';
export type { Sentence } from './corpus/types.js';
export { LabelSet } from './labels/label-set.js';
export type { DecodeInto, DecodeResult, Decoder } from './decoders/types.js';
export { conlleval } from './metrics/conlleval.js';
export type { ChunkScore, ConllevalResult } from './metrics/conlleval.js';
export { formatReport, formatConfusion, reportToJson } from './metrics/report.js';
export { DEFAULT_CONFIG, resolveConfig } from './config/config.js';
export type { NerConfig, ModelConfig, TrainConfig, FeatureSpec, HeadSpec, OptimizerSpec } from './config/config.js';
export type { Feature, FeaturePlugin, FeatureState, FeatureContext, FeatureBuildContext, KeyRange, SentenceContext } from './features/types.js';
export { sentenceContexts } from './windows/documents.js';
export type { LookupDefinition } from './features/lookup.js';
export type { Head, HeadPlugin, HeadContext, HeadTarget, TrainBatch } from './heads/types.js';
export { tokenizerPlugins, featurePlugins, headPlugins, decoderPlugins } from './plugins/registry.js';
export type { TokenizerPlugin, PluginRegistries } from './plugins/registry.js';
export { allowPlugins, allowedPlugins, allowedPluginSpecs, PluginNotAllowedError } from './plugins/allowlist.js';
export type { AllowedPlugin, PluginPackage } from './plugins/allowlist.js';
export { MapVectorSource } from './vectors/source.js';
export type { VectorSource } from './vectors/source.js';
export { openVectorStore } from './vectors/store.js';
export { WindowModel } from './model/window-model.js';
export { saveModel, loadModel } from './model/file.js';
export { fitModel } from './train/fit.js';
export type { FitOptions, FitResult } from './train/fit.js';
export { trainModel, readCorpus } from './train/train-model.js';
export { loadTagger, WindowTagger } from './tagging/tagger.js';
export type { TaggerOptions } from './tagging/tagger.js';
export { checkConfigLimits, DEFAULT_CONFIG_LIMITS, estimateTrainingBytes, findUnsafeKey } from './config/limits.js';
export type { ConfigLimits } from './config/limits.js';
export { CorpusFileError, readCorpusStream } from './corpus/read-stream.js';
