// Dev only: imported first by the *.dev.mjs thread bootstraps, which tests start (see thread-entry.ts). Loader
// hooks are per thread, so the thread registers tsx itself, and resolves the workspace packages to their
// TypeScript sources (the @window-ner/source export condition) like the test that started it. Not in dist/.
import { register } from 'node:module';
import { register as registerTsx } from 'tsx/esm/api';

process.env.DOTENV_CONFIG_QUIET ??= 'true';
registerTsx();
register(
  'data:text/javascript,' +
    encodeURIComponent(
      'export function resolve(specifier, context, next) {' +
        ' return next(specifier, { ...context, conditions: ["@window-ner/source", ...context.conditions] }); }',
    ),
);
