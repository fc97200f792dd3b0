/**
 * Telling a user's bad input from a window-ner bug. An input error is printed as one line naming the file (and
 * line where the library knows it), without a stack, exit 2; anything else keeps its stack (main.ts).
 *
 * Input errors are: the libraries' own (CorpusFormatError, CorpusFileError and EmbeddingImportError name the
 * file, and the line where there is one), system and library errors whose code says the file is unusable
 * (missing, a directory, unreadable, a truncated or corrupt gzip, not an SQLite database), and any error whose
 * message names the file being read (the model loader reports "<path>: not a window-ner model file (...)"), or
 * says the corpus holds nothing to learn from.
 */
import { CorpusFileError, CorpusFormatError } from '@window-ner/ner';
import { EmbeddingImportError } from '@window-ner/embeddings';
import { CliError } from './command.js';

const UNUSABLE_FILE: Record<string, string> = {
  ENOENT: 'no such file',
  EISDIR: 'is a directory, expected a file',
  ENOTDIR: 'a part of the path is not a directory',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  ELOOP: 'too many symbolic links',
  Z_BUF_ERROR: 'the gzip data ends too early (truncated file?)',
  Z_DATA_ERROR: 'not valid gzip data (corrupt file?)',
  SQLITE_NOTADB: 'not an SQLite database',
  SQLITE_CORRUPT: 'the SQLite database is corrupt',
  SQLITE_CANTOPEN: 'cannot be opened as an SQLite database',
};

/** Messages of the training code that mean the corpus, not the program, is at fault. */
const NOTHING_TO_LEARN = /^training corpus has no (sentences|entities)/;

/**
 * The error as a CliError, or null when it is not about the input (a bug: keep its stack). Without `file`, only
 * errors that say where they are (CliError, the libraries' format errors) qualify.
 */
export function asInputError(err: unknown, file?: string): CliError | null {
  if (err instanceof CliError) return err;
  if (err instanceof CorpusFormatError || err instanceof CorpusFileError || err instanceof EmbeddingImportError) return new CliError(err.message);
  if (!(err instanceof Error) || file === undefined) return null;
  const code = (err as NodeJS.ErrnoException).code;
  if (code && UNUSABLE_FILE[code]) return new CliError(`${file}: ${UNUSABLE_FILE[code]} (${err.message})`);
  if (NOTHING_TO_LEARN.test(err.message)) return new CliError(`${file}: ${err.message.replace(/^training corpus has /, '')}: nothing to train on`);
  if (err.message.includes(file)) return new CliError(err.message);
  return null;
}

/** Runs a step that reads `file`; an error it throws about that file becomes a one-line CliError. */
export async function readingInput<T>(file: string, step: () => T | Promise<T>): Promise<T> {
  try {
    return await step();
  } catch (err) {
    throw asInputError(err, file) ?? err;
  }
}
