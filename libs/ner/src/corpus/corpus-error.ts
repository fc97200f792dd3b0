/** A malformed corpus line. The message always starts with `file:line:` so a user can jump to it. */
export class CorpusFormatError extends Error {
  readonly file: string;
  readonly line: number;

  constructor(file: string, line: number, detail: string) {
    super(`${file}:${line}: ${detail}`);
    this.name = 'CorpusFormatError';
    this.file = file;
    this.line = line;
  }
}
