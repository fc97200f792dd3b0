export { EmbeddingStore, type LookupResult, type LookupVia, type CoverageReport, type OpenOptions } from './store/store';
export type { StoreMeta } from './store/schema';
export { LruCache } from './store/lru';
export { vectorToBlob, blobToVector } from './store/vector-bytes';
export { importEmbeddings, type ImportOptions, type ImportSummary } from './import/import';
export { detectFormat, FORMATS, type EmbeddingFormat } from './import/detect';
export { EmbeddingImportError } from './import/errors';
export type { ImportProgress, ProgressCallback } from './import/progress';
export { defaultEmbeddingsSource, ensureStore, DEFAULT_SOURCE_PACKAGE, type EnsureOptions } from './default-store';
