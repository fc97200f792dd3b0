/**
 * conlleval-compatible chunk evaluation. ConllEvaluator.add() takes one sentence at a time (gold and predicted
 * tags); a sentence break is processed like conlleval's boundary line ("-X- O O": out of chunk, not a token).
 * Counting is exactly conlleval.pl's: a chunk is correct when gold and guess start together with the same type
 * and end together; precision = correct / found, recall = correct / gold chunks, token accuracy compares full
 * tags (so B-PER vs I-PER is a wrong token even inside a correct chunk). Percentages are 0–100 as the script prints.
 * Difference from running the script on a CoNLL-2003 file: -DOCSTART- lines are not tokens here (the script
 * counts them as "O O" tokens, which only changes token accuracy).
 */
import { endOfChunk, splitTag, startOfChunk, type ChunkTag } from './chunk-rules.js';

export interface ChunkScore {
  /** Chunks in the gold data (conlleval's foundCorrect). */
  gold: number;
  /** Chunks in the prediction (conlleval's foundGuessed). */
  found: number;
  /** Chunks found with exactly the gold boundaries and type (conlleval's correctChunk). */
  correct: number;
  /** Percent, 0 when nothing was found. */
  precision: number;
  /** Percent, 0 when there is no gold chunk. */
  recall: number;
  /** Percent (FB1). */
  f1: number;
}

export interface ConfusionTable {
  /** Row/column names: 'O' then entity types, sorted. Rows are gold, columns predicted. */
  labels: string[];
  counts: number[][];
}

export interface ConllevalResult {
  tokens: number;
  correctTags: number;
  /** Token accuracy in percent. */
  accuracy: number;
  overall: ChunkScore;
  /** Per entity type, for every type seen in gold or prediction. */
  byType: Record<string, ChunkScore>;
  /** Token-level confusion by type (prefix ignored); only when asked for. */
  confusion?: ConfusionTable;
}

export interface ConllevalOptions {
  confusion?: boolean;
}

const OUTSIDE: ChunkTag = { prefix: 'O', type: '' };

function score(gold: number, found: number, correct: number): ChunkScore {
  const precision = found > 0 ? (100 * correct) / found : 0;
  const recall = gold > 0 ? (100 * correct) / gold : 0;
  const f1 = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { gold, found, correct, precision, recall, f1 };
}

const inc = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1);

export class ConllEvaluator {
  private tokens = 0;
  private correctTags = 0;
  private correctChunk = 0;
  private foundCorrect = 0;
  private foundGuessed = 0;
  private readonly correctByType = new Map<string, number>();
  private readonly goldByType = new Map<string, number>();
  private readonly foundByType = new Map<string, number>();
  private readonly confusion = new Map<string, Map<string, number>>();
  private inCorrect = false;
  private lastCorrect: ChunkTag = OUTSIDE;
  private lastGuessed: ChunkTag = OUTSIDE;
  private sentences = 0;

  constructor(private readonly options: ConllevalOptions = {}) {}

  /** Add one sentence. Tags in BIO, IOB1 or IO (IOBES: convert to BIO first, see chunk-rules.ts). */
  add(gold: readonly string[], predicted: readonly string[]): void {
    if (gold.length !== predicted.length) {
      throw new Error(`sentence ${this.sentences}: ${gold.length} gold tags but ${predicted.length} predicted tags`);
    }
    for (let i = 0; i < gold.length; i++) this.step(splitTag(gold[i]!), splitTag(predicted[i]!), true);
    this.step(OUTSIDE, OUTSIDE, false); // sentence boundary
    this.sentences++;
  }

  private step(correct: ChunkTag, guessed: ChunkTag, isToken: boolean): void {
    const lc = this.lastCorrect;
    const lg = this.lastGuessed;
    if (this.inCorrect) {
      const endC = endOfChunk(lc, correct);
      const endG = endOfChunk(lg, guessed);
      if (endC && endG && lg.type === lc.type) {
        this.inCorrect = false;
        this.correctChunk++;
        inc(this.correctByType, lc.type);
      } else if (endC !== endG || guessed.type !== correct.type) {
        this.inCorrect = false;
      }
    }
    const startC = startOfChunk(lc, correct);
    const startG = startOfChunk(lg, guessed);
    if (startC && startG && guessed.type === correct.type) this.inCorrect = true;
    if (startC) {
      this.foundCorrect++;
      inc(this.goldByType, correct.type);
    }
    if (startG) {
      this.foundGuessed++;
      inc(this.foundByType, guessed.type);
    }
    if (isToken) {
      if (correct.prefix === guessed.prefix && correct.type === guessed.type) this.correctTags++;
      this.tokens++;
      if (this.options.confusion) {
        const row = correct.type || 'O';
        if (!this.confusion.has(row)) this.confusion.set(row, new Map());
        inc(this.confusion.get(row)!, guessed.type || 'O');
      }
    }
    this.lastCorrect = correct;
    this.lastGuessed = guessed;
  }

  result(): ConllevalResult {
    // A chunk still open at the end of input (only possible if add() was never completed) counts as in the script.
    let correctChunk = this.correctChunk;
    const correctByType = new Map(this.correctByType);
    if (this.inCorrect) {
      correctChunk++;
      inc(correctByType, this.lastCorrect.type);
    }
    const types = [...new Set([...this.goldByType.keys(), ...this.foundByType.keys()])].sort();
    const byType: Record<string, ChunkScore> = {};
    for (const t of types) {
      byType[t] = score(this.goldByType.get(t) ?? 0, this.foundByType.get(t) ?? 0, correctByType.get(t) ?? 0);
    }
    const result: ConllevalResult = {
      tokens: this.tokens,
      correctTags: this.correctTags,
      accuracy: this.tokens > 0 ? (100 * this.correctTags) / this.tokens : 0,
      overall: score(this.foundCorrect, this.foundGuessed, correctChunk),
      byType,
    };
    if (this.options.confusion) result.confusion = this.confusionTable();
    return result;
  }

  private confusionTable(): ConfusionTable {
    const names = new Set<string>(['O']);
    for (const [row, cols] of this.confusion) {
      names.add(row);
      for (const c of cols.keys()) names.add(c);
    }
    const labels = ['O', ...[...names].filter((n) => n !== 'O').sort()];
    const counts = labels.map((r) => labels.map((c) => this.confusion.get(r)?.get(c) ?? 0));
    return { labels, counts };
  }
}

/** Evaluate whole corpora: gold[k] and predicted[k] are the tag sequences of sentence k. */
export function conlleval(
  gold: readonly (readonly string[])[], predicted: readonly (readonly string[])[], options?: ConllevalOptions,
): ConllevalResult {
  if (gold.length !== predicted.length) {
    throw new Error(`${gold.length} gold sentences but ${predicted.length} predicted sentences`);
  }
  const ev = new ConllEvaluator(options);
  gold.forEach((g, k) => ev.add(g, predicted[k]!));
  return ev.result();
}
