/** Opens a source file as a byte stream (gunzipped when it starts with the gzip magic) and counts raw bytes read. */
import { createReadStream, openSync, readSync, closeSync, statSync } from 'node:fs';
import type { Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';

export function isGzip(file: string): boolean {
  const fd = openSync(file, 'r');
  try {
    const b = Buffer.alloc(2);
    return readSync(fd, b, 0, 2, 0) === 2 && b[0] === 0x1f && b[1] === 0x8b;
  } finally {
    closeSync(fd);
  }
}

export interface SourceStream {
  stream: Readable;
  totalBytes: number;
  /** Raw (compressed) bytes read so far. */
  bytesRead(): number;
}

export function openSource(file: string, chunkBytes: number = 1 << 22): SourceStream {
  const raw = createReadStream(file, { highWaterMark: chunkBytes });
  let read = 0;
  raw.on('data', (c) => (read += c.length));
  const stream = isGzip(file) ? raw.pipe(createGunzip({ chunkSize: 1 << 20 })) : raw;
  if (stream !== raw) raw.on('error', (e) => stream.destroy(e));
  return { stream, totalBytes: statSync(file).size, bytesRead: () => read };
}

/** The first `n` bytes of the (decompressed) content, for format detection. */
export async function readHead(file: string, n = 1 << 16): Promise<Buffer> {
  const { stream } = openSource(file, 1 << 16);
  const parts: Buffer[] = [];
  let size = 0;
  try {
    for await (const chunk of stream) {
      parts.push(chunk as Buffer);
      size += (chunk as Buffer).length;
      if (size >= n) break;
    }
  } finally {
    stream.destroy();
  }
  return Buffer.concat(parts).subarray(0, n);
}
