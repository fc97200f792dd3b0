export * from './softmax-cross-entropy';
export * from './max-margin';
export * from './mean-squared-error';
export * from './registry';
