/**
 * Token strings as small integer ids: one interner per model, shared by its features and its fast tagging path,
 * so the per-word caches of several of them cost one string lookup a token between them instead of one each
 * (string-keyed map lookups were a fifth of fast tagging's time). A sentence's ids are memoised per token array
 * for the current batch: the arrays of a batch are not changed while it runs, and `beginBatch` drops the memo.
 * The table is bounded: `beginBatch` starts the ids over when it is full, and `generation` then changes, which
 * tells every cache indexed by id to drop its entries.
 */

/** Distinct strings kept before the ids start over (~100 bytes each). */
export const MAX_WORD_IDS = 500_000;

export class WordIds {
  private readonly ids = new Map<string, number>();
  private memo = new WeakMap<readonly string[], Int32Array>();
  private gen = 0;

  constructor(private readonly capacity = MAX_WORD_IDS) {}

  /** Changes whenever the ids start over. */
  get generation(): number {
    return this.gen;
  }

  /** Ids handed out in this generation (every id is below it). */
  get size(): number {
    return this.ids.size;
  }

  /** The id of one token string. */
  id(token: string): number {
    let id = this.ids.get(token);
    if (id === undefined) this.ids.set(token, (id = this.ids.size));
    return id;
  }

  /** The ids of a sentence's tokens, memoised for the batch (read-only: it is shared). */
  of(tokens: readonly string[]): Int32Array {
    let out = this.memo.get(tokens);
    if (out && out.length === tokens.length) return out;
    out = new Int32Array(tokens.length);
    for (let t = 0; t < tokens.length; t++) out[t] = this.id(tokens[t]);
    this.memo.set(tokens, out);
    return out;
  }

  /** Between batches: forget the memo, and start the ids over when the table is full. */
  beginBatch(): void {
    this.memo = new WeakMap();
    if (this.ids.size > this.capacity) {
      this.ids.clear();
      this.gen++;
    }
  }
}
