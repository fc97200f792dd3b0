export { EmbeddingStore, type LookupResult, type LookupVia, type CoverageReport, type OpenOptions } from './store/store.js';
export type { StoreMeta } from './store/schema.js';
export { LruCache } from './store/lru.js';
export { vectorToBlob, blobToVector } from './store/vector-bytes.js';
export { importEmbeddings, type ImportOptions, type ImportSummary } from './import/import.js';
export { detectFormat, FORMATS, type EmbeddingFormat } from './import/detect.js';
export { EmbeddingImportError } from './import/errors.js';
export type { ImportProgress, ProgressCallback } from './import/progress.js';
export { defaultEmbeddingsSource, ensureStore, DEFAULT_SOURCE_PACKAGE, type EnsureOptions } from './default-store.js';
