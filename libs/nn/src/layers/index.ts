// Importing each module registers its layer type.
export * from './registry';
export * from './dense';
export * from './embedding';
export * from './dropout';
export * from './batch-norm';
export * from './layer-norm';
export * from './activation';
export * from './chain';
