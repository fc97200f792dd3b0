/**
 * A registry of named factories: how a JSON config names a layer, optimizer, plugin, ...
 * Unknown names fail with the list of known ones, so a typo in a config is obvious.
 */
export class Registry<T> {
  private readonly items = new Map<string, T>();

  constructor(readonly kind: string) {}

  register(name: string, item: T, opts: { override?: boolean } = {}): void {
    if (!name) throw new Error(`${this.kind} registry: empty name`);
    if (this.items.has(name) && !opts.override) {
      throw new Error(`${this.kind} registry: "${name}" is already registered (pass { override: true } to replace it)`);
    }
    this.items.set(name, item);
  }

  has(name: string): boolean {
    return this.items.has(name);
  }

  get(name: string): T {
    const item = this.items.get(name);
    if (item === undefined) {
      throw new Error(`unknown ${this.kind} "${name}"; known: ${[...this.items.keys()].sort().join(', ') || '(none)'}`);
    }
    return item;
  }

  names(): string[] {
    return [...this.items.keys()].sort();
  }
}
