/**
 * @window-ner/nn — layers, activations, initializers, losses, optimizers, regularizers, gradient check and a
 * mini-batch trainer, each with a registry so a JSON config can name it. Named exports only: what is not listed
 * here (error helpers, naming, fan computation) is internal to the package.
 */
export type { DenseParam, SparseParam, Param, ForwardContext, ForwardResult, LayerConfig, Layer, AnyLayer, Optimizer, Loss } from './core/types.js';
export { NnError } from './core/errors.js';
export { denseParam, sparseParam, accumulateDenseGrad, addSparseGrad, mergeSparseRows, flushSparseGrad, flushAllSparse, clearGrads, disposeParams, paramValues, paramShape, setParamValues } from './core/params.js';
export type { ParamOptions } from './core/params.js';
export { makeLeakyRelu, getActivation, LEAKY_RELU_ALPHA, sigmoid, tanh, relu, leakyRelu, linear, hardTanh, activations } from './activations/activations.js';
export type { ActivationFn, Activation } from './activations/activations.js';
export { zeros, ones, randomNormal, xavierNormal, xavierUniform, heNormal, heUniform, initializers } from './initializers/initializers.js';
export type { InitializerOptions, Initializer } from './initializers/initializers.js';
export { softmaxCrossEntropy } from './losses/softmax-cross-entropy.js';
export type { Labels } from './losses/softmax-cross-entropy.js';
export { maxMarginLoss, maxMargin } from './losses/max-margin.js';
export type { MaxMarginResult } from './losses/max-margin.js';
export { meanSquaredError } from './losses/mean-squared-error.js';
export { losses } from './losses/registry.js';
export { DEFAULT_LR, sgd, momentum, nag, adagrad, rmsprop, adadelta, adam, nadam } from './optimizers/rules.js';
export type { OptimizerSpec, Rule, LiveRate, RuleFactory } from './optimizers/rules.js';
export { createOptimizer, optimizers, RuleOptimizer } from './optimizers/optimizer.js';
export type { StepOptions, OptimizerConfig } from './optimizers/optimizer.js';
export { createRegularizer, globalGradNorm, clipByGlobalNorm, l1, l2, regularizers } from './regularizers/regularizers.js';
export type { Regularizer } from './regularizers/regularizers.js';
export { Dense } from './layers/dense.js';
export type { DenseConfig } from './layers/dense.js';
export { Embedding } from './layers/embedding.js';
export type { EmbeddingConfig } from './layers/embedding.js';
export { Dropout } from './layers/dropout.js';
export type { DropoutConfig } from './layers/dropout.js';
export { BatchNorm } from './layers/batch-norm.js';
export type { BatchNormConfig } from './layers/batch-norm.js';
export { LayerNorm } from './layers/layer-norm.js';
export type { LayerNormConfig } from './layers/layer-norm.js';
export { ActivationLayer } from './layers/activation-layer.js';
export type { ActivationLayerConfig } from './layers/activation-layer.js';
export { Softmax } from './layers/softmax.js';
export { chain, concatenate, Chain, Concatenate } from './layers/chain.js';
export { ConcatWindow } from './layers/concat-window.js';
export type { ConcatWindowPart, IdLayer, StridedBackward } from './layers/concat-window.js';
export { Conv1D } from './layers/conv1d.js';
export type { Conv1DConfig, IndexedRagged } from './layers/conv1d.js';
export { MaxPool } from './layers/max-pool.js';
export type { MaxPoolConfig } from './layers/max-pool.js';
export { Highway } from './layers/highway.js';
export type { HighwayConfig } from './layers/highway.js';
export { raggedStarts } from './layers/ragged.js';
export type { Ragged } from './layers/ragged.js';
export { buildLayer, layers } from './layers/registry.js';
export type { LayerFactory } from './layers/registry.js';
export { serializeModel, loadWeights, deserializeModel } from './layers/serialize.js';
export type { SavedWeight, SerializedModel } from './layers/serialize.js';
export { gradCheck, checkLayer } from './gradcheck/gradcheck.js';
export type { GradCheckOptions, GradCheckEntry, GradCheckResult, LayerCheckOptions } from './gradcheck/gradcheck.js';
export { takeSnapshot, restoreSnapshot } from './train/snapshot.js';
export type { Snapshot } from './train/snapshot.js';
export { train, Trainer } from './train/trainer.js';
export type { Batch, TrainProgressEvent, EpochRecord, TrainOptions, TrainResult } from './train/trainer.js';
