// A stand-in cluster worker: says it is up, and on SIGTERM exits 0 while its IPC channel stays open for another
// 300 ms (a grandchild holds the channel's fd). The primary then sees the worker's 'exit' before its
// 'disconnect', the order a loaded machine produces now and then. With CRASH_ONCE=FILE, the first worker to
// start creates FILE and dies with code 1 (a crash the primary must replace).
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';

const IPC_FD = 3; // cluster.fork's stdio is [stdin, stdout, stderr, ipc]
console.log(JSON.stringify({ msg: 'worker up', pid: process.pid }));
if (process.env.CRASH_ONCE) {
  try {
    writeFileSync(process.env.CRASH_ONCE, String(process.pid), { flag: 'wx' });
    process.exit(1);
  } catch {
    // another worker crashed already
  }
}
process.on('SIGTERM', () => {
  if (process.env.HOLD_IPC === '1') {
    spawn('sleep', ['0.3'], { stdio: ['ignore', 'ignore', 'ignore', IPC_FD], detached: true }).unref();
  }
  process.exit(0);
});
setInterval(() => undefined, 1000); // stay alive until signalled
