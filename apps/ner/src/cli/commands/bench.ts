/**
 * `npm run bench`: train + evaluate both heads on CoNLL-2003 (train -> early stopping on testa), measure training
 * windows/s and in-process tagging tokens/s (one thread, pre-tokenised dev text, plain and fast paths), add the
 * GEMM rows of bench/gemm.ts when present, print a table and write bench/results.json.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { fitModel, openVectorStore, readConll, resolveConfig, WindowTagger, type FitResult } from '@window-ner/ner';
import { backendInfo, initBackend } from '@window-ner/tensor';
import { parseFlags } from '../args.js';
import { CliError, type Command } from '../command.js';
import { REPO_ROOT, resolveEmbeddings } from './train.js';
import { preferOneBlasThreadForTraining, userBlasEnv } from '../blas-threads.js';

const usage = `Usage: window-ner bench [--data DIR] [--heads softmax,max-margin] [--out FILE] [--config JSON] [--embeddings PATH]

  --data DIR   folder with eng.train and eng.testa (default $WINDOW_NER_CONLL_DIR or ../shared/data/conll2003)
  --heads      heads to train, any of softmax, max-margin, crf (default softmax,max-margin)
  --out FILE   results JSON (default bench/results.json)`;

function tokensPerSecond(tagger: WindowTagger, sentences: string[][], minSeconds = 2): number {
  tagger.tagTokens(sentences); // warm-up: fills caches, JIT
  let tokens = 0;
  const t0 = performance.now();
  do {
    for (let i = 0; i < sentences.length; i += 2000) tagger.tagTokens(sentences.slice(i, i + 2000));
    tokens += sentences.reduce((a, s) => a + s.length, 0);
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
  summary: 'train/evaluate both heads on CoNLL-2003 and measure speed (writes bench/results.json)',
  usage,
  async run(argv) {
    preferOneBlasThreadForTraining();
    const { values } = parseFlags(argv, {
      data: { type: 'string' },
      heads: { type: 'string', default: 'softmax,max-margin' },
      out: { type: 'string', default: join(REPO_ROOT, 'bench/results.json') },
      config: { type: 'string' },
      embeddings: { type: 'string' },
    }, usage);
    const dir = resolve(values.data ?? process.env.WINDOW_NER_CONLL_DIR ?? join(REPO_ROOT, '../shared/data/conll2003'));
    const trainPath = join(dir, 'eng.train');
    const devPath = join(dir, 'eng.testa');
    if (!existsSync(trainPath) || !existsSync(devPath)) throw new CliError(`bench: ${dir} must hold eng.train and eng.testa (set --data or WINDOW_NER_CONLL_DIR)`);
    const info = await initBackend();
    const embeddingsPath = await resolveEmbeddings(values.embeddings, false);
    const vectors = embeddingsPath ? openVectorStore(embeddingsPath) : null;
    const train = readConll(trainPath);
    const dev = readConll(devPath);
    const extra = values.config ? JSON.parse(values.config) : {};
    const rows: Record<string, unknown>[] = [];
    for (const head of values.heads!.split(',').map((h) => h.trim()).filter(Boolean)) {
      const config = resolveConfig({ ...extra, head });
      console.error(`bench: training ${head} head...`);
      const t0 = performance.now();
      const fit: FitResult = await fitModel({ config, train, dev, vectors: vectors?.source ?? null, onProgress: (p) => {
        if (p.phase === 'eval' && p.devF1 !== undefined) console.error(`  ${head} epoch ${p.epoch}: dev F1 ${p.devF1.toFixed(2)}, ${Math.round(p.windowsPerSecond ?? 0)} windows/s`);
      } });
      const wall = (performance.now() - t0) / 1000;
      const sentences = dev.map((s) => s.tokens);
      const modelInfo = { version: 'bench', path: '', head, labels: [...fit.model.labels.labels], types: fit.model.labels.types(), config: {}, metrics: {}, provenance: {} };
      const fast = new WindowTagger(fit.model, modelInfo, null, { fastPath: true });
      const plain = new WindowTagger(fit.model, modelInfo, null, { fastPath: false });
      const fastTps = tokensPerSecond(fast, sentences);
      const plainTps = tokensPerSecond(plain, sentences);
      rows.push({
        head,
        devF1: fit.dev?.overall.f1,
        devF1Uncalibrated: fit.devF1Uncalibrated,
        byType: Object.fromEntries(Object.entries(fit.dev?.byType ?? {}).map(([t, s]) => [t, s.f1])),
        epochs: fit.history.length,
        bestEpoch: fit.bestEpoch,
        trainWindowsPerSecond: fit.windowsPerSecond,
        wallSeconds: wall,
        tagTokensPerSecondFast: fastTps,
        tagTokensPerSecondPlain: plainTps,
      });
      fit.model.dispose();
    }
    vectors?.close();
    const gemm = gemmRows();
    const results = { date: new Date().toISOString(), backend: { name: info.name, detail: info.detail ?? backendInfo()?.detail }, data: dir, heads: rows, gemm };
    mkdirSync(resolve(values.out!, '..'), { recursive: true });
    writeFileSync(values.out!, JSON.stringify(results, null, 2) + '\n');
    const f = (n: unknown, d = 2) => (typeof n === 'number' ? n.toFixed(d) : 'n/a');
    console.log(`backend: ${info.name}${info.detail ? ` (${info.detail})` : ''}`);
    console.log('head        devF1  epochs  train win/s  wall s  tag tok/s fast  tag tok/s plain  per type');
    for (const r of rows) {
      const types = Object.entries(r.byType as Record<string, number>).map(([t, v]) => `${t} ${v.toFixed(2)}`).join(', ');
      console.log(`${String(r.head).padEnd(10)} ${f(r.devF1).padStart(6)} ${String(r.epochs).padStart(7)} ${f(r.trainWindowsPerSecond, 0).padStart(12)} ${f(r.wallSeconds, 1).padStart(7)} ${f(r.tagTokensPerSecondFast, 0).padStart(15)} ${f(r.tagTokensPerSecondPlain, 0).padStart(16)}  ${types}`);
    }
    if (Array.isArray(gemm)) {
      for (const g of gemm as Record<string, unknown>[]) console.log(`gemm ${String(g.backend ?? '').padEnd(9)} ${String(g.variant ?? '').padEnd(12)} ${typeof g.gflops === 'number' ? g.gflops.toFixed(1) : g.gflops} GFLOP/s`);
    } else if (gemm) console.log(`gemm: ${JSON.stringify(gemm)}`);
    console.log(`wrote ${values.out}`);
    return 0;
  },
};
