/** `window-ner eval`: conlleval-style precision/recall/F1 of a model on a labelled corpus. */
import { existsSync } from 'node:fs';
import { conlleval, formatConfusion, formatReport, loadTagger, readCorpus, reportToJson, sentenceContexts } from '@window-ner/ner';
import { initBackend } from '@window-ner/tensor';
import { parseFlags } from '../args.js';
import { CliError, type Command } from '../command.js';
import { allowPluginsFlag, pluginsUsage, refusePluginsAsCliError } from '../plugins-flag.js';
import { readingInput } from '../input-errors.js';
import { resolveEmbeddings } from './train.js';

const usage = `Usage: window-ner eval --model MODEL.sqlite --data FILE [--confusion] [--json] [--embeddings PATH|none] [--plugins LIST]

Evaluate a model on a labelled corpus (CoNLL or .jsonl) with conlleval's counting rules.
  --confusion   also print the token-level confusion table by type
  --json        print the report as JSON
${pluginsUsage(16)}`;

export const command: Command = {
  name: 'eval',
  summary: 'evaluate a model on a labelled corpus (conlleval report)',
  usage,
  async run(argv) {
    const { values } = parseFlags(argv, {
      model: { type: 'string' },
      data: { type: 'string' },
      confusion: { type: 'boolean' },
      json: { type: 'boolean' },
      embeddings: { type: 'string' },
      plugins: { type: 'string' },
    }, usage);
    if (!values.model) throw new CliError(`--model is required\n\n${usage}`);
    if (!values.data) throw new CliError(`--data is required\n\n${usage}`);
    if (!existsSync(values.model)) throw new CliError(`--model: no such file: ${values.model}`);
    if (!existsSync(values.data)) throw new CliError(`--data: no such file: ${values.data}`);
    await allowPluginsFlag(values.plugins);
    await initBackend({ log: null });
    const embeddingsPath = await resolveEmbeddings(values.embeddings, true);
    const modelPath = values.model;
    const tagger = await readingInput(modelPath, () => loadTagger(modelPath, { embeddingsPath }).catch(refusePluginsAsCliError));
    try {
      const dataPath = values.data;
      const gold = await readingInput(dataPath, () => readCorpus(dataPath, tagger.model.config));
      const pred = tagger.tagTokens(gold.map((s) => s.tokens), sentenceContexts(gold));
      const report = conlleval(gold.map((s) => s.tags), pred, { confusion: Boolean(values.confusion) });
      if (values.json) console.log(JSON.stringify(reportToJson(report), null, 2));
      else {
        console.log(formatReport(report));
        if (values.confusion && report.confusion) console.log(`\n${formatConfusion(report.confusion)}`);
      }
      return 0;
    } finally {
      tagger.dispose();
    }
  },
};
