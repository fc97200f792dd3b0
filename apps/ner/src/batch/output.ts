/**
 * The batch's output, written so an interrupted run can go on: lines go to `OUT.partial`, and after each chunk a
 * small state file (`OUT.partial.json`, replaced atomically) records how many chunks and bytes are in it. A
 * re-run of the same batch cuts the partial file back to the recorded length (dropping a half-written chunk)
 * and continues after the recorded chunk. When the last chunk is in, the partial file is renamed to OUT.
 */
import { closeSync, existsSync, fsyncSync, ftruncateSync, openSync, readFileSync, renameSync, rmSync, writeFileSync, writeSync } from 'node:fs';

export interface OutputState {
  batchId: string;
  /** Chunks fully written. */
  chunks: number;
  /** Bytes of OUT.partial that hold them. */
  bytes: number;
  docs: number;
  /** Documents written with an error instead of entities. */
  errors: number;
  tokens: number;
  /** Input bytes those chunks came from (for the progress bar after a resume). */
  inputBytes: number;
}

export class BatchOutput {
  private constructor(
    private readonly out: string,
    private readonly fd: number,
    readonly state: OutputState,
  ) {}

  /** Opens OUT.partial for `batchId`, resuming where a previous run of the same batch stopped. */
  static open(out: string, batchId: string): BatchOutput {
    const partial = `${out}.partial`;
    const saved = readState(`${partial}.json`);
    const resume = saved?.batchId === batchId && existsSync(partial);
    const state: OutputState = resume ? saved : { batchId, chunks: 0, bytes: 0, docs: 0, errors: 0, tokens: 0, inputBytes: 0 };
    const fd = openSync(partial, resume ? 'r+' : 'w');
    ftruncateSync(fd, state.bytes);
    return new BatchOutput(out, fd, state);
  }

  /** Appends one chunk's lines and records it; durable before it returns. */
  appendChunk(lines: string, docs: number, errors: number, tokens: number, inputBytes: number): void {
    const buf = Buffer.from(lines, 'utf8');
    let off = 0;
    while (off < buf.length) off += writeSync(this.fd, buf, off, buf.length - off, this.state.bytes + off);
    fsyncSync(this.fd);
    Object.assign(this.state, {
      chunks: this.state.chunks + 1,
      bytes: this.state.bytes + buf.length,
      docs: this.state.docs + docs,
      errors: (this.state.errors ?? 0) + errors,
      tokens: this.state.tokens + tokens,
      inputBytes,
    });
    const statePath = `${this.out}.partial.json`;
    writeFileSync(`${statePath}.tmp`, JSON.stringify(this.state));
    renameSync(`${statePath}.tmp`, statePath);
  }

  /** All chunks are in: OUT appears whole, in one rename. */
  finish(): void {
    closeSync(this.fd);
    renameSync(`${this.out}.partial`, this.out);
    rmSync(`${this.out}.partial.json`, { force: true });
  }

  close(): void {
    closeSync(this.fd);
  }
}

function readState(path: string): OutputState | null {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as OutputState;
  } catch {
    return null;
  }
}
