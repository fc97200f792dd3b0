#!/usr/bin/env node
// Entry point of the window-ner CLI: runs the compiled JavaScript in apps/ner/dist, which `npm install` builds
// (the root package's prepare script runs `tsc -b tsconfig.build.json`).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

process.env.DOTENV_CONFIG_QUIET ??= 'true';
const entry = new URL('../dist/cli/main.js', import.meta.url);
if (!existsSync(fileURLToPath(entry))) {
  console.error(`window-ner: ${fileURLToPath(entry)} is missing: run npm install (it builds the project), or npm run build`);
  process.exit(1);
}
const { main } = await import(entry.href);
process.exitCode = await main(process.argv.slice(2));
