/**
 * CoNLL reader: one token per line, token in the first column and the NER tag in the last; 2 columns
 * (token tag: BTC, WNUT-17) or 4 (token POS chunk tag: CoNLL-2003). Blank lines and -DOCSTART- lines separate
 * sentences. A line containing a tab is split on tabs only (tweets have tokens with spaces, e.g. "ke s\tO");
 * otherwise on runs of spaces. Every data line must have the column count of the first one.
 * Tags are validated, the scheme of the whole file is detected (or given) and tags are converted to BIO.
 */
import { readFileSync } from 'node:fs';
import { detectScheme, toBio, type TagScheme } from '../labels/scheme';
import { tryParseTag } from '../labels/tag';
import { CorpusFormatError } from './corpus-error';
import type { Sentence } from './types';

export interface ConllReadOptions {
  /** Scheme of the file's tags; 'auto' (default) detects it from the whole file. */
  scheme?: TagScheme | 'auto';
  /** Keep the file's tags as they are instead of converting to BIO (default false). */
  keepScheme?: boolean;
  /**
   * A line whose token is empty or whitespace (BTC has a few, tagged O): 'skip' (default) drops such O-tagged
   * tokens and records the line in skippedLines; 'error' rejects them. An empty token tagged as an entity is
   * always an error, since dropping it would change the entity.
   */
  emptyToken?: 'skip' | 'error';
}

export interface ConllCorpus {
  file: string;
  sentences: Sentence[];
  /** The input file's scheme (detected or as given). */
  scheme: TagScheme;
  /** 2 or 4 (0 for a file without tokens). */
  columns: number;
  /** 1-based line numbers of dropped empty-token lines. */
  skippedLines: number[];
}

const DOCSTART = '-DOCSTART-';

function splitColumns(line: string): string[] {
  const trimmed = line.trimEnd();
  if (trimmed.includes('\t')) return trimmed.split('\t').map((c) => c.trim());
  return trimmed.trim().split(/\s+/);
}

export function parseConllCorpus(content: string, file: string, options: ConllReadOptions = {}): ConllCorpus {
  const emptyToken = options.emptyToken ?? 'skip';
  const lines = content.replace(/^\uFEFF/, '').split(/\r?\n/);
  const sentences: Sentence[] = [];
  const skippedLines: number[] = [];
  let columns = 0;
  let columnsLine = 0;
  let current: Sentence | null = null;
  const flush = () => {
    if (current && current.tokens.length > 0) sentences.push(current);
    current = null;
  };

  for (let i = 0; i < lines.length; i++) {
    const lineNo = i + 1;
    const line = lines[i]!;
    if (line.trim() === '') {
      flush();
      continue;
    }
    const cols = splitColumns(line);
    if (cols[0] === DOCSTART) {
      flush();
      continue;
    }
    if (cols.length !== 2 && cols.length !== 4) {
      throw new CorpusFormatError(file, lineNo, `expected 2 or 4 columns, got ${cols.length}`);
    }
    if (columns === 0) {
      columns = cols.length;
      columnsLine = lineNo;
    } else if (cols.length !== columns) {
      throw new CorpusFormatError(file, lineNo,
        `expected ${columns} columns (as on line ${columnsLine}), got ${cols.length}`);
    }
    const token = cols[0]!;
    const tag = cols[cols.length - 1]!;
    if (!tryParseTag(tag)) {
      throw new CorpusFormatError(file, lineNo,
        `column ${cols.length}: invalid tag "${tag}" (expected O or B-/I-/E-/S-TYPE)`);
    }
    if (token === '') {
      if (emptyToken === 'error' || tag !== 'O') {
        throw new CorpusFormatError(file, lineNo, `column 1: empty token (tag ${tag})`);
      }
      skippedLines.push(lineNo);
      continue;
    }
    current ??= { tokens: [], tags: [], source: { file, line: lineNo } };
    current.tokens.push(token);
    current.tags.push(tag);
  }
  flush();

  const scheme = !options.scheme || options.scheme === 'auto' ? detectScheme(sentences.map((s) => s.tags)) : options.scheme;
  if (!options.keepScheme) for (const s of sentences) s.tags = toBio(s.tags);
  return { file, sentences, scheme, columns, skippedLines };
}

export function parseConll(content: string, file: string, options?: ConllReadOptions): Sentence[] {
  return parseConllCorpus(content, file, options).sentences;
}

export function readConllCorpus(path: string, options?: ConllReadOptions): ConllCorpus {
  return parseConllCorpus(readFileSync(path, 'utf8'), path, options);
}

export function readConll(path: string, options?: ConllReadOptions): Sentence[] {
  return readConllCorpus(path, options).sentences;
}
