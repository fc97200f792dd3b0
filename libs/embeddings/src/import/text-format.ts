/**
 * GloVe and word2vec text: one "word v1 v2 … vd" per line; word2vec text starts with a "count dim" header.
 * Streams line by line (constant memory). A word may contain spaces (GloVe 840B has a few): the last `dim`
 * fields are the values and the rest is the word, once the dimension is known.
 */
import { createInterface } from 'node:readline';
import { EmbeddingImportError, parseValue } from './errors.js';
import { openSource } from './source-stream.js';
import type { ProgressCallback, VectorSink } from './progress.js';

export interface TextParseOptions {
  file: string;
  /** 'word2vec' requires the header; 'glove' treats a "count dim" first line as a header too if it has 2 integers. */
  format: 'glove' | 'word2vec';
  sink: VectorSink;
  onProgress?: ProgressCallback;
  /** Stop after this many vectors (for quick tests of a large file). */
  limit?: number;
  /** Read size in bytes (small values exercise chunk boundaries in tests). */
  chunkBytes?: number;
}

export async function parseTextVectors(opts: TextParseOptions): Promise<number> {
  const { file, sink } = opts;
  const src = openSource(file, opts.chunkBytes);
  const lines = createInterface({ input: src.stream, crlfDelay: Infinity });
  let lineNo = 0;
  let vectors = 0;
  let declared: number | undefined;
  try {
    for await (const raw of lines) {
      lineNo++;
      const line = raw.replace(/[\s\uFEFF]+$/u, '').replace(/^\uFEFF/, '');
      if (line.length === 0) continue;
      if (vectors === 0 && declared === undefined && /^\d+[ \t]+\d+$/.test(line)) {
        const [count, dim] = line.split(/[ \t]+/).map(Number);
        if (dim <= 0) throw new EmbeddingImportError(file, lineNo, `header: dimension must be positive, got ${dim}`);
        declared = count;
        sink.setDim(dim, file, lineNo);
        continue;
      }
      if (opts.format === 'word2vec' && declared === undefined) {
        throw new EmbeddingImportError(file, lineNo, 'word2vec text must start with a "count dim" header line');
      }
      let parts = line.split(' ');
      if (parts.includes('') || line.includes('\t')) parts = line.split(/[ \t]+/);
      if (parts.length < 2) throw new EmbeddingImportError(file, lineNo, `expected a word and its values, got "${line.slice(0, 40)}"`);
      // Without a header the first line fixes the dimension (and must match the store's when merging).
      if (vectors === 0 && declared === undefined) sink.setDim(parts.length - 1, file, lineNo);
      const dim = sink.dim!;
      let wordEnd = 1;
      if (parts.length - 1 !== dim) {
        const extra = parts.length - 1 - dim;
        const wordWithSpaces = extra > 0 && parts.slice(1, 1 + extra).some((p) => Number.isNaN(Number(p)));
        if (!wordWithSpaces) {
          throw new EmbeddingImportError(file, lineNo, `word "${parts[0]}": expected ${dim} values, got ${parts.length - 1}`);
        }
        wordEnd = 1 + extra;
      }
      const word = wordEnd === 1 ? parts[0] : parts.slice(0, wordEnd).join(' ');
      const vec = new Float32Array(dim);
      for (let i = 0; i < dim; i++) {
        vec[i] = parseValue(parts[wordEnd + i], file, lineNo, `word "${word}", value ${i + 1} (column ${wordEnd + i + 1})`);
      }
      sink.add(word, vec);
      vectors++;
      if (vectors % 10_000 === 0) opts.onProgress?.({ bytesRead: src.bytesRead(), totalBytes: src.totalBytes, vectors });
      if (opts.limit !== undefined && vectors >= opts.limit) break;
    }
  } finally {
    lines.close();
    src.stream.destroy();
  }
  if (declared !== undefined && opts.limit === undefined && vectors !== declared) {
    throw new EmbeddingImportError(file, lineNo, `header declares ${declared} vectors, the file has ${vectors}`);
  }
  if (vectors === 0) throw new EmbeddingImportError(file, undefined, 'empty: no vectors found');
  opts.onProgress?.({ bytesRead: src.totalBytes, totalBytes: src.totalBytes, vectors });
  return vectors;
}
