export * from './corpus';
export * from './labels';
export * from './decoders';
export * from './metrics';
