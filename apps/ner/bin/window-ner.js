#!/usr/bin/env node
// Entry point of the window-ner CLI: runs the TypeScript sources through tsx (no build step).
process.env.DOTENV_CONFIG_QUIET ??= 'true';
const { register } = await import('tsx/esm/api');
register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
