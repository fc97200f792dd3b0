/**
 * Training batches of whole sentences, for sentence-level heads (a CRF scores each sentence's path as a whole):
 * the trainer shuffles sentence indices, and a batch is the windows of those sentences, in order, with the row
 * where each sentence starts. Several sentences per step keep the network's matrix products as large as a
 * window batch's.
 */
import type { WindowSet } from '../windows/windows.js';

export class SentenceBatches {
  /** Sentences in the set (the trainer's examples). */
  readonly sentences: number;
  /** Mean windows per sentence (converts the trainer's sentences/s to windows/s). */
  readonly windowsPerSentence: number;
  private windows = new Int32Array(0);
  private starts = new Int32Array(0);

  constructor(private readonly set: WindowSet) {
    this.sentences = set.sentenceStarts.length - 1;
    this.windowsPerSentence = set.n / Math.max(this.sentences, 1);
  }

  /** Sentences per batch worth about `windows` windows (at least 1). */
  sentencesFor(windows: number): number {
    return Math.max(1, Math.round(windows / Math.max(this.windowsPerSentence, 1)));
  }

  /**
   * The windows of sentences `indices` (views of reused buffers, overwritten by the next call) and each
   * sentence's first row in them, plus the row count at the end.
   */
  batch(indices: Int32Array): { windows: Int32Array; sentenceStarts: Int32Array } {
    const ss = this.set.sentenceStarts;
    let rows = 0;
    for (const s of indices) rows += ss[s + 1] - ss[s];
    if (this.windows.length < rows) this.windows = new Int32Array(Math.max(rows, 2 * this.windows.length));
    if (this.starts.length < indices.length + 1) this.starts = new Int32Array(indices.length + 1);
    let row = 0;
    indices.forEach((s, b) => {
      this.starts[b] = row;
      for (let w = ss[s]; w < ss[s + 1]; w++) this.windows[row++] = w;
    });
    this.starts[indices.length] = row;
    return { windows: this.windows.subarray(0, rows), sentenceStarts: this.starts.subarray(0, indices.length + 1) };
  }
}
