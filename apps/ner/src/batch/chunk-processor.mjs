// BullMQ starts this file in each of a worker's threads. Plain JS so Node can start it as is; it registers tsx in
// this thread (loader hooks are per thread) and then hands BullMQ the TypeScript processor.
import { register } from 'tsx/esm/api';

process.env.DOTENV_CONFIG_QUIET ??= 'true';
register();
const { default: processChunk } = await import('./chunk-processor.ts');
export default processChunk;
