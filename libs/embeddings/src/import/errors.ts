/** A bad input file: the message names file:line (and the field), so the user can fix it. */
export class EmbeddingImportError extends Error {
  constructor(
    readonly file: string,
    readonly line: number | undefined,
    detail: string,
  ) {
    super(`${file}${line !== undefined ? `:${line}` : ''}: ${detail}`);
    this.name = 'EmbeddingImportError';
  }
}

/** Parses one number of a vector; rejects non-numbers, NaN and ±Infinity with the field named. */
export function parseValue(text: string, file: string, line: number | undefined, field: string): number {
  const v = Number(text);
  if (text === '' || Number.isNaN(v)) {
    throw new EmbeddingImportError(file, line, `${field}: "${text.slice(0, 40)}" is not a number`);
  }
  if (!Number.isFinite(v)) throw new EmbeddingImportError(file, line, `${field}: ${text} is not a finite number`);
  return v;
}
