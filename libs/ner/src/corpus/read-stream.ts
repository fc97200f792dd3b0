/**
 * Streamed, cancellable corpus reading: the file is read in chunks with an await between them, so an AbortSignal
 * stops the read at the next chunk, and lines are parsed as they arrive. A file larger than `maxBytes` is refused
 * (checked on the open descriptor, then again while reading, so a file that grows is still cut off). With
 * `untrustedPath` (a server reading a path a remote user named) the file is opened without following a final
 * symlink and without blocking, and must be a regular file: a FIFO or a device can neither hang nor flood it.
 */
import { constants } from 'node:fs';
import { open } from 'node:fs/promises';
import { ConllLineParser, type ConllReadOptions } from './conll-read.js';
import { parseJsonlRecord, type JsonlReadOptions } from './jsonl-read.js';
import type { Sentence, TokenizeFn } from './types.js';

export interface StreamReadOptions {
  signal?: AbortSignal;
  /** Largest file accepted, in bytes (default: no limit). */
  maxBytes?: number;
  /**
   * Refuse a final symlink and anything but a regular file. The caller checked the resolved path already; this
   * closes the window in which the file could be swapped.
   */
  untrustedPath?: boolean;
  /** Name used in error messages in place of the path (e.g. the path relative to a data directory). */
  name?: string;
  conll?: ConllReadOptions;
  jsonl?: JsonlReadOptions;
}

/** The file is not something a corpus can be read from (not a regular file, too large, not UTF-8). */
export class CorpusFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CorpusFileError';
  }
}

const CHUNK_BYTES = 256 * 1024;

/** JSONL by extension (.jsonl or .json), else CoNLL: the rule every corpus reader in window-ner uses. */
export const isJsonlPath = (path: string) => /\.jsonl?$/i.test(path);

/** Each line of a UTF-8 file with its 1-based number (line ends \n or \r\n stripped). */
export async function* corpusLines(path: string, opts: StreamReadOptions = {}): AsyncGenerator<[string, number]> {
  const name = opts.name ?? path;
  const max = opts.maxBytes ?? Infinity;
  opts.signal?.throwIfAborted();
  const flags = opts.untrustedPath ? constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK : constants.O_RDONLY;
  const fh = await open(path, flags).catch((err: NodeJS.ErrnoException) => {
    throw new CorpusFileError(err.code === 'ELOOP' ? `${name}: is a symbolic link` : `${name}: cannot be opened (${err.code ?? err.message})`);
  });
  try {
    const stat = await fh.stat();
    if (opts.untrustedPath && !stat.isFile()) throw new CorpusFileError(`${name}: not a regular file`);
    if (stat.isFile() && stat.size > max) throw new CorpusFileError(`${name}: ${stat.size} bytes is over the limit of ${max} bytes`);
    const decoder = new TextDecoder('utf-8', { fatal: true });
    const buffer = Buffer.alloc(CHUNK_BYTES);
    let total = 0;
    let rest = '';
    let lineNo = 0;
    for (;;) {
      opts.signal?.throwIfAborted();
      const { bytesRead } = await fh.read(buffer, 0, CHUNK_BYTES, null);
      total += bytesRead;
      if (total > max) throw new CorpusFileError(`${name}: over the limit of ${max} bytes (stopped reading there)`);
      let text: string;
      try {
        text = rest + decoder.decode(buffer.subarray(0, bytesRead), { stream: bytesRead > 0 });
      } catch {
        throw new CorpusFileError(`${name}: not valid UTF-8 (near byte ${total})`);
      }
      const lines = text.split('\n');
      rest = bytesRead > 0 ? lines.pop()! : '';
      // At the end of the file (bytesRead 0) the last piece is the final line.
      for (const line of lines) yield [line.endsWith('\r') ? line.slice(0, -1) : line, ++lineNo];
      if (bytesRead === 0) return;
    }
  } finally {
    await fh.close();
  }
}

/** Read a CoNLL or JSONL corpus (by extension) as it streams in; see the module comment for the guarantees. */
export async function readCorpusStream(path: string, tokenize: TokenizeFn, opts: StreamReadOptions = {}): Promise<Sentence[]> {
  const name = opts.name ?? path;
  if (isJsonlPath(path)) {
    const out: Sentence[] = [];
    for await (const [line, lineNo] of corpusLines(path, opts)) {
      const json = lineNo === 1 ? line.replace(/^\uFEFF/, '') : line;
      if (json.trim() !== '') out.push(parseJsonlRecord(json, name, lineNo, tokenize, opts.jsonl));
    }
    return out;
  }
  const parser = new ConllLineParser(name, opts.conll);
  for await (const [line, lineNo] of corpusLines(path, opts)) parser.line(line, lineNo);
  return parser.end().sentences;
}
