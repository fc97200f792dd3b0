/** Progress of an import: bytes of the source file read (compressed bytes for .gz) and vectors parsed so far. */
export interface ImportProgress {
  bytesRead: number;
  totalBytes: number;
  vectors: number;
}

export type ProgressCallback = (p: ImportProgress) => void;

/** The parsers' view of the writer: they only fix the dimension and add vectors. */
export interface VectorSink {
  readonly dim: number | undefined;
  setDim(dim: number, file: string, line: number | undefined): void;
  add(word: string, vec: Float32Array): void;
  setUnk(vec: Float32Array): void;
}
