import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';

// One-way stack: tensor -> nn -> ner -> apps. text and embeddings are leaves that ner builds on.
const allow = (scope, ...deps) => ({ sourceTag: `scope:${scope}`, onlyDependOnLibsWithTags: [`scope:${scope}`, ...deps.map((d) => `scope:${d}`)] });

export default [
  { ignores: ['**/node_modules/**', '**/dist/**', '**/build/**', '**/*.cjs', '**/bin/*.js'] },
  {
    files: ['**/*.ts'],
    languageOptions: { parser: tseslint.parser, ecmaVersion: 2023, sourceType: 'module' },
    plugins: { '@nx': nx },
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints: [
            { sourceTag: 'type:lib', notDependOnLibsWithTags: ['type:app', 'type:e2e'] },
            allow('tensor'),
            allow('nn', 'tensor'),
            allow('text'),
            allow('embeddings'),
            allow('ner', 'nn', 'tensor', 'text', 'embeddings'),
            allow('ner-plugin', 'ner'),
            allow('ner-app', 'ner', 'nn', 'tensor', 'text', 'embeddings'),
            allow('curve-fit', 'nn', 'tensor'),
            allow('bench', 'tensor', 'ner', 'ner-app', 'nn', 'text', 'embeddings'),
            allow('e2e', 'ner-app', 'ner', 'nn', 'tensor', 'text', 'embeddings', 'curve-fit'),
          ],
        },
      ],
    },
  },
  // Test-runner configs are tooling, not code of the project they sit in: they share the workspace's one
  // vitest config (vitest.project.ts) by path.
  { files: ['**/vitest.config.ts'], rules: { '@nx/enforce-module-boundaries': 'off' } },
];
