#!/usr/bin/env node
// Dev tool, not part of the product: gives every relative import/export/dynamic import in the TypeScript sources an
// explicit extension, as NodeNext module resolution (and Node running dist/) requires: './x' -> './x.js' when
// x.ts exists, './dir' -> './dir/index.js' when dir/index.ts exists. Idempotent; re-run it after merging a branch
// whose files were written without extensions:
//   node scripts/dev/add-import-extensions.mjs [files or folders...]   (default: every TS source folder)
// It prints each file it changed and any relative import it could not resolve on disk (left as is).
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';

const root = resolve(dirname(new URL(import.meta.url).pathname), '../..');
const defaults = ['libs/*/src', 'libs/*/test', 'libs/*/scripts', 'apps/*/src', 'apps/*/test', 'tests', 'bench'];

function expand(pattern) {
  const [head, star, ...rest] = pattern.split('/');
  if (star !== '*') return [join(root, pattern)];
  return readdirSync(join(root, head)).map((d) => join(root, head, d, ...rest));
}

function walk(path, out) {
  if (!existsSync(path)) return out;
  if (statSync(path).isFile()) {
    if (/\.(m|c)?tsx?$/.test(path) && !path.endsWith('.d.ts')) out.push(path);
    return out;
  }
  for (const name of readdirSync(path)) {
    if (name === 'node_modules' || name === 'dist' || name === 'build' || name === 'artifacts' || name.startsWith('.')) continue;
    walk(join(path, name), out);
  }
  return out;
}

const isFile = (p) => existsSync(p) && statSync(p).isFile();

/** The specifier with an extension, or null when it already has one or cannot be resolved on disk. */
function withExtension(file, spec) {
  const target = resolve(dirname(file), spec);
  if (/\.(js|mjs|cjs|json|node|html)$/.test(spec) || /\.(ts|mts|cts)$/.test(spec)) return null;
  for (const [ext, out] of [['.ts', '.js'], ['.tsx', '.js'], ['.mts', '.mjs'], ['.cts', '.cjs'], ['.js', '.js'], ['.mjs', '.mjs']]) {
    if (isFile(target + ext)) return spec + out;
  }
  for (const [ext, out] of [['index.ts', 'index.js'], ['index.js', 'index.js'], ['index.mjs', 'index.mjs']]) {
    if (isFile(join(target, ext))) return `${spec.replace(/\/$/, '')}/${out}`;
  }
  return undefined;
}

// `from '...'` (import/export ... from), `import '...'` (side effect), `import('...')` (dynamic and type imports),
// `vi.mock('...')`. Only specifiers starting with ./ or ../ are touched.
const RE = /(\bfrom\s*|\bimport\s*|\bimport\s*\(\s*|\bvi\.(?:mock|doMock|importActual)\s*\(\s*)(['"])(\.\.?\/[^'"\n]*?|\.\.?)\2/g;

const targets = process.argv.slice(2).length ? process.argv.slice(2).map((p) => resolve(p)) : defaults.flatMap(expand);
const files = targets.flatMap((t) => walk(t, []));
let changed = 0;
for (const file of files) {
  const text = readFileSync(file, 'utf8');
  const next = text.replace(RE, (all, lead, q, spec) => {
    const ext = withExtension(file, spec);
    if (ext === undefined) {
      console.error(`${relative(root, file)}: cannot resolve ${spec}`);
      return all;
    }
    return ext === null ? all : `${lead}${q}${ext}${q}`;
  });
  if (next !== text) {
    writeFileSync(file, next);
    changed++;
    console.log(relative(root, file));
  }
}
console.error(`${changed} of ${files.length} files changed`);
