/**
 * Tiny flag parser on node:util's parseArgs: strict (unknown flags are errors), typed, with a usage hint.
 */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CliError } from './command.js';

type StrictFlags<T> = { args: string[]; options: T; allowPositionals: true; strict: true };

// The return type is spelled out because the declaration build (dist/*.d.ts) cannot name node:util's internal
// ParsedResults type on its own.
export function parseFlags<T extends NonNullable<ParseArgsConfig['options']>>(argv: string[], options: T, usage: string): ReturnType<typeof parseArgs<StrictFlags<T>>> {
  try {
    return parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new CliError(`${(e as Error).message}\n\n${usage}`);
  }
}

/** Parse a numeric flag; errors name the flag. */
export function numberFlag(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isFinite(n)) throw new CliError(`--${flag}: expected a number, got "${value}"`);
  return n;
}
