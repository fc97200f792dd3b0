/**
 * @window-ner/nn — layers, activations, initializers, losses, optimizers, regularizers, gradient check and a
 * mini-batch trainer, each with a registry so a JSON config can name it. Named exports only: what is not listed
 * here (error helpers, naming, fan computation) is internal to the package.
 */
export type { DenseParam, SparseParam, Param, ForwardContext, ForwardResult, LayerConfig, Layer, AnyLayer, Optimizer, Loss } from './core/types';
export { NnError } from './core/errors';
export { denseParam, sparseParam, accumulateDenseGrad, addSparseGrad, mergeSparseRows, flushSparseGrad, flushAllSparse, clearGrads, disposeParams, paramValues, paramShape, setParamValues } from './core/params';
export type { ParamOptions } from './core/params';
export { makeLeakyRelu, getActivation, LEAKY_RELU_ALPHA, sigmoid, tanh, relu, leakyRelu, linear, hardTanh, activations } from './activations/activations';
export type { ActivationFn, Activation } from './activations/activations';
export { zeros, ones, randomNormal, xavierNormal, xavierUniform, heNormal, heUniform, initializers } from './initializers/initializers';
export type { InitializerOptions, Initializer } from './initializers/initializers';
export { softmaxCrossEntropy } from './losses/softmax-cross-entropy';
export type { Labels } from './losses/softmax-cross-entropy';
export { maxMarginLoss, maxMargin } from './losses/max-margin';
export type { MaxMarginResult } from './losses/max-margin';
export { meanSquaredError } from './losses/mean-squared-error';
export { losses } from './losses/registry';
export { DEFAULT_LR, sgd, momentum, nag, adagrad, rmsprop, adadelta, adam, nadam } from './optimizers/rules';
export type { OptimizerSpec, Rule, LiveRate, RuleFactory } from './optimizers/rules';
export { createOptimizer, optimizers, RuleOptimizer } from './optimizers/optimizer';
export type { StepOptions, OptimizerConfig } from './optimizers/optimizer';
export { createRegularizer, globalGradNorm, clipByGlobalNorm, l1, l2, regularizers } from './regularizers/regularizers';
export type { Regularizer } from './regularizers/regularizers';
export { Dense } from './layers/dense';
export type { DenseConfig } from './layers/dense';
export { Embedding } from './layers/embedding';
export type { EmbeddingConfig } from './layers/embedding';
export { Dropout } from './layers/dropout';
export type { DropoutConfig } from './layers/dropout';
export { BatchNorm } from './layers/batch-norm';
export type { BatchNormConfig } from './layers/batch-norm';
export { LayerNorm } from './layers/layer-norm';
export type { LayerNormConfig } from './layers/layer-norm';
export { ActivationLayer } from './layers/activation-layer';
export type { ActivationLayerConfig } from './layers/activation-layer';
export { Softmax } from './layers/softmax';
export { chain, concatenate, Chain, Concatenate } from './layers/chain';
export { ConcatWindow } from './layers/concat-window';
export type { ConcatWindowPart, IdLayer, StridedBackward } from './layers/concat-window';
export { buildLayer, layers } from './layers/registry';
export type { LayerFactory } from './layers/registry';
export { serializeModel, loadWeights, deserializeModel } from './layers/serialize';
export type { SavedWeight, SerializedModel } from './layers/serialize';
export { gradCheck, checkLayer } from './gradcheck/gradcheck';
export type { GradCheckOptions, GradCheckEntry, GradCheckResult, LayerCheckOptions } from './gradcheck/gradcheck';
export { takeSnapshot, restoreSnapshot } from './train/snapshot';
export type { Snapshot } from './train/snapshot';
export { train, Trainer } from './train/trainer';
export type { Batch, TrainProgressEvent, EpochRecord, TrainOptions, TrainResult } from './train/trainer';
export { LinearChainCrf, crfNegLogLikelihood } from './crf/crf-loss.js';
export type { CrfTarget, LinearChainCrfConfig } from './crf/crf-loss.js';
export { CrfScratch, crfMarginals, crfPathScore, crfViterbi, expTransitions, transitionCount } from './crf/linear-chain.js';
