// Dev-only BullMQ sandboxed processor for workers started from the TypeScript sources (tests); see thread-entry.ts.
import '../dev-thread.mjs';

const { default: processChunk } = await import('./chunk-processor.ts');
export default processChunk;
