import { execFileSync } from 'node:child_process';
import { mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseConll } from './conll-read.js';
import { corpusLines, CorpusFileError, readCorpusStream } from './read-stream.js';
import { whitespaceTokenize } from './whitespace-tokenize.js';
import { CorpusFormatError } from './corpus-error.js';

const dir = mkdtempSync(join(tmpdir(), 'read-stream-'));
const file = (name: string, content: string | Buffer) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

describe('readCorpusStream', () => {
  it('reads CoNLL exactly as parseConll does, across chunk boundaries, CRLF and a BOM', async () => {
    const sentence = 'Angela B-PER\nMerkel I-PER\nvisited O\nZürich B-LOC\n\n';
    const content = '\uFEFF' + sentence.repeat(20_000).replace(/\n/g, (m, i: number) => (i % 3 ? m : '\r\n'));
    const path = file('big.conll', content);
    const streamed = await readCorpusStream(path, whitespaceTokenize);
    expect(streamed.length).toBe(20_000);
    expect(streamed).toEqual(parseConll(content, path));
  });

  it('reads JSONL records with their line numbers, and names the file as asked in errors', async () => {
    const path = file('c.jsonl', '{"text": "Paris is nice", "entities": [{"start": 0, "end": 5, "label": "LOC"}]}\n\n{"text": 3}\n');
    await expect(readCorpusStream(path, whitespaceTokenize, { name: 'mine.jsonl' })).rejects.toThrow(/^mine\.jsonl:3: field "text"/);
    const ok = await readCorpusStream(file('ok.jsonl', '{"text": "Paris is nice", "entities": [{"start": 0, "end": 5, "label": "LOC"}]}\n'), whitespaceTokenize);
    expect(ok[0]).toMatchObject({ tokens: ['Paris', 'is', 'nice'], tags: ['B-LOC', 'O', 'O'] });
  });

  it('CoNLL format errors keep file:line', async () => {
    const path = file('broken.conll', 'Berlin B-LOC\nis O\nnice\n');
    await expect(readCorpusStream(path, whitespaceTokenize, { name: 'broken.conll' })).rejects.toThrow(CorpusFormatError);
    await expect(readCorpusStream(path, whitespaceTokenize, { name: 'broken.conll' })).rejects.toThrow(/^broken\.conll:3:/);
  });

  it('an untrusted path: refuses a FIFO without blocking, a device, a directory and a final symlink', async () => {
    const untrusted = (path: string, name: string) => readCorpusStream(path, whitespaceTokenize, { name, untrustedPath: true });
    const fifo = join(dir, 'pipe.conll');
    execFileSync('mkfifo', [fifo]);
    await expect(untrusted(fifo, 'pipe.conll')).rejects.toThrow('pipe.conll: not a regular file');
    await expect(untrusted('/dev/zero', 'zero')).rejects.toThrow('zero: not a regular file');
    await expect(untrusted(dir, 'd')).rejects.toThrow('d: not a regular file');
    const link = join(dir, 'link.conll');
    symlinkSync(file('target.conll', 'a O\n'), link);
    await expect(untrusted(link, 'link.conll')).rejects.toThrow('link.conll: is a symbolic link');
    // A trusted path (the CLI) follows the link.
    expect(await readCorpusStream(link, whitespaceTokenize)).toHaveLength(1);
  });

  it('a trusted path may be a FIFO (e.g. process substitution); maxBytes still bounds it', async () => {
    const fifo = join(dir, 'trusted-pipe.conll');
    execFileSync('mkfifo', [fifo]);
    const writer = import('node:fs/promises').then((fs) => fs.writeFile(fifo, 'Paris B-LOC\n\nRome B-LOC\n'));
    expect(await readCorpusStream(fifo, whitespaceTokenize)).toHaveLength(2);
    await writer;
    const zero = readCorpusStream('/dev/zero', whitespaceTokenize, { maxBytes: 1_000_000, name: 'zero' });
    await expect(zero).rejects.toThrow('zero: over the limit of 1000000 bytes (stopped reading there)');
  });

  it('enforces maxBytes and rejects bytes that are not UTF-8', async () => {
    const path = file('size.conll', 'a O\n'.repeat(1000));
    await expect(readCorpusStream(path, whitespaceTokenize, { maxBytes: 3999, name: 's' })).rejects.toThrow('s: 4000 bytes is over the limit of 3999 bytes');
    expect(await readCorpusStream(path, whitespaceTokenize, { maxBytes: 4000 })).toHaveLength(1);
    const bad = file('latin1.conll', Buffer.from([0x61, 0x20, 0x4f, 0x0a, 0xe9, 0x20, 0x4f, 0x0a]));
    await expect(readCorpusStream(bad, whitespaceTokenize, { name: 'l' })).rejects.toThrow(CorpusFileError);
  });

  it('stops at the next chunk once the signal aborts', async () => {
    const path = file('abort.conll', 'word O\n'.repeat(200_000));
    const controller = new AbortController();
    let lines = 0;
    const read = (async () => {
      for await (const _ of corpusLines(path, { signal: controller.signal })) {
        if (++lines === 10) controller.abort(new Error('stop now'));
      }
    })();
    await expect(read).rejects.toThrow('stop now');
    expect(lines).toBeLessThan(200_000);
  });
});
