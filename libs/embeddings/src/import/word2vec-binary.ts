/**
 * word2vec binary: a "count dim\n" text header, then per vector the word (UTF-8, up to a space), dim float32
 * little-endian values, and usually a "\n". Parsed from a byte stream with a small carry-over buffer.
 */
import { EmbeddingImportError } from './errors.js';
import { openSource } from './source-stream.js';
import type { ProgressCallback, VectorSink } from './progress.js';

export interface BinaryParseOptions {
  file: string;
  sink: VectorSink;
  onProgress?: ProgressCallback;
  limit?: number;
  /** Read size in bytes (small values exercise chunk boundaries in tests). */
  chunkBytes?: number;
}

export async function parseWord2VecBinary(opts: BinaryParseOptions): Promise<number> {
  const { file, sink } = opts;
  const src = openSource(file, opts.chunkBytes);
  let rest: Buffer = Buffer.alloc(0);
  let consumed = 0; // bytes of content before `rest`
  let declared: number | undefined;
  let dim = 0;
  let vectors = 0;
  const fail = (at: number, detail: string): never => {
    throw new EmbeddingImportError(file, undefined, `vector ${vectors + 1} (byte ${consumed + at}): ${detail}`);
  };
  try {
    outer: for await (const chunk of src.stream) {
      const buf = rest.length ? Buffer.concat([rest, chunk as Buffer]) : (chunk as Buffer);
      let pos = 0;
      if (declared === undefined) {
        const nl = buf.indexOf(0x0a);
        if (nl < 0) {
          if (buf.length > 1024) throw new EmbeddingImportError(file, 1, 'expected a "count dim" header line');
          rest = buf;
          continue;
        }
        const header = buf.toString('latin1', 0, nl).trim();
        const m = /^(\d+)\s+(\d+)$/.exec(header);
        if (!m) throw new EmbeddingImportError(file, 1, `expected a "count dim" header line, got "${header.slice(0, 40)}"`);
        declared = Number(m[1]);
        dim = Number(m[2]);
        if (dim <= 0) throw new EmbeddingImportError(file, 1, `header: dimension must be positive, got ${dim}`);
        sink.setDim(dim, file, 1);
        pos = nl + 1;
      }
      const bytes = dim * 4;
      while (vectors < declared) {
        while (pos < buf.length && (buf[pos] === 0x0a || buf[pos] === 0x0d)) pos++;
        const sp = buf.indexOf(0x20, pos);
        if (sp < 0) {
          if (buf.length - pos > 4096) fail(pos - consumed, 'no space after the word within 4096 bytes');
          break;
        }
        if (sp + 1 + bytes > buf.length) break;
        const word = buf.toString('utf8', pos, sp);
        if (word.length === 0) fail(pos, 'empty word');
        const vec = new Float32Array(dim);
        for (let i = 0; i < dim; i++) {
          const v = buf.readFloatLE(sp + 1 + i * 4);
          if (!Number.isFinite(v)) fail(sp + 1 + i * 4, `word "${word}", value ${i + 1} is ${v}`);
          vec[i] = v;
        }
        sink.add(word, vec);
        vectors++;
        pos = sp + 1 + bytes;
        if (vectors % 10_000 === 0) opts.onProgress?.({ bytesRead: src.bytesRead(), totalBytes: src.totalBytes, vectors });
        if (opts.limit !== undefined && vectors >= opts.limit) break outer;
      }
      consumed += pos;
      rest = Buffer.from(buf.subarray(pos));
    }
  } finally {
    src.stream.destroy();
  }
  if (declared === undefined) throw new EmbeddingImportError(file, undefined, 'empty: no header and no vectors');
  if (opts.limit === undefined && vectors < declared) {
    throw new EmbeddingImportError(file, undefined, `truncated: header declares ${declared} vectors, found ${vectors} complete ones`);
  }
  if (vectors === 0) throw new EmbeddingImportError(file, undefined, 'empty: no vectors found');
  opts.onProgress?.({ bytesRead: src.totalBytes, totalBytes: src.totalBytes, vectors });
  return vectors;
}
