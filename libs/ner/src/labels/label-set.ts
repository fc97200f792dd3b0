/**
 * Index <-> label mapping of a model's output classes. 'O' is always index 0, then for each entity type (sorted,
 * so the same corpus always gives the same indices) B-TYPE, I-TYPE (BIO) or I-TYPE only (IO).
 */
import { parseTag, typeOf } from './tag.js';
import { isValidTransition, type LabelScheme } from './transitions.js';

export class LabelSet {
  readonly labels: readonly string[];
  readonly scheme: LabelScheme;
  private readonly byLabel: Map<string, number>;
  /** Entity types in index order (without 'O'). */
  private readonly typeNames: readonly string[];
  /** Per label index: its type's position in typeNames, -1 for 'O'. */
  private readonly typeIds: Int32Array;
  /** Per label index: 1 for I-X (continues a chunk of its type), else 0. */
  private readonly inside: Uint8Array;
  /** Per type id: the label index that starts a chunk of that type (B-X; I-X in an IO set). */
  private readonly beginIds: Int32Array;

  private constructor(labels: string[], scheme: LabelScheme) {
    this.labels = Object.freeze(labels);
    this.scheme = scheme;
    this.byLabel = new Map(labels.map((l, i) => [l, i]));
    // Tag strings are parsed here once, so decoders and span building work on indices alone.
    this.typeNames = Object.freeze([...new Set(labels.slice(1).map(typeOf))]);
    this.typeIds = Int32Array.from(labels, (l) => (l === 'O' ? -1 : this.typeNames.indexOf(typeOf(l))));
    this.inside = Uint8Array.from(labels, (l) => (parseTag(l).prefix === 'I' ? 1 : 0));
    this.beginIds = Int32Array.from(this.typeNames, (t) => this.byLabel.get(scheme === 'BIO' ? `B-${t}` : `I-${t}`)!);
  }

  static fromTypes(types: Iterable<string>, scheme: LabelScheme = 'BIO'): LabelSet {
    const sorted = [...new Set(types)].filter((t) => t !== '').sort();
    const labels = ['O'];
    for (const t of sorted) {
      if (scheme === 'BIO') labels.push(`B-${t}`);
      labels.push(`I-${t}`);
    }
    return new LabelSet(labels, scheme);
  }

  /** Collect the entity types of tags in any scheme (B/I/E/S prefixes all count). */
  static fromTags(tags: Iterable<string>, scheme: LabelScheme = 'BIO'): LabelSet {
    const types = new Set<string>();
    for (const tag of tags) types.add(parseTag(tag).type);
    return LabelSet.fromTypes(types, scheme);
  }

  static fromSentences(sentences: Iterable<{ tags: readonly string[] }>, scheme: LabelScheme = 'BIO'): LabelSet {
    const types = new Set<string>();
    for (const s of sentences) for (const tag of s.tags) types.add(parseTag(tag).type);
    return LabelSet.fromTypes(types, scheme);
  }

  /** Rebuild from a stored label list (model file); validates that it is what fromTypes would produce. */
  static fromJSON(labels: readonly string[]): LabelSet {
    const scheme: LabelScheme = labels.some((l) => l.startsWith('B-')) ? 'BIO' : 'IO';
    const rebuilt = LabelSet.fromTypes(labels.map(typeOf), scheme);
    if (rebuilt.labels.length !== labels.length || rebuilt.labels.some((l, i) => l !== labels[i])) {
      throw new Error(`label list [${labels.join(', ')}] is not a canonical ${scheme} label set ` +
        `(expected [${rebuilt.labels.join(', ')}])`);
    }
    return rebuilt;
  }

  toJSON(): string[] {
    return [...this.labels];
  }

  get size(): number {
    return this.labels.length;
  }

  has(label: string): boolean {
    return this.byLabel.has(label);
  }

  /** Index of a label; throws naming the label and the known ones. */
  index(label: string): number {
    const i = this.byLabel.get(label);
    if (i === undefined) throw new Error(`unknown label "${label}" (labels: ${this.labels.join(', ')})`);
    return i;
  }

  label(index: number): string {
    const l = this.labels[index];
    if (l === undefined) throw new Error(`label index ${index} out of range [0, ${this.labels.length})`);
    return l;
  }

  /** Entity types in index order (without 'O'). */
  types(): string[] {
    return [...this.typeNames];
  }

  /** Type id of label `index` (its position in types()), -1 for 'O'. */
  typeId(index: number): number {
    return this.typeIds[index];
  }

  /** Name of type id `type` (as in types()). */
  typeName(type: number): string {
    return this.typeNames[type];
  }

  /** Whether label `index` is I-X: it continues a chunk of type X, or starts one where none is open. */
  continuesChunk(index: number): boolean {
    return this.inside[index] === 1;
  }

  /** Label index that starts a chunk of type id `type` (B-X; I-X in an IO set). */
  beginIndex(type: number): number {
    return this.beginIds[type];
  }

  /** Map a tag of the corpus (already BIO) into this set's scheme, e.g. B-PER → I-PER for an IO set. */
  encode(tag: string): number {
    if (this.scheme === 'IO' && tag.startsWith('B-')) return this.index(`I-${tag.slice(2)}`);
    return this.index(tag);
  }

  isValidTransition(prev: number | null, next: number): boolean {
    return isValidTransition(prev === null ? null : this.label(prev), this.label(next), this.scheme);
  }
}
