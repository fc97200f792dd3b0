/**
 * A write stream on a new temporary file, for "write, then rename" stores. The file is opened here, synchronously,
 * not by the stream: a stream opens its file asynchronously and pipeline() rejects without waiting for it, so a
 * source that failed at once had its temp file removed before the open created it, and the file stayed behind.
 */
import { createWriteStream, openSync, rmSync, type WriteStream } from 'node:fs';

export interface TempFile {
  out: WriteStream;
  /** Close the stream (destroying it if still open), then delete the file unless it was renamed away. */
  remove(): Promise<void>;
}

export function createTempFile(path: string): TempFile {
  const out = createWriteStream(path, { fd: openSync(path, 'wx') });
  return {
    out,
    async remove() {
      if (!out.closed) {
        const closed = new Promise<void>((done) => out.once('close', () => done()));
        out.destroy();
        await closed;
      }
      rmSync(path, { force: true });
    },
  };
}
