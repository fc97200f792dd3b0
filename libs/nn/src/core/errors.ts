/** Error helpers: every message says what went wrong, where (which layer/optimizer/step) and what was expected. */

export class NnError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NnError';
  }
}

export function shapeMismatch(where: string, expected: string, got: readonly number[]): NnError {
  return new NnError(`${where}: shape mismatch, expected ${expected}, got [${got.join(', ')}]`);
}

/** A rate / hyper-parameter that must be finite and within [min, max]. Returns the value for chaining. */
export function checkRate(where: string, field: string, value: unknown, min = 0, max = Infinity): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    const range = max === Infinity ? `>= ${min}` : `in [${min}, ${max}]`;
    throw new NnError(`${where}: ${field} must be a finite number ${range}, got ${String(value)}`);
  }
  return value;
}

export function checkPositiveInt(where: string, field: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value <= 0) {
    throw new NnError(`${where}: ${field} must be a positive integer, got ${String(value)}`);
  }
  return value;
}
