/**
 * A one-line progress bar on stderr: redraws in place on a TTY, prints a line every few seconds otherwise
 * (so CI logs stay readable). Libraries report progress through callbacks; this renders them.
 */
export interface ProgressOptions {
  label: string;
  total: number;
  unit?: string;
  stream?: NodeJS.WriteStream;
  /** Minimum milliseconds between redraws (TTY) or log lines (non-TTY). */
  intervalMs?: number;
}

export class ProgressBar {
  private readonly started = Date.now();
  private last = 0;
  private done = 0;
  private readonly stream: NodeJS.WriteStream;
  private readonly tty: boolean;

  constructor(private readonly opts: ProgressOptions) {
    this.stream = opts.stream ?? process.stderr;
    this.tty = Boolean(this.stream.isTTY);
  }

  /** Set absolute progress; `extra` is appended (e.g. "loss 0.123"). */
  update(done: number, extra = ''): void {
    this.done = done;
    const now = Date.now();
    const interval = this.opts.intervalMs ?? (this.tty ? 100 : 5000);
    if (now - this.last < interval && done < this.opts.total) return;
    this.last = now;
    this.draw(extra);
  }

  finish(extra = ''): void {
    this.done = this.opts.total;
    this.draw(extra);
    if (this.tty) this.stream.write('\n');
  }

  private draw(extra: string): void {
    const { total, label, unit = 'it' } = this.opts;
    const frac = total > 0 ? Math.min(1, this.done / total) : 1;
    const secs = (Date.now() - this.started) / 1000;
    const rate = secs > 0 ? this.done / secs : 0;
    // Clamped: done may pass the estimated total (a file read faster than its size said), never a negative ETA.
    const eta = rate > 0 ? Math.max(0, total - this.done) / rate : 0;
    const width = 24;
    const filled = Math.round(frac * width);
    const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
    const line = `${label} ${bar} ${(frac * 100).toFixed(0).padStart(3)}% ${fmt(this.done)}/${fmt(total)} ${unit} ${fmt(rate)} ${unit}/s ETA ${eta.toFixed(0)}s${extra ? ' ' + extra : ''}`;
    if (this.tty) this.stream.write(`\r\x1b[K${line}`);
    else this.stream.write(line + '\n');
  }
}

function fmt(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (n >= 1e4) return `${(n / 1e3).toFixed(0)}k`;
  return `${Math.round(n)}`;
}
