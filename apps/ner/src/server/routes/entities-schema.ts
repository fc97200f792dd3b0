/**
 * The /v1/entities request and responses as zod schemas: the request schema validates every request, and both
 * are what /openapi.json publishes (openapi/document.ts), so the document cannot drift from the code.
 *
 * The request is exactly one of {"text": string} or {"texts": string[]}. Unknown fields are an error (a typo
 * like "txt" should not silently tag nothing). The size limits are part of the schema (maxLength, maxItems) but
 * answer 413 rather than 400, after any problem with the shape.
 */
import { z } from 'zod';
import { HttpError } from '../http/http-error.js';
import type { Limits } from '../http/limits.js';

/**
 * A string of at most `max` UTF-16 code units (JS string length, what offsets count). zod's own .max() counts code
 * points once a string is over in code units, so an emoji at the limit would pass; the document still says
 * maxLength (JSON Schema counts code points: a client keeping to it in code units is always within it).
 */
function maxCodeUnits(max: number) {
  return z
    .string()
    .check((ctx) => {
      if (ctx.value.length > max) ctx.issues.push({ code: 'too_big', origin: 'string', maximum: max, inclusive: true, input: ctx.value });
    })
    .meta({ maxLength: max, description: `At most ${max} UTF-16 code units.` });
}

export function entitiesRequestSchema(limits: Limits) {
  const text = maxCodeUnits(limits.maxTextChars);
  return z
    .strictObject({
      text: text.optional().meta({ description: 'One text to tag.' }),
      texts: z.array(text).max(limits.maxTexts).optional().meta({ description: 'A batch of texts; the response then has one result per text.' }),
    })
    .meta({ description: 'Exactly one of "text" or "texts".' });
}
export type EntitiesRequestSchema = ReturnType<typeof entitiesRequestSchema>;

export const Entity = z.strictObject({
  text: z.string().meta({ description: 'Equal to input.slice(start, end).' }),
  label: z.string().meta({ description: 'Entity type, e.g. PER, ORG, LOC.' }),
  start: z.int().min(0).meta({ description: 'UTF-16 code-unit offset of the first character.' }),
  end: z.int().min(0).meta({ description: 'UTF-16 code-unit offset after the last character (exclusive).' }),
  score: z.number().min(0).max(1),
});
const ModelRef = z.strictObject({ version: z.string() });
export const EntitiesResponse = z.strictObject({ model: ModelRef, entities: z.array(Entity) });
export const BatchEntitiesResponse = z.strictObject({ model: ModelRef, results: z.array(z.strictObject({ entities: z.array(Entity) })) });

/** In a /u regex a surrogate pair is one code point, so \p{Cs} matches only unpaired halves. */
const LONE_SURROGATE = /\p{Cs}/u;

export interface ParsedEntitiesRequest {
  texts: string[];
  /** True when the client sent {"texts": [...]}: the response then has one result per text. */
  batch: boolean;
}

/** Where an issue is, as a client writes it: "texts[3]", "config.hidden"; "body" at the top. */
export function issuePath(path: readonly PropertyKey[]): string {
  return path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '') || 'body';
}

/** "texts[3]: expected string, received number" — the first problem, with where it is. */
export function describeIssue(error: z.ZodError): string {
  const issue = error.issues[0];
  return `${issuePath(issue.path)}: ${issue.message}`;
}

/** A limit the schema found exceeded, as the 413 the API documents. */
function limitError(issue: z.core.$ZodIssue, body: { texts?: unknown[] }, limits: Limits): HttpError {
  const where = issuePath(issue.path);
  if (where === 'texts') {
    return new HttpError(413, 'too_many_texts', `texts: ${body.texts?.length} texts, at most ${limits.maxTexts} per request (limits.maxTexts)`);
  }
  const value = issue.path.reduce<unknown>((v, k) => (v as Record<PropertyKey, unknown>)[k], body);
  const length = typeof value === 'string' ? value.length : '?';
  return new HttpError(413, 'text_too_long', `${where}: ${length} characters, at most ${limits.maxTextChars} (limits.maxTextChars, UTF-16 code units)`);
}

export function parseEntitiesRequest(body: unknown, schema: EntitiesRequestSchema, limits: Limits): ParsedEntitiesRequest {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new HttpError(400, 'invalid_request', 'body: expected a JSON object {"text": "..."} or {"texts": ["...", ...]}');
  }
  const parsed = schema.safeParse(body);
  if (!parsed.success) {
    const issues = parsed.error.issues;
    const shape = issues.find((i) => i.code !== 'too_big');
    if (shape) throw new HttpError(400, 'invalid_request', `${issuePath(shape.path)}: ${shape.message}`);
    const tooBig = issues.find((i) => i.path.length === 1 && i.path[0] === 'texts') ?? issues[0];
    throw limitError(tooBig, body as { texts?: unknown[] }, limits);
  }
  const { text, texts } = parsed.data;
  if ((text === undefined) === (texts === undefined)) {
    throw new HttpError(400, 'invalid_request', 'body: give exactly one of "text" (a string) or "texts" (an array of strings)');
  }
  const list = texts ?? [text as string];
  list.forEach((t, i) => {
    // A lone surrogate cannot be encoded as UTF-8 in the response, and offsets around it are meaningless.
    if (LONE_SURROGATE.test(t)) throw new HttpError(400, 'invalid_request', `${texts ? `texts[${i}]` : 'text'}: contains a lone UTF-16 surrogate (not well-formed Unicode)`);
  });
  return { texts: list, batch: texts !== undefined };
}
