import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const PRIMARY = resolve(import.meta.dirname, 'support/cluster-primary.ts');
type LogLine = { msg: string; pid: number; code?: number };

/**
 * Starts the primary with `workers` stand-in workers, SIGTERMs it once `ups` workers have started (restarts
 * count), and reports how it ended.
 */
async function startAndStop(workers: number, env: Record<string, string>, ups = workers) {
  const proc = spawn(process.execPath, ['--conditions=@window-ner/source', '--import', 'tsx', PRIMARY, String(workers)], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const logs: LogLine[] = [];
  let up = 0;
  const allUp = new Promise<void>((ready) =>
    createInterface({ input: proc.stdout! }).on('line', (line) => {
      if (!line.startsWith('{')) return;
      const entry = JSON.parse(line) as LogLine;
      logs.push(entry);
      if (entry.msg === 'worker up' && ++up === ups) ready();
    }),
  );
  const exited = new Promise<{ code: number | null; signal: string | null }>((r) => proc.on('exit', (code, signal) => r({ code, signal })));
  const timeout = (ms: number, what: string) => new Promise<never>((_, reject) => setTimeout(() => reject(new Error(what)), ms).unref());
  try {
    await Promise.race([allUp, timeout(20_000, 'workers not up within 20 s')]);
    proc.kill('SIGTERM');
    const exit = await Promise.race([exited, timeout(20_000, 'primary still running 20 s after SIGTERM')]);
    return { exit, logs };
  } finally {
    proc.kill('SIGKILL');
  }
}

describe('serve --workers: the cluster primary', () => {
  it('SIGTERM: stops every worker, logs it, exits 0', async () => {
    const { exit, logs } = await startAndStop(2, {});
    expect(exit).toEqual({ code: 0, signal: null });
    expect(logs.map((l) => l.msg)).toEqual(expect.arrayContaining(['cluster started', 'stopping workers', 'all workers stopped']));
  });

  it("exits 0 when a worker's exit comes before its IPC channel closes (it used to end with code 13, never settling)", async () => {
    const { exit, logs } = await startAndStop(2, { HOLD_IPC: '1' });
    expect(exit).toEqual({ code: 0, signal: null });
    expect(logs.at(-1)?.msg).toBe('all workers stopped');
  });

  it('a worker that dies is replaced, and SIGTERM then stops the replacement too', async () => {
    const marker = join(mkdtempSync(join(tmpdir(), 'window-ner-cluster-')), 'crashed');
    const { exit, logs } = await startAndStop(2, { CRASH_ONCE: marker }, 3);
    expect(exit).toEqual({ code: 0, signal: null });
    const died = logs.filter((l) => l.msg === 'worker died; starting another');
    expect(died).toHaveLength(1);
    expect(died[0].code).toBe(1);
    expect(logs.at(-1)?.msg).toBe('all workers stopped');
  });
});
