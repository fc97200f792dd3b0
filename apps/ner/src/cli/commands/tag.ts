/** `window-ner tag`: tag raw text (a file or stdin) and print entities as JSON lines or CoNLL. */
import { existsSync, readFileSync } from 'node:fs';
import { loadTagger, sentenceContexts } from '@window-ner/ner';
import { initBackend } from '@window-ner/tensor';
import { tokenizerPlugins } from '@window-ner/ner';
import { splitSentences } from '@window-ner/text';
import { parseFlags } from '../args.js';
import { CliError, type Command } from '../command.js';
import { allowPluginsFlag, pluginsUsage, refusePluginsAsCliError } from '../plugins-flag.js';
import { readingInput } from '../input-errors.js';
import { resolveEmbeddings } from './train.js';

const usage = `Usage: window-ner tag --model MODEL.sqlite [FILE] [--format jsonl|conll] [--embeddings PATH|none] [--plugins LIST]

Tag text from FILE (or stdin). Each non-empty line is one document.
  --format jsonl   one JSON object per line: {"text", "entities": [{text, label, start, end, score}]} (default)
  --format conll   token and predicted tag per line, blank line between sentences
${pluginsUsage(19)}`;

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

export const command: Command = {
  name: 'tag',
  summary: 'tag text from a file or stdin (JSON lines or CoNLL)',
  usage,
  async run(argv) {
    const { values, positionals } = parseFlags(argv, {
      model: { type: 'string' },
      format: { type: 'string', default: 'jsonl' },
      embeddings: { type: 'string' },
      plugins: { type: 'string' },
    }, usage);
    if (!values.model) throw new CliError(`--model is required\n\n${usage}`);
    if (!existsSync(values.model)) throw new CliError(`--model: no such file: ${values.model}`);
    if (values.format !== 'jsonl' && values.format !== 'conll') throw new CliError(`--format must be jsonl or conll, got "${values.format}"`);
    if (positionals.length > 1) throw new CliError(`expected at most one input file, got ${positionals.length}`);
    const file = positionals[0];
    if (file && !existsSync(file)) throw new CliError(`no such file: ${file}`);
    await allowPluginsFlag(values.plugins);
    const input = file ? await readingInput(file, () => readFileSync(file, 'utf8')) : await readStdin();
    await initBackend({ log: null });
    const embeddingsPath = await resolveEmbeddings(values.embeddings, true);
    const modelPath = values.model;
    const tagger = await readingInput(modelPath, () => loadTagger(modelPath, { embeddingsPath }).catch(refusePluginsAsCliError));
    try {
      const docs = input.split(/\r?\n/).filter((l) => l.trim() !== '');
      const out: string[] = [];
      if (values.format === 'jsonl') {
        const entities = tagger.tag(docs);
        docs.forEach((text, i) => out.push(JSON.stringify({ text, entities: entities[i] })));
      } else {
        const tok = tokenizerPlugins.get(tagger.model.config.model.tokenizer);
        for (const text of docs) {
          const toks = tok.tokenize(text);
          const sentences = splitSentences(text, toks).map((r) => toks.slice(r.start, r.end).map((t) => t.text));
          const tags = tagger.tagTokens(sentences, sentenceContexts(sentences.map((tokens) => ({ tokens, doc: 0 })))); // a line is a document
          sentences.forEach((s, si) => {
            s.forEach((w, wi) => out.push(`${w} ${tags[si][wi]}`));
            out.push('');
          });
        }
      }
      process.stdout.write(out.join('\n') + (out.length ? '\n' : ''));
      return 0;
    } finally {
      tagger.dispose();
    }
  },
};
