/**
 * scripts/system-setup.mjs, the step `npm test` and `.ci/run` run first: a no-op when every listed package is
 * installed, a clear failure naming the exact command when one is missing and it may not install, and a
 * file:line error for a malformed list. Lists are written to temp files and passed through
 * WINDOW_NER_SYSTEM_PACKAGES; the packages themselves are the machine's (dpkg is asked for real).
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const script = fileURLToPath(new URL('../scripts/system-setup.mjs', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'window-ner-setup-'));
chmodSync(dir, 0o755);
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function list(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text, { mode: 0o644 });
  return path;
}

/** Run the script as a user that is not root (root drops to `nobody`, so the no-install branch is what runs). */
function runUnprivileged(listPath: string) {
  const env = { ...process.env, WINDOW_NER_SYSTEM_PACKAGES: listPath };
  const asRoot = process.getuid?.() === 0;
  const [cmd, args] = asRoot
    ? ['runuser', ['-u', 'nobody', '--', process.execPath, script]]
    : [process.execPath, [script]];
  return spawnSync(cmd, args, { env, encoding: 'utf8', timeout: 30_000 });
}

const hasDpkg = spawnSync('dpkg-query', ['--version']).status === 0;

describe.skipIf(!hasDpkg)('system set-up step', () => {
  it('does nothing but report when every package is installed', () => {
    // dpkg itself is installed on every Debian system.
    const r = runUnprivileged(list('present.txt', '# comment\ndpkg   # the package manager\n'));
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^system-setup: 1 system packages present \(\d+ ms\)\n$/);
  });

  it('fails at once with the exact install command when a package is missing and it is not root', () => {
    const r = runUnprivileged(list('missing.txt', 'dpkg\nwindow-ner-no-such-package native\n'));
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('missing system packages: window-ner-no-such-package.');
    expect(r.stderr).toContain(
      'sudo apt-get update && sudo apt-get install -y --no-install-recommends window-ner-no-such-package && node libs/tensor-blas/scripts/build.cjs',
    );
    expect(r.stdout).not.toContain('apt-get update'); // it did not try to install
  });

  it('names the file and line of a malformed entry', () => {
    const path = list('bad.txt', 'dpkg\n\nchromium nativ\n');
    const r = runUnprivileged(path);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`${path}:3: expected "<debian-package> [native]", got "chromium nativ"`);
  });
});
