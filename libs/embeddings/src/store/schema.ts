/**
 * The store's SQLite schema. `vectors` holds one float32 LE BLOB per word; `meta` is key/value text;
 * `special` holds named vectors that are not words (the declared <unk>), so no word can collide with them.
 */
export const SCHEMA_VERSION = 1;

export const CREATE_SCHEMA = `
  CREATE TABLE IF NOT EXISTS vectors (word TEXT PRIMARY KEY, vec BLOB NOT NULL);
  CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
  CREATE TABLE IF NOT EXISTS special (name TEXT PRIMARY KEY, vec BLOB NOT NULL);
`;

/** What `meta` records about a store. */
export interface StoreMeta {
  dim: number;
  /** Where the vectors came from (file name or package), for provenance. */
  source: string;
  /** Import format: glove | word2vec | word2vec-bin | wink. */
  format: string;
  /** 'none' (vectors as given) or 'l2' (every vector scaled to unit length at import). */
  normalisation: 'none' | 'l2';
  count: number;
  /** ISO time of the import. */
  created: string;
  schemaVersion: number;
}

export function metaToRows(meta: StoreMeta): Array<[string, string]> {
  return Object.entries(meta).map(([k, v]) => [k, String(v)]);
}

export function rowsToMeta(rows: Array<{ key: string; value: string }>, file: string): StoreMeta {
  const m = new Map(rows.map((r) => [r.key, r.value]));
  const dim = Number(m.get('dim'));
  if (!Number.isInteger(dim) || dim <= 0) throw new Error(`${file}: not an embedding store (meta.dim missing or invalid)`);
  return {
    dim,
    source: m.get('source') ?? '',
    format: m.get('format') ?? '',
    normalisation: m.get('normalisation') === 'l2' ? 'l2' : 'none',
    count: Number(m.get('count') ?? 0),
    created: m.get('created') ?? '',
    schemaVersion: Number(m.get('schemaVersion') ?? SCHEMA_VERSION),
  };
}
