/**
 * importEmbeddings: stream a vectors file into a new SQLite store, atomically (see StoreWriter).
 * On any error the temp file is removed and the existing target is untouched.
 */
import { mkdirSync } from 'node:fs';
import { basename, dirname } from 'node:path';
import { detectFormat, FORMATS, type EmbeddingFormat } from './detect.js';
import { parseTextVectors } from './text-format.js';
import { parseWinkJson } from './wink-format.js';
import { parseWord2VecBinary } from './word2vec-binary.js';
import type { ProgressCallback } from './progress.js';
import { StoreWriter } from './writer.js';
import type { StoreMeta } from '../store/schema.js';

export interface ImportOptions {
  /** The vectors file (GloVe .txt/.gz, word2vec .txt/.bin, wink .json). */
  source: string;
  /** The store to create (replaced atomically). */
  out: string;
  /** Detected from extension/content when omitted. */
  format?: EmbeddingFormat;
  /** 'replace' (default) or 'merge' into the existing store (the dimension must match; existing words win). */
  mode?: 'replace' | 'merge';
  /** 'l2' scales every vector to unit length. Default 'none'. */
  normalisation?: 'none' | 'l2';
  /** Stored as meta.source (default: the file name). */
  sourceName?: string;
  onProgress?: ProgressCallback;
  /** Import only the first N vectors. */
  limit?: number;
  /** Rows per transaction. */
  batchSize?: number;
  /** Read size in bytes (default 4 MiB). */
  chunkBytes?: number;
}

export interface ImportSummary {
  path: string;
  format: EmbeddingFormat;
  meta: StoreMeta;
  /** Vectors read from the source. */
  read: number;
  /** Words seen again after their first vector (ignored). */
  duplicates: number;
  seconds: number;
}

export async function importEmbeddings(opts: ImportOptions): Promise<ImportSummary> {
  const started = performance.now();
  if (opts.format && !FORMATS.includes(opts.format)) throw new Error(`unknown format "${opts.format}" (known: ${FORMATS.join(', ')})`);
  const format = opts.format ?? (await detectFormat(opts.source));
  mkdirSync(dirname(opts.out) || '.', { recursive: true });
  const writer = new StoreWriter({
    out: opts.out,
    source: opts.sourceName ?? basename(opts.source),
    format,
    normalisation: opts.normalisation ?? 'none',
    mode: opts.mode ?? 'replace',
    batchSize: opts.batchSize,
  });
  try {
    const common = { file: opts.source, sink: writer, onProgress: opts.onProgress, limit: opts.limit, chunkBytes: opts.chunkBytes };
    let read: number;
    if (format === 'wink') read = await parseWinkJson(common);
    else if (format === 'word2vec-bin') read = await parseWord2VecBinary(common);
    else read = await parseTextVectors({ ...common, format });
    const meta = writer.commit(opts.source);
    return { path: opts.out, format, meta, read, duplicates: writer.duplicates, seconds: (performance.now() - started) / 1000 };
  } catch (e) {
    writer.abort();
    throw e;
  }
}
