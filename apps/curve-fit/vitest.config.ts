import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Tests run the TypeScript sources: workspace packages resolve to src/ (the @window-ner/source export), not dist/.
  ssr: { resolve: { conditions: ['@window-ner/source', ...defaultServerConditions] } },
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    env: { DOTENV_CONFIG_QUIET: 'true' },
  },
});
