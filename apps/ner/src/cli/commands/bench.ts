/**
 * `npm run bench`: the accuracy ablation of issue 14 on CoNLL-2003 (train -> early stopping on testa) — the base
 * model (word embedding + casing, softmax head), each addition on its own (chars, gazetteer, document features;
 * crf head), everything on, and everything on with the max-margin head — with, per row, dev F1 overall and per
 * type, training windows/s and in-process fast tagging tokens/s (one thread, pre-tokenised dev text with its
 * documents, and the plain path for reference). Adds the GEMM rows of bench/gemm.ts when present, prints a table
 * and writes bench/results.json.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { fitModel, openVectorStore, readConll, resolveConfig, sentenceContexts, WindowTagger, type FitResult, type Sentence } from '@window-ner/ner';
import { backendInfo, initBackend } from '@window-ner/tensor';
import { parseFlags } from '../args.js';
import { CliError, type Command } from '../command.js';
import { REPO_ROOT, resolveEmbeddings } from './train.js';
import { preferOneBlasThreadForTraining, userBlasEnv } from '../blas-threads.js';

/** The model before issue 14's additions: word embedding + casing, softmax head. */
const BASE = { features: [{ type: 'embedding', dim: 100, fineTune: true }, { type: 'casing' }], head: 'softmax' };
const ADDITIONS = ['chars', 'gazetteer', 'document'];

/** The ablation's rows: name -> config over the defaults. */
export function ablationRows(): Record<string, Record<string, unknown>> {
  const all = { features: [...BASE.features, ...ADDITIONS.map((type) => ({ type }))] };
  return {
    base: BASE,
    ...Object.fromEntries(ADDITIONS.map((type) => [`+${type}`, { ...BASE, features: [...BASE.features, { type }] }])),
    '+crf': { ...BASE, head: 'crf' },
    'all/crf': { ...all, head: 'crf' },
    'all/softmax': { ...all, head: 'softmax' },
    'all/max-margin': { ...all, head: 'max-margin' },
  };
}

const usage = `Usage: window-ner bench [--data DIR] [--rows NAMES] [--out FILE] [--config JSON] [--embeddings PATH]

  --data DIR    folder with eng.train and eng.testa (default $WINDOW_NER_CONLL_DIR or ../shared/data/conll2003)
  --rows NAMES  comma-separated rows of the ablation (default: all of them):
                ${Object.keys(ablationRows()).join(' | ')}
  --config JSON merged over every row's config (e.g. '{"epochs": 2}' for a quick run)
  --out FILE    results JSON (default bench/results.json)`;

/**
 * Fast tagging tokens/s on dev text in chunks of 2,000 sentences, each with its documents' contexts built afresh
 * on every pass (as for new texts), so document features pay for their statistics each time.
 */
function tokensPerSecond(tagger: WindowTagger, dev: readonly Sentence[], minSeconds = 2): number {
  const chunks: Sentence[][] = [];
  for (let i = 0; i < dev.length; i += 2000) chunks.push(dev.slice(i, i + 2000));
  const pass = () => {
    for (const chunk of chunks) tagger.tagTokens(chunk.map((s) => s.tokens), sentenceContexts(chunk));
  };
  pass(); // warm-up: fills caches, JIT
  let tokens = 0;
  const t0 = performance.now();
  do {
    pass();
    tokens += dev.reduce((a, s) => a + s.tokens.length, 0);
  } while (performance.now() - t0 < minSeconds * 1000);
  return tokens / ((performance.now() - t0) / 1000);
}

/**
 * GEMM rows from bench/gemm.ts's runGemmBench(), in a child process run through tsx (a dev dependency: bench/ is
 * TypeScript that is not built into dist). A fresh process also measures GEMM without the trained models' memory
 * around.
 */
function gemmRows(): unknown {
  const gemmFile = join(REPO_ROOT, 'bench/gemm.ts');
  if (!existsSync(gemmFile)) return null;
  const script = `import(${JSON.stringify(pathToFileURL(gemmFile).href)}).then((m) => (m.runGemmBench ?? m.default.runGemmBench)()).then((r) => process.stdout.write('\\nGEMM_JSON ' + JSON.stringify(r) + '\\n'))`;
  const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: REPO_ROOT, encoding: 'utf8', env: { ...userBlasEnv(process.env), DOTENV_CONFIG_QUIET: 'true' } });
  const line = r.stdout?.split('\n').find((l) => l.startsWith('GEMM_JSON '));
  if (!line) return { error: `bench/gemm.ts failed (exit ${r.status}): ${(r.stderr ?? '').trim().split('\n').slice(-3).join(' ')}` };
  return JSON.parse(line.slice('GEMM_JSON '.length));
}

