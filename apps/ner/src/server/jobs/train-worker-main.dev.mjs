// Dev-only thread bootstrap for a training job started from the TypeScript sources (tests); see thread-entry.ts.
import '../../dev-thread.mjs';

await import('./train-worker-main.ts');
