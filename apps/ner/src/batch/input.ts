/**
 * Streams a batch's input one document at a time, never holding the file: JSONL (`{"text": ..., "id"?: ...}`) or
 * plain text (one document a line). Blank lines are skipped; a document's id is its `id` field, else its line
 * number. A line that cannot be a document (bad JSON, no text, longer than the limit) becomes an error document,
 * so it shows up in the output at its place instead of stopping the run. An over-long line is skipped over
 * without being held: only its first `maxChars * 3` bytes are kept while it is measured.
 */
import { createReadStream } from 'node:fs';
import type { BatchDocument } from './protocol.js';

export type InputFormat = 'jsonl' | 'text';

export interface InputDocument {
  doc: BatchDocument;
  /** Input bytes read up to the end of this document's line (for progress and ETA). */
  bytes: number;
}

export function formatOf(path: string): InputFormat {
  return /\.(jsonl|ndjson)$/i.test(path) ? 'jsonl' : 'text';
}

export async function* readDocuments(path: string, format: InputFormat, maxChars: number): AsyncGenerator<InputDocument> {
  let line = 0;
  for await (const { bytes, text, overflow } of readLines(path, maxChars * 3 + 16)) {
    line++;
    if (!overflow && text.trim() === '') continue;
    if (overflow) {
      yield { bytes, doc: { id: line, error: { code: 'text_too_long', message: `line ${line}: longer than ${maxChars} characters` } } };
      continue;
    }
    const doc = format === 'jsonl' ? parseJsonLine(text, line) : { id: line, text };
    if ('text' in doc && doc.text.length > maxChars) {
      yield { bytes, doc: { id: doc.id, error: { code: 'text_too_long', message: `line ${line}: ${doc.text.length} characters, the limit is ${maxChars}` } } };
    } else yield { bytes, doc };
  }
}

function parseJsonLine(text: string, line: number): BatchDocument {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    return { id: line, error: { code: 'invalid_json', message: `line ${line}: ${(e as Error).message}` } };
  }
  const obj = value as { text?: unknown; id?: unknown } | null;
  const id = typeof obj?.id === 'string' || typeof obj?.id === 'number' ? obj.id : line;
  if (typeof obj !== 'object' || obj === null || typeof obj.text !== 'string') {
    return { id, error: { code: 'invalid_document', message: `line ${line}: expected an object with a string "text" field` } };
  }
  return { id, text: obj.text };
}

/** Lines of a file as UTF-8 text, each cut at `maxBytes` (then `overflow` is set and the rest is dropped). */
async function* readLines(path: string, maxBytes: number): AsyncGenerator<{ bytes: number; text: string; overflow: boolean }> {
  let parts: Buffer[] = [];
  let held = 0;
  let overflow = false;
  let bytes = 0;
  const take = (piece: Buffer) => {
    if (overflow) return;
    if (held + piece.length > maxBytes) {
      overflow = true;
      parts = [];
      return;
    }
    parts.push(piece);
    held += piece.length;
  };
  const emit = () => {
    const text = Buffer.concat(parts).toString('utf8').replace(/\r$/, '');
    const out = { bytes, text: overflow ? '' : text, overflow };
    parts = [];
    held = 0;
    overflow = false;
    return out;
  };
  for await (const chunk of createReadStream(path) as AsyncIterable<Buffer>) {
    let from = 0;
    for (let nl = chunk.indexOf(10, from); nl !== -1; nl = chunk.indexOf(10, from)) {
      take(chunk.subarray(from, nl));
      bytes += nl + 1 - from;
      from = nl + 1;
      yield emit();
    }
    take(chunk.subarray(from));
    bytes += chunk.length - from;
  }
  if (held > 0 || overflow) yield emit();
}
