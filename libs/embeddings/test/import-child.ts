/** Child process of the interrupt test: imports argv[2] into argv[3], printing progress lines to stdout. */
import { importEmbeddings } from '../src/index.js';

await importEmbeddings({
  source: process.argv[2],
  out: process.argv[3],
  batchSize: 5_000,
  onProgress: (p) => process.stdout.write(`progress ${p.vectors}\n`),
});
process.stdout.write('done\n');
