export * from './gradcheck';
