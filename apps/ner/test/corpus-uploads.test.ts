/**
 * CorpusUploads on a real directory: an upload that fails at once still leaves no temp file behind. The write
 * stream used to open its file asynchronously, so a body that died before the open finished had its temp file
 * removed first and created after (CI, stop 20).
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import { CorpusUploads, UPLOADS_DIR, UploadError } from '../src/server/store/corpus-uploads.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function store(): { uploads: CorpusUploads; files: () => string[] } {
  const dir = mkdtempSync(join(tmpdir(), 'uploads-'));
  dirs.push(dir);
  return { uploads: new CorpusUploads(dir, { maxBytes: 10_000, maxTotalBytes: 50_000 }), files: () => readdirSync(join(dir, UPLOADS_DIR)) };
}

const settle = () => new Promise((r) => setTimeout(r, 100));

describe('CorpusUploads', () => {
  it('a body cut off before its first byte leaves no temp file, even after the save has settled', async () => {
    const { uploads, files } = store();
    for (let i = 0; i < 20; i++) {
      const body = new PassThrough();
      const saved = uploads.save(body, 'conll');
      body.destroy();
      await expect(saved).rejects.toMatchObject({ kind: 'cut_off' });
    }
    await settle();
    expect(files()).toEqual([]);
  });

  it('a body over the limit in its first chunk leaves no temp file', async () => {
    const { uploads, files } = store();
    for (let i = 0; i < 20; i++) {
      const body = new PassThrough();
      const saved = uploads.save(body, 'conll');
      body.end(Buffer.alloc(10_001, 0x61));
      await expect(saved).rejects.toBeInstanceOf(UploadError);
    }
    await settle();
    expect(files()).toEqual([]);
  });

  it('stores a body under its hash, and keeps nothing else', async () => {
    const { uploads, files } = store();
    const body = new PassThrough();
    const saved = uploads.save(body, 'conll');
    body.end('Paris B-LOC\n');
    const corpus = await saved;
    expect(corpus).toMatchObject({ bytes: 12, format: 'conll', created: true });
    await settle();
    expect(files()).toEqual([`${corpus.sha256}.conll`]);
  });
});
