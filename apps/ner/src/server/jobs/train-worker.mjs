// Worker-thread entry for a training job. Plain JS so Node can start it as is; it registers tsx in this
// thread (hooks are per thread) and then runs the TypeScript job, so no build step is needed.
import { register } from 'tsx/esm/api';

process.env.DOTENV_CONFIG_QUIET ??= 'true';
register();
await import('./train-worker-main.ts');
