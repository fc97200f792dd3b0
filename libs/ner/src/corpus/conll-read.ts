/**
 * CoNLL reader: one token per line, token in the first column and the NER tag in the last; 2 columns
 * (token tag: BTC, WNUT-17) or 4 (token POS chunk tag: CoNLL-2003). Blank lines and -DOCSTART- lines separate
 * sentences. A line containing a tab is split on tabs only (tweets have tokens with spaces, e.g. "ke s\tO");
 * otherwise on runs of spaces. Every data line must have the column count of the first one.
 * Tags are validated, the scheme of the whole file is detected (or given) and tags are converted to BIO.
 */
import { readFileSync } from 'node:fs';
import { detectScheme, toBio, type TagScheme } from '../labels/scheme.js';
import { tryParseTag } from '../labels/tag.js';
import { CorpusFormatError } from './corpus-error.js';
import type { Sentence } from './types.js';

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

/**
 * Line-at-a-time CoNLL parser, so a file can be parsed as it streams in (readCorpusStream) or from a string
 * (parseConllCorpus) with the same rules. Feed lines with their 1-based numbers, then call end().
 */
export class ConllLineParser {
  private readonly sentences: Sentence[] = [];
  private readonly skippedLines: number[] = [];
  private readonly emptyToken: 'skip' | 'error';
  private columns = 0;
  private columnsLine = 0;
  private current: Sentence | null = null;
  /** Index of the current -DOCSTART- document, -1 before the first. */
  private doc = -1;

  constructor(private readonly file: string, private readonly options: ConllReadOptions = {}) {
    this.emptyToken = options.emptyToken ?? 'skip';
  }

  private flush(): void {
    if (this.current && this.current.tokens.length > 0) this.sentences.push(this.current);
    this.current = null;
  }

  line(line: string, lineNo: number): void {
    const { file } = this;
    if (lineNo === 1) line = line.replace(/^\uFEFF/, '');
    if (line.trim() === '') return this.flush();
    const cols = splitColumns(line);
    if (cols[0] === DOCSTART) {
      this.doc++;
      return this.flush();
    }
    if (cols.length !== 2 && cols.length !== 4) {
      throw new CorpusFormatError(file, lineNo, `expected 2 or 4 columns, got ${cols.length}`);
    }
    if (this.columns === 0) {
      this.columns = cols.length;
      this.columnsLine = lineNo;
    } else if (cols.length !== this.columns) {
      throw new CorpusFormatError(file, lineNo,
        `expected ${this.columns} columns (as on line ${this.columnsLine}), got ${cols.length}`);
    }
    const token = cols[0]!;
    const tag = cols[cols.length - 1]!;
    if (!tryParseTag(tag)) {
      throw new CorpusFormatError(file, lineNo,
        `column ${cols.length}: invalid tag "${tag}" (expected O or B-/I-/E-/S-TYPE)`);
    }
    if (token === '') {
      if (this.emptyToken === 'error' || tag !== 'O') {
        throw new CorpusFormatError(file, lineNo, `column 1: empty token (tag ${tag})`);
      }
      this.skippedLines.push(lineNo);
      return;
    }
    this.current ??= { tokens: [], tags: [], source: { file, line: lineNo }, ...(this.doc >= 0 ? { doc: this.doc } : {}) };
    this.current.tokens.push(token);
    this.current.tags.push(tag);
  }

  end(): ConllCorpus {
    this.flush();
    const { sentences, options } = this;
    const scheme = !options.scheme || options.scheme === 'auto' ? detectScheme(sentences.map((s) => s.tags)) : options.scheme;
    if (!options.keepScheme) for (const s of sentences) s.tags = toBio(s.tags);
    return { file: this.file, sentences, scheme, columns: this.columns, skippedLines: this.skippedLines };
  }
}

export function parseConllCorpus(content: string, file: string, options: ConllReadOptions = {}): ConllCorpus {
  const parser = new ConllLineParser(file, options);
  content.split(/\r?\n/).forEach((line, i) => parser.line(line, i + 1));
  return parser.end();
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
