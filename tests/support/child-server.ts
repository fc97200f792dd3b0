/**
 * The real CLI (`window-ner serve`) as a child process: what a deployment runs, so signals (SIGTERM, kill -9)
 * hit a real process. Reads its JSON log lines from stdout to learn the URL and when it is ready.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { CLI } from './paths.js';

export interface LogLine {
  msg: string;
  level: string;
  pid: number;
  [key: string]: unknown;
}

export interface ChildServer {
  proc: ChildProcess;
  url: string;
  logs: LogLine[];
  stderr: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Resolves when `count` log lines satisfy `match` (bounded in time). */
  waitForLog(match: (l: LogLine) => boolean, count?: number, timeoutMs?: number): Promise<LogLine[]>;
}

export async function spawnServer(args: string[], env: Record<string, string> = {}, readyCount = 1, startTimeoutMs = 60_000): Promise<ChildServer> {
  const proc = spawn(process.execPath, [CLI, 'serve', '--port', '0', ...args], {
    env: { ...process.env, DOTENV_CONFIG_QUIET: 'true', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const logs: LogLine[] = [];
  const stderr: string[] = [];
  const waiters = new Set<() => void>();
  createInterface({ input: proc.stdout! }).on('line', (line) => {
    if (!line.startsWith('{')) return; // library banners (tfjs) are not log lines
    try {
      logs.push(JSON.parse(line) as LogLine);
    } catch {
      return;
    }
    for (const w of waiters) w();
  });
  createInterface({ input: proc.stderr! }).on('line', (line) => stderr.push(line));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    proc.on('exit', (code, signal) => {
      resolve({ code, signal });
      for (const w of waiters) w();
    });
  });

  const waitForLog = (match: (l: LogLine) => boolean, count = 1, timeoutMs = 60_000) =>
    new Promise<LogLine[]>((resolve, reject) => {
      const check = () => {
        const found = logs.filter(match);
        if (found.length >= count) {
          cleanup();
          resolve(found);
        } else if (proc.exitCode !== null || proc.signalCode !== null) {
          cleanup();
          reject(new Error(`server exited before the awaited log line; stderr: ${stderr.slice(-5).join(' | ')}; logs: ${JSON.stringify(logs.slice(-3))}`));
        }
      };
      const timer = setTimeout(() => {
        cleanup();
        reject(new Error(`timed out waiting for a log line; last logs: ${JSON.stringify(logs.slice(-3))}; stderr: ${stderr.slice(-3).join(' | ')}`));
      }, timeoutMs);
      const cleanup = () => {
        clearTimeout(timer);
        waiters.delete(check);
      };
      waiters.add(check);
      check();
    });

  const failed = await waitForLog((l) => l.msg === 'listening', 1, startTimeoutMs).catch((e: Error) => e);
  if (failed instanceof Error) {
    proc.kill('SIGKILL');
    throw failed;
  }
  const url = (failed[0].url as string) ?? '';
  await waitForLog((l) => l.msg === 'ready', readyCount, startTimeoutMs);
  return { proc, url, logs, stderr, exited, waitForLog };
}
