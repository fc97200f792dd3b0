/**
 * @window-ner/nn — layers, activations, initializers, losses, optimizers, regularizers, gradient check and a
 * mini-batch trainer, each with a registry so a JSON config can name it.
 */
export type { DenseParam, SparseParam, Param, ForwardContext, ForwardResult, LayerConfig, Layer, AnyLayer, Optimizer, Loss } from './core/types';
export * from './core/errors';
export * from './core/params';
export * from './activations/index';
export * from './initializers/index';
export * from './losses/index';
export * from './optimizers/index';
export * from './regularizers/index';
export * from './layers/index';
export * from './gradcheck/index';
export * from './train/index';
