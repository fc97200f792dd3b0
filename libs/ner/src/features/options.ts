/**
 * A feature's spec keys over its defaults: `type` is skipped, a key the defaults do not have (own keys only, so
 * not "toString") is an error listing the keys, and each value goes through the feature's `parse`, which throws
 * `bad(what)` ("config: feature "X" key must be <what>, got <value>") for a value it refuses.
 */
import type { FeatureSpec } from '../config/config.js';

export function featureOptions<T extends object>(
  feature: string,
  spec: FeatureSpec,
  defaults: T,
  parse: (key: keyof T & string, value: unknown, bad: (what: string) => Error) => unknown,
): T {
  const out = { ...defaults };
  for (const [key, value] of Object.entries(spec)) {
    if (key === 'type') continue;
    if (!Object.hasOwn(defaults, key)) throw new Error(`config: feature "${feature}" has no key "${key}" (keys: ${Object.keys(defaults).join(', ')})`);
    const bad = (what: string) => new Error(`config: feature "${feature}" ${key} must be ${what}, got ${JSON.stringify(value)}`);
    (out as Record<string, unknown>)[key] = parse(key as keyof T & string, value, bad);
  }
  return out;
}
