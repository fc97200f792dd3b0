/**
 * The entity lists of the `gazetteer` feature (gazetteer.ts): a trie of surface forms over tokens, each node that
 * ends an entry saying for which types it is one and, per type, in how many training documents it occurs as a gold
 * span of that type (and which, when that is one), so a training sentence can be matched against lists without
 * its own document. Matching is per type, greedy left to right, longest entry first; a token's key is its state
 * per type (0 outside, 1 first token, 2 later token of a match) as the base-3 number Σ state_t · 3^t, so key 0 is
 * "no match of any type".
 */
import { readFileSync, statSync } from 'node:fs';
import { CorpusFormatError } from '../corpus/corpus-error.js';
import { CorpusFileError } from '../corpus/read-stream.js';
import { WordIds } from './word-ids.js';

/** `docs` value of an entry that matches everywhere (a user file's, or any entry of a restored model). */
const ALWAYS = -1;

class TrieNode {
  /** Children by next token (null at a leaf: most nodes are leaves). */
  next: Map<string, TrieNode> | null = null;
  /** Per type: 0 not an entry of that type, ALWAYS, or the number of training documents it occurs in as one. */
  docs: number[] | null = null;
  /** Per type: the last training document it was added from (the only one while docs is 1); null for file entries. */
  lastDoc: number[] | null = null;
  /** Gold spans with exactly these tokens (any type), and times the tokens occur in the training text. */
  gold = 0;
  seen = 0;
}

export class EntityLists {
  private readonly root = new TrieNode();
  private readonly powers: number[];
  /** Scratch of encode, per type: the longest match at the current token, and the token after its last match. */
  private readonly longest: Int32Array;
  private readonly free: Int32Array;
  /**
   * The trie node each word id (of the model's interner, features/word-ids.ts) starts at, null for none:
   * most tokens start no entry, and lowercasing each one (a new string to hash) was most of encode's cost.
   * Emptied when an entry is added and when the interner starts its ids over.
   */
  private starts: (TrieNode | null | undefined)[] = [];
  private startsGeneration: number;

  constructor(
    readonly types: readonly string[],
    readonly caseSensitive: boolean,
    readonly maxTokens: number,
    private readonly words: WordIds = new WordIds(),
  ) {
    this.startsGeneration = words.generation;
    this.powers = types.map((_, t) => 3 ** t);
    this.longest = new Int32Array(types.length);
    this.free = new Int32Array(types.length);
  }

  /** Number of distinct keys (3^types): the rows of the feature's table. */
  get keys(): number {
    return 3 ** this.types.length;
  }

  private norm(tokens: readonly string[]): readonly string[] {
    return this.caseSensitive ? tokens : tokens.map((w) => w.toLowerCase());
  }

  private normWord(w: string): string {
    return this.caseSensitive ? w : w.toLowerCase();
  }


  /** The trie node word `id` (string `token`) starts at, remembered. */
  private learnStart(id: number, token: string): TrieNode | null {
    if (id >= this.starts.length) {
      // Grown densely (filled with undefined): writing far past the end would turn the array into a slow dictionary.
      const more = Math.max(id + 1, 2 * this.starts.length, 1024) - this.starts.length;
      this.starts = this.starts.concat(new Array<undefined>(more).fill(undefined));
    }
    return (this.starts[id] = this.root.next?.get(this.normWord(token)) ?? null);
  }

  private node(tokens: readonly string[]): TrieNode {
    this.starts = [];
    let node = this.root;
    for (const w of this.norm(tokens)) {
      node.next ??= new Map();
      let next = node.next.get(w);
      if (!next) node.next.set(w, (next = new TrieNode()));
      node = next;
    }
    // Plain arrays: a typed array costs ~100 bytes more a node, and user files may hold many entries.
    node.docs ??= new Array<number>(this.types.length).fill(0);
    return node;
  }

  /** An entry of type `type` (index into types); `doc` is its training document, or null for one that always matches. */
  add(tokens: readonly string[], type: number, doc: number | null): void {
    if (tokens.length === 0 || tokens.length > this.maxTokens) return;
    const node = this.node(tokens);
    const docs = node.docs!;
    if (doc === null) {
      docs[type] = ALWAYS;
      return;
    }
    node.gold++;
    if (docs[type] === ALWAYS) return;
    node.lastDoc ??= new Array<number>(this.types.length).fill(-1);
    // Sentences come in corpus order, a document's together: a new document is one unlike the last seen.
    if (docs[type] === 0 || node.lastDoc![type] !== doc) docs[type]++;
    node.lastDoc![type] = doc;
  }

  /**
   * Drops the corpus entries whose tokens are a gold span in under `minRatio` of their occurrences in the training
   * text (a sentence-initial "The", a month that is also a name): `sentences` are that text.
   */
  filter(sentences: readonly (readonly string[])[], minRatio: number): void {
    if (minRatio <= 0) return;
    for (const s of sentences) {
      const tokens = this.norm(s);
      for (let i = 0; i < tokens.length; i++) {
        let node: TrieNode | undefined = this.root;
        for (let j = i; j < tokens.length && j - i < this.maxTokens; j++) {
          node = node.next?.get(tokens[j]);
          if (!node) break;
          if (node.docs) node.seen++;
        }
      }
    }
    const visit = (node: TrieNode) => {
      if (node.docs && node.gold < minRatio * node.seen) node.docs = node.docs.map((d) => (d === ALWAYS ? d : 0));
      for (const child of node.next?.values() ?? []) visit(child);
    };
    visit(this.root);
  }

