/**
 * Structured logs: one JSON object per line on stdout (requests, lifecycle) so a log shipper can parse them.
 * `silent` for tests; `lines` collects them in memory when a test wants to assert on what was logged.
 */
export type LogLevel = 'info' | 'warn' | 'error';

export interface Logger {
  log(level: LogLevel, msg: string, fields?: Record<string, unknown>): void;
}

export interface LoggerOptions {
  /** Where lines go; defaults to process.stdout. */
  write?: (line: string) => void;
  silent?: boolean;
}

export function createLogger(opts: LoggerOptions = {}): Logger {
  const write = opts.write ?? ((line: string) => process.stdout.write(line));
  return {
    log(level, msg, fields = {}) {
      if (opts.silent) return;
      write(JSON.stringify({ time: new Date().toISOString(), level, msg, pid: process.pid, ...fields }) + '\n');
    },
  };
}

export const silentLogger: Logger = createLogger({ silent: true });

/** Errors as loggable fields (message + stack), never the raw object. */
export function errorFields(err: unknown): Record<string, unknown> {
  if (err instanceof Error) return { error: err.message, stack: err.stack };
  return { error: String(err) };
}
