export * from './rules';
export * from './optimizer';
