/**
 * @window-ner/ner: the public surface, named. The contract with the apps (api.ts), reading corpora, scoring
 * (conlleval), configuration, training and tagging, and what a plugin module needs to register a tokenizer,
 * feature, head or decoder. Everything else is internal to the package.
 */
export type { Entity, ModelInfo, Tagger, LoadTaggerOptions, TrainProgress, TrainRequest, TrainResult } from './api';
export { readConll } from './corpus/conll-read';
export { CorpusFormatError } from './corpus/corpus-error';
export type { Sentence } from './corpus/types';
export { LabelSet } from './labels/label-set';
export type { DecodeInto, DecodeResult, Decoder } from './decoders/types';
export { conlleval } from './metrics/conlleval';
export type { ChunkScore, ConllevalResult } from './metrics/conlleval';
export { formatReport, formatConfusion, reportToJson } from './metrics/report';
export { DEFAULT_CONFIG, resolveConfig } from './config/config';
export type { NerConfig, ModelConfig, TrainConfig, FeatureSpec, HeadSpec, OptimizerSpec } from './config/config';
export type { Feature, FeaturePlugin, FeatureState, FeatureContext, FeatureBuildContext, KeyRange } from './features/types';
export type { LookupDefinition } from './features/lookup';
export type { Head, HeadPlugin, HeadContext, HeadTarget, TrainBatch } from './heads/types';
export { tokenizerPlugins, featurePlugins, headPlugins, decoderPlugins } from './plugins/registry';
export type { TokenizerPlugin, PluginRegistries } from './plugins/registry';
export { allowPlugins, allowedPlugins, allowedPluginSpecs, PluginNotAllowedError } from './plugins/allowlist';
export type { AllowedPlugin, PluginPackage } from './plugins/allowlist';
export { MapVectorSource } from './vectors/source';
export type { VectorSource } from './vectors/source';
export { openVectorStore } from './vectors/store';
export { WindowModel } from './model/window-model';
export { saveModel, loadModel } from './model/file';
export { fitModel } from './train/fit';
export type { FitOptions, FitResult } from './train/fit';
export { trainModel, readCorpus } from './train/train-model';
export { loadTagger, WindowTagger } from './tagging/tagger';
export type { TaggerOptions } from './tagging/tagger';
export { checkConfigLimits, DEFAULT_CONFIG_LIMITS, estimateTrainingBytes, findUnsafeKey } from './config/limits';
export type { ConfigLimits } from './config/limits';
export { CorpusFileError, readCorpusStream } from './corpus/read-stream';
