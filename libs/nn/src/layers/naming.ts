/** Default layer names ("dense0", "dense1", ...). The name is part of getConfig(), so a reload keeps it. */
const counters = new Map<string, number>();

export function defaultName(type: string): string {
  const n = counters.get(type) ?? 0;
  counters.set(type, n + 1);
  return `${type}${n}`;
}
