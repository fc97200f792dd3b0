#!/usr/bin/env node
// Idempotent set-up of the system packages the tests need (the list: scripts/system-packages.txt).
// `npm test` runs it first and `.ci/run` runs it before `npm ci`. When every package is installed it only asks
// dpkg once (tens of milliseconds). When some are missing: as root it runs `apt-get update` once and installs them,
// then rebuilds the native addon if one of them is marked `native`; as another user it fails at once with the
// command to run, so a missing package never surfaces as a test failure deep in the run.
// Plain JavaScript with no dependencies: it runs before `npm ci` in CI.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const listPath = process.env.WINDOW_NER_SYSTEM_PACKAGES ?? join(root, 'scripts/system-packages.txt');
const addon = join(root, 'libs/tensor-blas/build/Release/tensor_blas.node');
const MACOS_LINE = 'brew install openblas pkg-config redis && brew install --cask chromium (then CHROMIUM_PATH=/Applications/Chromium.app/Contents/MacOS/Chromium)';

/** @returns {{name: string, native: boolean}[]} */
function readList(path) {
  const packages = [];
  readFileSync(path, 'utf8').split('\n').forEach((raw, i) => {
    const line = raw.replace(/#.*/, '').trim();
    if (!line) return;
    const [name, flag, ...rest] = line.split(/\s+/);
    if (!/^[a-z0-9][a-z0-9+.-]+$/.test(name) || (flag !== undefined && flag !== 'native') || rest.length) {
      fail(`${path}:${i + 1}: expected "<debian-package> [native]", got "${raw.trim()}"`);
    }
    packages.push({ name, native: flag === 'native' });
  });
  return packages;
}

function fail(message) {
  console.error(`system-setup: ${message}`);
  process.exit(1);
}

/** Names of the packages dpkg does not report as installed (one dpkg-query call for all of them). */
function missingPackages(names) {
  const r = spawnSync('dpkg-query', ['-W', '-f=${Package} ${db:Status-Abbrev}\n', ...names], { encoding: 'utf8' });
  if (r.error) return null; // no dpkg: not a Debian system
  const installed = new Set(
    r.stdout.split('\n').filter((l) => /^\S+ ii/.test(l)).map((l) => l.split(' ')[0].split(':')[0]),
  );
  return names.filter((n) => !installed.has(n));
}

function run(cmd, args, env = process.env) {
  console.log(`system-setup: ${cmd} ${args.join(' ')}`);
  const r = spawnSync(cmd, args, { stdio: 'inherit', env });
  if (r.status !== 0) fail(`\`${cmd} ${args.join(' ')}\` failed (exit ${r.status ?? r.signal})`);
}

/** Build libs/tensor-blas again (its install script), when node_modules is there to build it with. */
function rebuildAddon() {
  if (!existsSync(join(root, 'node_modules/node-gyp'))) return; // before `npm ci`: its install step builds it
  run(process.execPath, [join(root, 'libs/tensor-blas/scripts/build.cjs')]);
  if (!existsSync(addon)) fail('the native addon did not build after installing OpenBLAS; see the compiler output above');
}

const started = process.hrtime.bigint();
if (process.env.WINDOW_NER_SYSTEM_SETUP === 'skip') process.exit(0);
const packages = readList(listPath);
const missing = missingPackages(packages.map((p) => p.name));
if (missing === null) {
  console.log(`system-setup: no dpkg here, so nothing is checked; the tests need ${packages.map((p) => p.name).join(', ')}` +
    (process.platform === 'darwin' ? ` (macOS: ${MACOS_LINE})` : ''));
  process.exit(0);
}
if (missing.length > 0) {
  const install = ['install', '-y', '-qq', '--no-install-recommends', ...missing];
  const rebuild = packages.some((p) => p.native && missing.includes(p.name));
  if (process.getuid?.() !== 0) {
    fail(`missing system packages: ${missing.join(', ')}. Install them with\n\n` +
      `  sudo apt-get update && sudo apt-get ${install.filter((a) => a !== '-qq').join(' ')}` +
      (rebuild ? ' && node libs/tensor-blas/scripts/build.cjs' : '') + '\n\nthen run `npm test` again.');
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  run('apt-get', ['update', '-qq'], env);
  run('apt-get', install, env);
  const still = missingPackages(missing);
  if (still?.length) fail(`apt-get did not install: ${still.join(', ')}`);
  if (rebuild) rebuildAddon();
} else if (!existsSync(addon) && packages.some((p) => p.native)) {
  // OpenBLAS is there but the addon is not (installed after `npm install`): build it now.
  rebuildAddon();
}
const ms = Number(process.hrtime.bigint() - started) / 1e6;
console.log(`system-setup: ${packages.length} system packages present (${ms.toFixed(0)} ms)`);