export const command: Command = {
  name: 'bench',
  summary: 'the accuracy ablation on CoNLL-2003: dev F1, training and tagging speed per row (writes bench/results.json)',
  usage,
  async run(argv) {
    preferOneBlasThreadForTraining();
    const { values } = parseFlags(argv, {
      data: { type: 'string' },
      rows: { type: 'string' },
      out: { type: 'string', default: join(REPO_ROOT, 'bench/results.json') },
      config: { type: 'string' },
      embeddings: { type: 'string' },
    }, usage);
    const dir = resolve(values.data ?? process.env.WINDOW_NER_CONLL_DIR ?? join(REPO_ROOT, '../shared/data/conll2003'));
    const trainPath = join(dir, 'eng.train');
    const devPath = join(dir, 'eng.testa');
    if (!existsSync(trainPath) || !existsSync(devPath)) throw new CliError(`bench: ${dir} must hold eng.train and eng.testa (set --data or WINDOW_NER_CONLL_DIR)`);
    const ablation = ablationRows();
    const names = values.rows ? values.rows.split(',').map((r) => r.trim()).filter(Boolean) : Object.keys(ablation);
    const unknown = names.find((n) => !(n in ablation));
    if (unknown !== undefined) throw new CliError(`bench: --rows: no row "${unknown}" (rows: ${Object.keys(ablation).join(', ')})`);
    let extra: Record<string, unknown> = {};
    if (values.config) {
      try {
        extra = JSON.parse(values.config);
      } catch (e) {
        throw new CliError(`bench: --config is not valid JSON: ${(e as Error).message}`);
      }
    }
    const info = await initBackend();
    const embeddingsPath = await resolveEmbeddings(values.embeddings, false);
    const vectors = embeddingsPath ? openVectorStore(embeddingsPath) : null;
    const train = readConll(trainPath);
    const dev = readConll(devPath);
    const rows: Record<string, unknown>[] = [];
    for (const name of names) {
      const config = resolveConfig({ ...ablation[name], ...extra });
      console.error(`bench: training "${name}"...`);
      const t0 = performance.now();
      const fit: FitResult = await fitModel({ config, train, dev, vectors: vectors?.source ?? null, onProgress: (p) => {
        if (p.phase === 'eval' && p.devF1 !== undefined) console.error(`  ${name} epoch ${p.epoch}: dev F1 ${p.devF1.toFixed(2)}, ${Math.round(p.windowsPerSecond ?? 0)} windows/s`);
      } });
      const wall = (performance.now() - t0) / 1000;
      const head = config.model.head.type;
      const modelInfo = { version: 'bench', path: '', head, labels: [...fit.model.labels.labels], types: fit.model.labels.types(), config: {}, metrics: {}, provenance: {} };
      const fast = new WindowTagger(fit.model, modelInfo, null, { fastPath: true });
      const plain = new WindowTagger(fit.model, modelInfo, null, { fastPath: false });
      rows.push({
        row: name,
        config: { features: config.model.features, head: config.model.head },
        devF1: fit.dev?.overall.f1,
        devF1Uncalibrated: fit.devF1Uncalibrated,
        byType: Object.fromEntries(Object.entries(fit.dev?.byType ?? {}).map(([t, s]) => [t, s.f1])),
        epochs: fit.history.length,
        bestEpoch: fit.bestEpoch,
        trainWindowsPerSecond: fit.windowsPerSecond,
        wallSeconds: wall,
        tagTokensPerSecondFast: tokensPerSecond(fast, dev),
        tagTokensPerSecondPlain: tokensPerSecond(plain, dev),
      });
      fit.model.dispose();
    }
    vectors?.close();
    const gemm = gemmRows();
    const results = { date: new Date().toISOString(), backend: { name: info.name, detail: info.detail ?? backendInfo()?.detail }, data: dir, rows, gemm };
    mkdirSync(resolve(values.out!, '..'), { recursive: true });
    writeFileSync(values.out!, JSON.stringify(results, null, 2) + '\n');
    const f = (n: unknown, d = 2) => (typeof n === 'number' ? n.toFixed(d) : 'n/a');
    console.log(`backend: ${info.name}${info.detail ? ` (${info.detail})` : ''}`);
    console.log('row               devF1  epochs  train win/s  wall s  tag tok/s fast  tag tok/s plain  per type');
    for (const r of rows) {
      const types = Object.entries(r.byType as Record<string, number>).map(([t, v]) => `${t} ${v.toFixed(2)}`).join(', ');
      console.log(`${String(r.row).padEnd(16)} ${f(r.devF1).padStart(6)} ${String(r.epochs).padStart(7)} ${f(r.trainWindowsPerSecond, 0).padStart(12)} ${f(r.wallSeconds, 1).padStart(7)} ${f(r.tagTokensPerSecondFast, 0).padStart(15)} ${f(r.tagTokensPerSecondPlain, 0).padStart(16)}  ${types}`);
    }
    if (Array.isArray(gemm)) {
      for (const g of gemm as Record<string, unknown>[]) console.log(`gemm ${String(g.backend ?? '').padEnd(9)} ${String(g.variant ?? '').padEnd(12)} ${typeof g.gflops === 'number' ? g.gflops.toFixed(1) : g.gflops} GFLOP/s`);
    } else if (gemm) console.log(`gemm: ${JSON.stringify(gemm)}`);
    console.log(`wrote ${values.out}`);
    return 0;
  },
};
