export * from './initializers';
