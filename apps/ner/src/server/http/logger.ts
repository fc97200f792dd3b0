/**
 * Structured logs on pino: one JSON object per line (string `level`, ISO `time`, `pid`), so a log shipper can
 * parse every line. Secrets never reach a line: the paths in REDACTED are replaced wherever they appear (the
 * request log carries the request headers). Errors go under `err` (pino's serializer: type, message, stack).
 */
import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger } from 'pino';

/** Header names are lower-case in Node; `*.` also catches them in fields a caller logs itself. */
export const REDACTED = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["proxy-authorization"]',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  'authorization',
  'adminToken',
  'token',
];

export interface LoggerOptions {
  /** Where lines go; defaults to stdout, written asynchronously (pino flushes it at exit). */
  destination?: DestinationStream;
  level?: pino.LevelWithSilent;
}

export function createLogger(opts: LoggerOptions = {}): Logger {
  const destination = opts.destination ?? pino.destination({ dest: 1, sync: false });
  return pino(
    {
      level: opts.level ?? 'info',
      base: { pid: process.pid },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: REDACTED, censor: '[redacted]' },
    },
    destination,
  );
}

export const silentLogger: Logger = pino({ level: 'silent' });
