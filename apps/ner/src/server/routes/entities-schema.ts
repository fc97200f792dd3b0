/**
 * The /v1/entities request: exactly one of {"text": string} or {"texts": string[]}. Unknown fields are an error
 * (a typo like "txt" should not silently tag nothing). Size limits are checked after the shape, as 413s.
 */
import { z } from 'zod';
import { HttpError } from '../http/http-error';
import type { Limits } from '../http/limits';

const EntitiesRequest = z.strictObject({
  text: z.string().optional(),
  texts: z.array(z.string()).optional(),
});

/** In a /u regex a surrogate pair is one code point, so \p{Cs} matches only unpaired halves. */
const LONE_SURROGATE = /\p{Cs}/u;

export interface ParsedEntitiesRequest {
  texts: string[];
  /** True when the client sent {"texts": [...]}: the response then has one result per text. */
  batch: boolean;
}

/** "texts[3]: expected string, received number" — the first problem, with where it is. */
export function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  const path = issue.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '');
  return `${path || 'body'}: ${issue.message}`;
}

export function parseEntitiesRequest(body: unknown, limits: Limits): ParsedEntitiesRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new HttpError(400, 'invalid_request', 'body: expected a JSON object {"text": "..."} or {"texts": ["...", ...]}');
  }
  const parsed = EntitiesRequest.safeParse(body);
  if (!parsed.success) throw new HttpError(400, 'invalid_request', describeIssue(parsed.error));
  const { text, texts } = parsed.data;
  if ((text === undefined) === (texts === undefined)) {
    throw new HttpError(400, 'invalid_request', 'body: give exactly one of "text" (a string) or "texts" (an array of strings)');
  }
  const list = texts ?? [text as string];
  if (list.length > limits.maxTexts) {
    throw new HttpError(413, 'too_many_texts', `texts: ${list.length} texts, at most ${limits.maxTexts} per request (limits.maxTexts)`);
  }
  list.forEach((t, i) => {
    const where = texts ? `texts[${i}]` : 'text';
    if (t.length > limits.maxTextChars) {
      throw new HttpError(413, 'text_too_long', `${where}: ${t.length} characters, at most ${limits.maxTextChars} (limits.maxTextChars, UTF-16 code units)`);
    }
    // A lone surrogate cannot be encoded as UTF-8 in the response, and offsets around it are meaningless.
    if (LONE_SURROGATE.test(t)) throw new HttpError(400, 'invalid_request', `${where}: contains a lone UTF-16 surrogate (not well-formed Unicode)`);
  });
  return { texts: list, batch: texts !== undefined };
}
