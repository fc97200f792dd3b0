/**
 * Uploaded training corpora: a request body streamed to a temporary file in `<data dir>/uploads/` while its
 * SHA-256 is computed, its size counted against the limit and its bytes checked as UTF-8, then renamed (atomic)
 * to `<sha256>.<conll|jsonl>`. The name is the content hash, so the same corpus uploaded twice is one file, and a
 * job names it like any corpus in the data directory ("uploads/<sha256>.conll"). A failed or aborted upload
 * leaves nothing behind. The directory as a whole is bounded too, so uploads cannot fill the disk.
 */
import { createHash, randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, renameSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createTempFile } from '../../io/temp-file.js';

export type CorpusFormat = 'conll' | 'jsonl';

export interface UploadLimits {
  /** Largest corpus, in bytes (the same limit a job's corpus has). */
  maxBytes: number;
  /** All uploads together, in bytes. */
  maxTotalBytes: number;
}

export interface StoredCorpus {
  /** Path relative to the data directory: what POST /v1/train takes as "train" or "dev". */
  id: string;
  sha256: string;
  bytes: number;
  format: CorpusFormat;
  /** False when the same content was already stored. */
  created: boolean;
}

/** Why an upload was refused; `kind` maps to the HTTP status. */
export class UploadError extends Error {
  constructor(readonly kind: 'too_large' | 'storage_full' | 'not_utf8' | 'cut_off', message: string) {
    super(message);
  }
}

export const UPLOADS_DIR = 'uploads';
const TMP_PREFIX = '.upload-';

export class CorpusUploads {
  private readonly dir: string;
  /** Bytes held by uploads in progress (see reserve). */
  private reserved = 0;

  constructor(dataDir: string, readonly limits: UploadLimits) {
    this.dir = join(dataDir, UPLOADS_DIR);
  }

  /** Bytes of finished uploads. */
  usedBytes(): number {
    if (!existsSync(this.dir)) return 0;
    return readdirSync(this.dir)
      .filter((name) => !name.startsWith(TMP_PREFIX))
      .reduce((sum, name) => sum + statSync(join(this.dir, name)).size, 0);
  }

  /**
   * Refuse an upload before reading it when it cannot fit. `declared` is its Content-Length, if sent. Uploads in
   * progress in this process hold their declared size (else the per-corpus limit), so concurrent ones cannot
   * overrun the total together.
   */
  private reserve(declared: number | undefined): number {
    if (declared !== undefined && declared > this.limits.maxBytes) throw this.tooLarge();
    const room = this.limits.maxTotalBytes - this.usedBytes() - this.reserved;
    const want = Math.min(declared ?? this.limits.maxBytes, this.limits.maxBytes);
    if (room <= 0 || (declared !== undefined && declared > room)) throw this.full();
    return Math.min(want, room);
  }

  /** Stream `body` into the store; `declared` is the request's Content-Length, if it sent one. */
  async save(body: Readable, format: CorpusFormat, declared?: number): Promise<StoredCorpus> {
    mkdirSync(this.dir, { recursive: true });
    const limit = this.reserve(declared);
    this.reserved += limit;
    try {
      return await this.write(body, format, limit);
    } finally {
      this.reserved -= limit;
    }
  }

  private async write(body: Readable, format: CorpusFormat, limit: number): Promise<StoredCorpus> {
    const tmp = join(this.dir, `${TMP_PREFIX}${randomUUID()}`);
    const hash = createHash('sha256');
    const decoder = new TextDecoder('utf-8', { fatal: true });
    let bytes = 0;
    const check = new Transform({
      transform: (chunk: Buffer, _enc, done) => {
        bytes += chunk.length;
        if (bytes > limit) return done(limit < this.limits.maxBytes ? this.full() : this.tooLarge());
        try {
          decoder.decode(chunk, { stream: true });
        } catch {
          return done(new UploadError('not_utf8', `body: not valid UTF-8 (near byte ${bytes})`));
        }
        hash.update(chunk);
        done(null, chunk);
      },
      flush: (done) => {
        try {
          decoder.decode();
          done();
        } catch {
          done(new UploadError('not_utf8', 'body: ends inside a UTF-8 character'));
        }
      },
    });
    // The body is piped, not part of the pipeline: a refused upload must leave the request readable so the server
    // can drain it and answer, rather than have the pipeline destroy the socket under the response.
    const cutOff = (err?: Error) => check.destroy(err ?? new UploadError('cut_off', 'body: the upload ended before its last byte'));
    body.on('error', cutOff);
    body.on('close', () => {
      if (!body.readableEnded) cutOff();
    });
    body.pipe(check);
    const file = createTempFile(tmp);
    try {
      await pipeline(check, file.out);
      const sha256 = hash.digest('hex');
      const name = `${sha256}.${format}`;
      const created = !existsSync(join(this.dir, name));
      renameSync(tmp, join(this.dir, name));
      return { id: `${UPLOADS_DIR}/${name}`, sha256, bytes, format, created };
    } finally {
      await file.remove();
    }
  }

  private tooLarge(): UploadError {
    return new UploadError('too_large', `body: the corpus exceeds the server's limit of ${this.limits.maxBytes} bytes (serve --max-corpus-bytes)`);
  }

  private full(): UploadError {
    return new UploadError('storage_full', `uploads: the server keeps at most ${this.limits.maxTotalBytes} bytes of uploaded corpora (serve --max-uploads-bytes); ask an operator to remove old ones`);
  }
}
