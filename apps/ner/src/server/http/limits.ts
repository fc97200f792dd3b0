/**
 * Request limits of the HTTP API. Every limit answers with a JSON error naming the limit and its value,
 * so a client can tell what to shrink. Defaults are documented in the OpenAPI description too.
 */
export interface Limits {
  /** Largest request body in bytes (413 payload_too_large). */
  maxBodyBytes: number;
  /** Largest text in UTF-16 code units, i.e. JS string length (413 text_too_long). */
  maxTextChars: number;
  /** Most texts in one {"texts": [...]} batch (413 too_many_texts). */
  maxTexts: number;
  /** Time a request may take from arrival to response, body upload included (503 timeout). */
  requestTimeoutMs: number;
}

export const DEFAULT_LIMITS: Readonly<Limits> = Object.freeze({
  maxBodyBytes: 1024 * 1024,
  maxTextChars: 100_000,
  maxTexts: 256,
  requestTimeoutMs: 10_000,
});

export function resolveLimits(partial: Partial<Limits> = {}): Limits {
  const limits = { ...DEFAULT_LIMITS, ...partial };
  for (const [key, value] of Object.entries(limits)) {
    if (!Number.isInteger(value) || value <= 0) throw new Error(`limits.${key}: expected a positive integer, got ${value}`);
  }
  return limits;
}
