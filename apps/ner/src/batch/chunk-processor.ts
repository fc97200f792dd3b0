/**
 * Tags one chunk inside a worker thread (BullMQ's sandboxed processor: the worker's main thread keeps renewing
 * the job's lock while this thread is busy). Each thread keeps the last two models it loaded, by hash.
 * Documents are tagged together; if that throws, one by one, so a bad document gets an error and the rest of
 * the chunk its entities.
 */
import { performance } from 'node:perf_hooks';
import type { SandboxedJob } from 'bullmq';
import { allowPlugins, loadTagger, type WindowTagger } from '@window-ner/ner';
import { initBackend } from '@window-ner/tensor';
import { fetchModel } from './model-source.js';
import { ENV_EMBEDDINGS, ENV_MODEL_CACHE, ENV_PLUGINS, type BatchDocument, type ChunkJob, type ChunkResult, type DocumentResult } from './protocol.js';

const taggers = new Map<string, Promise<WindowTagger>>();
let backend: Promise<unknown> | null = null;

async function taggerFor(job: ChunkJob): Promise<WindowTagger> {
  let tagger = taggers.get(job.model.sha256);
  if (!tagger) {
    tagger = (async () => {
      // A thread's module state starts empty: allow the worker's plugins here too, before any model is loaded.
      await (backend ??= Promise.all([initBackend({ log: null }), allowPlugins(JSON.parse(process.env[ENV_PLUGINS] || '[]') as string[])]));
      const path = await fetchModel(job.model, process.env[ENV_MODEL_CACHE]!);
      return loadTagger(path, { embeddingsPath: process.env[ENV_EMBEDDINGS] || undefined });
    })();
    taggers.set(job.model.sha256, tagger);
    tagger.catch(() => taggers.delete(job.model.sha256));
    if (taggers.size > 2) {
      const [oldest, old] = taggers.entries().next().value!;
      taggers.delete(oldest);
      void old.then((t) => t.dispose(), () => undefined);
    }
  }
  return tagger;
}

export function tagChunk(tagger: WindowTagger, docs: BatchDocument[]): ChunkResult {
  const started = performance.now();
  const before = tagger.tokensTagged;
  const results: DocumentResult[] = docs.map((d) => ('error' in d ? d : { id: d.id, entities: [] }));
  const todo = docs.flatMap((d, i) => ('text' in d ? [i] : []));
  try {
    const entities = tagger.tag(todo.map((i) => (docs[i] as { text: string }).text));
    todo.forEach((i, k) => (results[i] = { id: docs[i].id, entities: entities[k] }));
  } catch {
    for (const i of todo) {
      try {
        results[i] = { id: docs[i].id, entities: tagger.tag([(docs[i] as { text: string }).text])[0] };
      } catch (e) {
        results[i] = { id: docs[i].id, error: { code: 'tagging_failed', message: (e as Error).message } };
      }
    }
  }
  return { results, tokens: tagger.tokensTagged - before, tagMs: performance.now() - started };
}

export default async function processChunk(job: SandboxedJob<ChunkJob, ChunkResult>): Promise<ChunkResult> {
  return tagChunk(await taggerFor(job.data), job.data.docs);
}
