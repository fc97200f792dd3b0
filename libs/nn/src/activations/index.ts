export * from './activations';
