/**
 * A `window-ner` command as a child process: its JSON log lines (stdout) and stderr collected, a bounded wait for
 * a log line, and its exit. For the batch commands, whose failure modes (kill -9) need real processes.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createInterface } from 'node:readline';
import { CLI } from './paths.js';
import { pollUntil } from './poll.js';

export interface CliProcess {
  proc: ChildProcess;
  logs: Record<string, unknown>[];
  stderr: string[];
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  waitForLog(match: (l: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
  /** SIGTERM, then SIGKILL if it has not exited within 10 s. */
  stop(): Promise<void>;
}

export function spawnCli(args: string[]): CliProcess {
  const proc = spawn(process.execPath, [CLI, ...args], { env: { ...process.env, DOTENV_CONFIG_QUIET: 'true' }, stdio: ['ignore', 'pipe', 'pipe'] });
  const logs: Record<string, unknown>[] = [];
  const stderr: string[] = [];
  createInterface({ input: proc.stdout! }).on('line', (line) => {
    if (line.startsWith('{')) logs.push(JSON.parse(line) as Record<string, unknown>);
  });
  createInterface({ input: proc.stderr! }).on('line', (line) => stderr.push(line));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    proc.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const running = () => proc.exitCode === null && proc.signalCode === null;
  return {
    proc,
    logs,
    stderr,
    exited,
    async waitForLog(match, timeoutMs = 60_000) {
      const found = await pollUntil(
        `a log line from window-ner ${args[0]} (stderr: ${stderr.slice(-3).join(' | ')})`,
        async () => logs.find(match) ?? (running() ? undefined : null),
        (l) => l !== undefined,
        timeoutMs,
        20,
      );
      if (!found) throw new Error(`window-ner ${args[0]} exited first; stderr: ${stderr.slice(-5).join(' | ')}`);
      return found;
    },
    async stop() {
      if (!running()) return;
      proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    },
  };
}
