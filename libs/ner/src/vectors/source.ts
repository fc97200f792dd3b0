/**
 * Where pre-trained word vectors come from. The embedding feature needs only this, so it works with the SQLite
 * EmbeddingStore (the product), a tiny in-memory table (tests), or nothing at all (random init).
 */
export interface VectorSource {
  readonly dim: number;
  /** The vector for a word after the source's own fallbacks (exact, lower-case, digits), or null if unknown. */
  lookup(word: string): Float32Array | null;
}

/** An in-memory source: handy for tests and for tiny custom vocabularies. Falls back to the lower-cased word. */
export class MapVectorSource implements VectorSource {
  constructor(
    readonly dim: number,
    private readonly vectors: Map<string, Float32Array>,
  ) {}

  lookup(word: string): Float32Array | null {
    return this.vectors.get(word) ?? this.vectors.get(word.toLowerCase()) ?? null;
  }
}
