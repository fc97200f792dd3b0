/**
 * The vitest config every unit-test project shares (each project's vitest.config.ts is this one call).
 * Tests run the TypeScript sources: workspace packages resolve to src/ (the @window-ner/source export), not dist/.
 */
import { defaultServerConditions } from 'vite';
import { defineConfig } from 'vitest/config';

export const SOURCE_CONDITIONS = ['@window-ner/source', ...defaultServerConditions];

export function projectTestConfig() {
  return defineConfig({
    ssr: { resolve: { conditions: SOURCE_CONDITIONS } },
    test: {
      include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
      testTimeout: 60_000,
      hookTimeout: 120_000,
      pool: 'forks',
      env: { DOTENV_CONFIG_QUIET: 'true' },
    },
  });
}
