/**
 * kill -9 in the middle of an import: the previous store must still be readable and byte-identical, and no
 * half-written store may sit at the target path. The next import cleans up the dead process's temp file.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { spawn } from 'node:child_process';
import { createWriteStream, readdirSync, statSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { EmbeddingStore, importEmbeddings } from '../src/index.js';
import { sha, tempDir, writeGlove } from './fixtures.js';

let tmp: ReturnType<typeof tempDir>;
beforeEach(() => (tmp = tempDir()));
afterEach(() => tmp.cleanup());

async function writeLargeGlove(path: string, rows: number, dim: number): Promise<void> {
  const out = createWriteStream(path);
  const values = Array.from({ length: dim }, (_, j) => ((j * 7919) % 1000 / 1000 - 0.5).toFixed(4)).join(' ');
  for (let i = 0; i < rows; i += 1000) {
    let block = '';
    for (let k = i; k < i + 1000; k++) block += `w${k} ${values}\n`;
    if (!out.write(block)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

describe('interrupted import', () => {
  it('leaves the previous store intact after kill -9 mid-way', async () => {
    const out = join(tmp.dir, 'store.sqlite');
    await importEmbeddings({ source: writeGlove(join(tmp.dir, 'small.txt')), out });
    const before = sha(out);
    const big = join(tmp.dir, 'big.txt');
    await writeLargeGlove(big, 200_000, 50);

    const child = spawn(process.execPath, ['--conditions=@window-ner/source', '--import', 'tsx', join(import.meta.dirname, 'import-child.ts'), big, out], {
      stdio: ['ignore', 'pipe', 'inherit'],
      env: { ...process.env, DOTENV_CONFIG_QUIET: 'true' },
    });
    const exited = once(child, 'exit');
    let lastProgress = 0;
    for await (const line of createInterface({ input: child.stdout! })) {
      const m = /^progress (\d+)$/.exec(line);
      if (m) lastProgress = Number(m[1]);
      const temps = readdirSync(tmp.dir).filter((f) => f.startsWith('store.sqlite.tmp-'));
      // Kill once batches have been committed to the temp file, well before the end (200k).
      if (lastProgress >= 30_000 && temps.length > 0 && statSync(join(tmp.dir, temps[0])).size > 0) {
        child.kill('SIGKILL');
        break;
      }
      if (line === 'done') break;
    }
    const [code, signal] = await exited;
    expect({ code, signal }).toEqual({ code: null, signal: 'SIGKILL' });
    expect(lastProgress).toBeLessThan(200_000);

    expect(sha(out)).toBe(before);
    const store = EmbeddingStore.open(out);
    expect(store.count).toBe(6);
    expect(Array.from(store.get('Paris')!)).toEqual([1, 2, 3]);
    store.close();
    expect(readdirSync(tmp.dir).some((f) => f.startsWith('store.sqlite.tmp-'))).toBe(true); // the dead one's

    // The next import succeeds and removes the dead process's temp file.
    await importEmbeddings({ source: writeGlove(join(tmp.dir, 'again.txt'), [['x', [1, 2]]]), out });
    expect(readdirSync(tmp.dir).filter((f) => f.includes('.tmp-'))).toEqual([]);
  });
});
