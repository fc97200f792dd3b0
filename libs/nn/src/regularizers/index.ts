export * from './regularizers';
