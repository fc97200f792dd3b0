/**
 * What travels through Redis between `tag-batch` and `worker`: one BullMQ job per chunk of documents. The job
 * names the batch's model by content hash, so every chunk of a batch is tagged by the same model.
 */
import type { Entity } from '@window-ner/ner';

/** The one queue every batch and worker uses (job ids carry the batch id, so batches share it). */
export const QUEUE_NAME = 'window-ner-batch';

/** How the worker command tells its threads (chunk-processor.ts) where the embeddings and model cache are. */
export const ENV_EMBEDDINGS = 'WINDOW_NER_BATCH_EMBEDDINGS';
export const ENV_MODEL_CACHE = 'WINDOW_NER_BATCH_MODEL_CACHE';
/** The worker's --plugins allowlist (JSON array of specs): each thread allows the same plugins. */
export const ENV_PLUGINS = 'WINDOW_NER_BATCH_PLUGINS';

/** The model a batch is tagged with: where a worker gets it (absolute path or http(s) URL) and its sha256. */
export interface BatchModel {
  source: string;
  sha256: string;
}

/** A document as read from the input: its text, or the error that kept it from being tagged. */
export type BatchDocument = { id: string | number; text: string } | { id: string | number; error: DocumentError };

export interface DocumentError {
  code: string;
  message: string;
}

export interface ChunkJob {
  batchId: string;
  chunk: number;
  model: BatchModel;
  docs: BatchDocument[];
}

/** One output line: a document's id with its entities, or with the error that stopped it. */
export type DocumentResult = { id: string | number; entities: Entity[] } | { id: string | number; error: DocumentError };

export interface ChunkResult {
  results: DocumentResult[];
  /** Tokens tagged in this chunk (for tokens/s). */
  tokens: number;
  /** Milliseconds spent tagging (model loading excluded). */
  tagMs: number;
}

/** BullMQ job ids may not contain ':'; `-` keeps them readable in redis-cli. */
export function chunkJobId(batchId: string, chunk: number): string {
  return `${batchId}-${chunk}`;
}
