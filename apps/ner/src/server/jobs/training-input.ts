/**
 * Corpus paths in training requests: relative to the data directory, resolving (symlinks followed) inside it, to
 * a regular file no larger than the limit. Anything else is a 400 naming the field, quoting only what the client
 * sent, so nothing about files outside the data directory leaks. Messages from the trainer that reach the job
 * record go through scrubPaths for the same reason.
 */
import { realpathSync, statSync } from 'node:fs';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { HttpError } from '../http/http-error.js';

const badInput = (message: string) => new HttpError(400, 'invalid_request', message);

/** `dataRoot` is the data directory's real path; returns the corpus's real path and size. */
export function corpusFile(dataRoot: string, given: string, field: string, maxBytes: number): { path: string; bytes: number } {
  const inside = (path: string) => {
    const rel = relative(dataRoot, path);
    return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
  };
  const quoted = `"${given.slice(0, 200)}"`;
  const outside = badInput(`${field}: must be a path inside the server data directory, relative to it`);
  if (isAbsolute(given) || given.includes('\0') || !inside(resolve(dataRoot, given))) throw outside;
  let path: string;
  try {
    path = realpathSync(resolve(dataRoot, given));
  } catch {
    throw badInput(`${field}: no such corpus ${quoted} in the data directory`);
  }
  if (!inside(path)) throw outside;
  const stat = statSync(path);
  if (!stat.isFile()) throw badInput(`${field}: ${quoted} is not a regular file`);
  if (stat.size > maxBytes) {
    throw badInput(`${field}: ${quoted} is ${stat.size} bytes, above the server's limit of ${maxBytes} (serve --max-corpus-bytes)`);
  }
  return { path, bytes: stat.size };
}

/** Paths inside the data directory made relative to it, any other absolute path cut to its file name. */
export function scrubPaths(dataRoot: string, message: string): string {
  return message
    .split(`${dataRoot}${sep}`).join('')
    .replace(/(^|[\s"'(`])\/(?:[^\s/"'`:()]+\/)*([^\s/"'`:()]+)/g, '$1$2');
}
