import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { SOURCE_CONDITIONS } from '../vitest.project.js';

// End-to-end suites start real servers (in-process and as child processes) and a real browser. globalSetup trains
// one small model and a tiny embedding store once for all of them. Files run one at a time: they measure
// timing-sensitive things (SIGTERM, hot swap under load) that two parallel suites on 2 cores would blur.
// natural prints a dotenv line on import; globalSetup runs in this process, so quiet it here too.
process.env.DOTENV_CONFIG_QUIET = 'true';

export default defineConfig({
  // Test code reads the TypeScript sources (the servers and CLIs it starts run dist/).
  ssr: { resolve: { conditions: SOURCE_CONDITIONS } },
  root: fileURLToPath(new URL('.', import.meta.url)),
  test: {
    include: ['**/*.e2e.test.ts'],
    exclude: ['**/node_modules/**', 'artifacts/**'],
    globalSetup: ['./support/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
    fileParallelism: false,
    env: { DOTENV_CONFIG_QUIET: 'true' },
  },
});
