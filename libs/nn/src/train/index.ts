export * from './snapshot';
export * from './trainer';
