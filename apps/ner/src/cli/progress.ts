/**
 * Progress bars on stderr, drawn by cli-progress: redrawn in place on a terminal; when stderr is not one (CI, a
 * log file, a pipe) a plain line every few seconds instead, whatever the rate of updates. Libraries report
 * progress through callbacks; these render them.
 */
import type { ImportProgress } from '@window-ner/embeddings';
import { SingleBar } from 'cli-progress';

export interface ProgressOptions {
  label: string;
  total: number;
  unit?: string;
  stream?: NodeJS.WriteStream;
  /** Milliseconds between plain lines when the stream is not a terminal. */
  lineIntervalMs?: number;
}

/** Bars still drawing: main() stops them when a command ends, so a bar's timer never holds the process open. */
const live = new Set<ProgressBar>();

export class ProgressBar {
  private readonly bar: SingleBar;
  private readonly started = Date.now();

  constructor(private readonly opts: ProgressOptions) {
    const unit = opts.unit ?? 'it';
    const stream = opts.stream ?? process.stderr;
    this.bar = new SingleBar({
      stream,
      // Off a terminal the last line already ends with a newline; "clearing" there only skips a blank line.
      clearOnComplete: !stream.isTTY,
      format: `${opts.label} {bar} {percentage}% {value}/{total} ${unit} {rate} ${unit}/s ETA {eta}s{extra}`,
      barCompleteChar: '█',
      barIncompleteChar: '░',
      barsize: 24,
      hideCursor: false,
      noTTYOutput: true,
      notTTYSchedule: opts.lineIntervalMs ?? 5000,
      fps: 10,
      formatValue: (v, _o, type) => (type === 'value' || type === 'total' ? fmt(v) : String(v)),
    });
    this.bar.start(Math.max(0, opts.total), 0, { rate: '0', extra: '' });
    live.add(this);
  }

  /** Set absolute progress; `extra` is appended (e.g. "loss 0.123"). */
  update(done: number, extra = ''): void {
    const secs = (Date.now() - this.started) / 1000;
    this.bar.update(done, { rate: fmt(secs > 0 ? done / secs : 0), extra: extra ? ` ${extra}` : '' });
  }

  finish(extra = ''): void {
    this.update(this.opts.total, extra);
    this.stop();
  }

  stop(): void {
    this.bar.stop();
    live.delete(this);
  }
}

/** Stops every bar still drawing (a command that failed midway). */
export function stopProgressBars(): void {
  for (const bar of live) bar.stop();
}

/**
 * A bar for an embedding import (the import-embeddings command, or the first-use build of the default store):
 * megabytes (or kB) of the source read, with the vector count.
 */
export function importProgressBar(): { onProgress(p: ImportProgress): void; finish(vectors?: number): void } {
  let bar: ProgressBar | null = null;
  let scale = 1;
  return {
    onProgress(p) {
      if (!bar) {
        const [s, unit] = p.totalBytes >= 1e7 ? [1e6, 'MB'] : [1e3, 'kB'];
        scale = s;
        bar = new ProgressBar({ label: 'import', total: Math.max(1, Math.round(p.totalBytes / scale)), unit });
      }
      bar.update(Math.round(p.bytesRead / scale), `${p.vectors} vectors`);
    },
    finish(vectors) {
      bar?.finish(vectors === undefined ? '' : `${vectors} vectors`);
    },
  };
}

function fmt(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (n >= 1e4) return `${(n / 1e3).toFixed(0)}k`;
  return `${Math.round(n)}`;
}