  /**
   * Keys of a sentence's tokens into out[offset..]. `exclude` is a training document whose own entries do not
   * count: an entry of a type seen only in that document does not match.
   */
  encode(tokens: readonly string[], out: Int32Array, offset: number, exclude = -2): void {
    const n = tokens.length;
    const T = this.types.length;
    const { longest, free, powers } = this;
    free.fill(0);
    out.fill(0, offset, offset + n);
    const ids = this.words.of(tokens);
    if (this.words.generation !== this.startsGeneration) {
      this.starts = [];
      this.startsGeneration = this.words.generation;
    }
    // One pass: the longest entry of each type starting at i, taken when that type's last match ended before i
    // (greedy left to right). Most tokens start no entry and cost one array read.
    for (let i = 0; i < n; i++) {
      const id = ids[i];
      let node: TrieNode | null | undefined = id < this.starts.length ? this.starts[id] : undefined;
      if (node === undefined) node = this.learnStart(id, tokens[i]);
      let found = false;
      for (let j = i; node; ) {
        const docs = node.docs;
        if (docs) {
          for (let t = 0; t < T; t++) {
            const d = docs[t];
            if (d !== 0 && !(d === 1 && node.lastDoc![t] === exclude)) {
              longest[t] = j - i + 1;
              found = true;
            }
          }
        }
        if (++j >= n || j - i >= this.maxTokens) break;
        node = node.next?.get(this.normWord(tokens[j]));
      }
      if (!found) continue;
      for (let t = 0; t < T; t++) {
        const len = longest[t];
        if (len === 0) continue;
        longest[t] = 0;
        if (i < free[t]) continue;
        out[offset + i] += powers[t];
        for (let k = 1; k < len; k++) out[offset + i + k] += 2 * powers[t];
        free[t] = i + len;
      }
    }
  }

  /** Every entry that can match, per type (what a model file stores). */
  entries(): Record<string, string[][]> {
    const out: Record<string, string[][]> = Object.fromEntries(this.types.map((t) => [t, []]));
    const visit = (node: TrieNode, path: string[]) => {
      node.docs?.forEach((d, t) => d !== 0 && out[this.types[t]].push(path));
      for (const [w, child] of node.next ?? []) visit(child, [...path, w]);
    };
    visit(this.root, []);
    const key = (e: string[]) => e.join('\u0000');
    for (const list of Object.values(out)) list.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
    return out;
  }
}

/** Multi-hot rows of the keys: row k has a 1 at 2t when type t's state in k is 1 (B), at 2t + 1 when it is 2 (I). */
export function indicatorTable(types: number): Float32Array {
  const rows = 3 ** types;
  const dim = 2 * types;
  const table = new Float32Array(rows * dim);
  for (let k = 0; k < rows; k++) {
    for (let t = 0, rest = k; t < types; t++, rest = Math.floor(rest / 3)) {
      const state = rest % 3;
      if (state > 0) table[k * dim + 2 * t + state - 1] = 1;
    }
  }
  return table;
}

/** Limits on user files: bytes per file, and entries over all files (~230 bytes of heap an entry in the trie). */
export const MAX_FILE_BYTES = 64 * 1024 * 1024;
export const MAX_FILE_ENTRIES = 500_000;

export interface FileEntry {
  type: string;
  tokens: string[];
}

/**
 * Entries of a user file: one a line, `TYPE<TAB>surface form`, the form's tokens separated by spaces; blank lines
 * are skipped. `types` are the label set's entity types. Errors name the file and line (CorpusFormatError) or the
 * file (CorpusFileError), so the CLI prints them as one line.
 */
export function readEntryFile(path: string, types: readonly string[], maxTokens: number, maxEntries = MAX_FILE_ENTRIES): FileEntry[] {
  let bytes: Buffer;
  try {
    const size = statSync(path).size;
    if (size > MAX_FILE_BYTES) throw new CorpusFileError(`${path}: gazetteer file of ${size} bytes is over the limit of ${MAX_FILE_BYTES} bytes`);
    bytes = readFileSync(path);
  } catch (err) {
    if (err instanceof CorpusFileError) throw err;
    throw new CorpusFileError(`${path}: gazetteer file cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new CorpusFileError(`${path}: gazetteer file is not valid UTF-8`);
  }
  const out: FileEntry[] = [];
  const lines = text.replace(/^\uFEFF/, '').split('\n');
  lines.forEach((raw, i) => {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (line.trim() === '') return;
    const bad = (detail: string) => new CorpusFormatError(path, i + 1, `gazetteer entry ${detail}`);
    const tab = line.indexOf('\t');
    if (tab < 0) throw bad('has no TAB: expected TYPE<TAB>surface form');
    const type = line.slice(0, tab).trim();
    const tokens = line.slice(tab + 1).split(/\s+/).filter((w) => w !== '');
    if (type === '') throw bad('has an empty type before the TAB');
    if (!types.includes(type)) throw bad(`has type "${type}", which is not an entity type of the training corpus (${types.join(', ')})`);
    if (tokens.length === 0) throw bad('has an empty surface form after the TAB');
    if (tokens.length > maxTokens) throw bad(`has ${tokens.length} tokens, more than maxTokens (${maxTokens})`);
    if (out.length >= maxEntries) throw bad(`is past the limit of ${maxEntries} entries`);
    out.push({ type, tokens });
  });
  return out;
}
