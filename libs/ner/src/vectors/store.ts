/** The SQLite embedding store (@window-ner/embeddings) as a VectorSource. */
import { existsSync } from 'node:fs';
import { EmbeddingStore } from '@window-ner/embeddings';
import type { VectorSource } from './source.js';

export interface OpenedVectors {
  source: VectorSource;
  close(): void;
}

/** Open a store read-only; the error names the path when it is missing. */
export function openVectorStore(path: string): OpenedVectors {
  if (!existsSync(path)) throw new Error(`embedding store not found: ${path} (create it with \`window-ner import-embeddings\` or start the server once)`);
  const store = EmbeddingStore.open(path, { readonly: true });
  return { source: { dim: store.dim, lookup: (w) => store.find(w) }, close: () => store.close() };
}
