/** The batch input reader: documents from JSONL and text files, errors in place, byte offsets, long lines. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatOf, readDocuments } from '../src/batch/input.js';

const dir = mkdtempSync(join(tmpdir(), 'window-ner-batch-input-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function read(name: string, content: string, maxChars = 50) {
  const path = join(dir, name);
  writeFileSync(path, content);
  const out = [];
  for await (const d of readDocuments(path, formatOf(path), maxChars)) out.push(d);
  return out;
}

describe('readDocuments', () => {
  it('JSONL: ids from the "id" field or the line number; bad lines become errors at their place', async () => {
    const docs = await read('a.jsonl', '{"id":"x","text":"Tim Cook"}\r\n\n{"text":"Paris"}\nnot json\n{"id":7}\n{"text":"' + 'é'.repeat(60) + '"}');
    expect(docs.map((d) => d.doc)).toEqual([
      { id: 'x', text: 'Tim Cook' },
      { id: 3, text: 'Paris' },
      { id: 4, error: { code: 'invalid_json', message: expect.stringMatching(/^line 4: /) } },
      { id: 7, error: { code: 'invalid_document', message: 'line 5: expected an object with a string "text" field' } },
      { id: 6, error: { code: 'text_too_long', message: 'line 6: 60 characters, the limit is 50' } },
    ]);
  });

  it('text: one document a line, blank lines skipped, bytes counted to each line end (UTF-8)', async () => {
    const docs = await read('b.txt', 'Anna ß\n\nBerlin\n');
    expect(docs).toEqual([
      { doc: { id: 1, text: 'Anna ß' }, bytes: 8 },
      { doc: { id: 3, text: 'Berlin' }, bytes: 16 },
    ]);
  });

  it('a line far over the limit is measured, not held, and the next line is read whole', async () => {
    const docs = await read('c.txt', 'x'.repeat(100_000) + '\nshort line', 10);
    expect(docs.map((d) => d.doc)).toEqual([
      { id: 1, error: { code: 'text_too_long', message: 'line 1: longer than 10 characters' } },
      { id: 2, text: 'short line' },
    ]);
    expect(docs[1].bytes).toBe(100_011);
  });

  it('the format follows the file name', () => {
    expect(formatOf('in.JSONL')).toBe('jsonl');
    expect(formatOf('in.ndjson')).toBe('jsonl');
    expect(formatOf('in.txt')).toBe('text');
  });
});
