/**
 * Holds the model being served and swaps it without failing a request: a request leases the current tagger
 * for as long as it needs it (tagging a batch may span several event-loop turns), a swap installs the new
 * tagger for every later lease, and the old one is disposed when its last lease is released.
 */
import type { ModelInfo, Tagger } from '@window-ner/ner';

export interface Lease {
  readonly tagger: Tagger;
  release(): void;
}

interface Slot {
  tagger: Tagger;
  leases: number;
  retired: boolean;
}

export class ModelHolder {
  private slot: Slot | null = null;
  private swaps = 0;

  constructor(private readonly onDisposeError: (err: unknown) => void = () => {}) {}

  get ready(): boolean {
    return this.slot !== null;
  }

  get info(): ModelInfo | null {
    return this.slot?.tagger.info ?? null;
  }

  get swapCount(): number {
    return this.swaps;
  }

  /** The current tagger, or null before the first model is installed. Release the lease exactly once. */
  acquire(): Lease | null {
    const slot = this.slot;
    if (!slot) return null;
    slot.leases++;
    let released = false;
    return {
      tagger: slot.tagger,
      release: () => {
        if (released) return;
        released = true;
        slot.leases--;
        this.disposeIfIdle(slot);
      },
    };
  }

  /** Serve `next` from now on; the previous tagger is disposed once no request holds it. */
  install(next: Tagger): void {
    const previous = this.slot;
    this.slot = { tagger: next, leases: 0, retired: false };
    if (previous) {
      this.swaps++;
      previous.retired = true;
      this.disposeIfIdle(previous);
    }
  }

  /** Dispose the current tagger (at shutdown, after in-flight requests finished). */
  close(): void {
    const slot = this.slot;
    this.slot = null;
    if (slot) {
      slot.retired = true;
      this.disposeIfIdle(slot);
    }
  }

  private disposeIfIdle(slot: Slot): void {
    if (!slot.retired || slot.leases > 0) return;
    try {
      slot.tagger.dispose();
    } catch (err) {
      this.onDisposeError(err);
    }
  }
}
