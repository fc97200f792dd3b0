/**
 * JSONL reader: one record per line, `{"text": "...", "entities": [{"start": 0, "end": 5, "label": "PER"}]}`
 * (offsets are JS string indices, end exclusive; "entities" may be omitted for unlabelled text). Each record
 * becomes one Sentence, tokenised by the given function, with BIO tags and token offsets.
 *
 * Entity boundaries that do not fall on token boundaries are rejected by default ('reject'): a silent change
 * of the gold spans would corrupt both training and evaluation. With boundaries: 'snap' an entity is widened to
 * the tokens it touches. Either way an entity covering no token, out-of-range offsets and overlapping entities
 * (also overlaps created by snapping) are errors naming file:line and the entity.
 */
import { readFileSync } from 'node:fs';
import { CorpusFormatError } from './corpus-error.js';
import type { Sentence, TokenizeFn, TokenSpan } from './types.js';

export interface JsonlReadOptions {
  boundaries?: 'reject' | 'snap';
}

interface RawEntity {
  start: number;
  end: number;
  label: string;
  field: string;
}

function fail(file: string, line: number, detail: string): never {
  throw new CorpusFormatError(file, line, detail);
}

function readEntity(value: unknown, field: string, textLength: number, file: string, line: number): RawEntity {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) fail(file, line, `${field}: expected an object`);
  const e = value as Record<string, unknown>;
  for (const key of ['start', 'end'] as const) {
    if (typeof e[key] !== 'number' || !Number.isInteger(e[key])) {
      fail(file, line, `${field}.${key}: expected an integer, got ${JSON.stringify(e[key])}`);
    }
  }
  const start = e.start as number;
  const end = e.end as number;
  if (typeof e.label !== 'string' || !/^\S+$/.test(e.label)) {
    fail(file, line, `${field}.label: expected a non-empty string without spaces, got ${JSON.stringify(e.label)}`);
  }
  if (start < 0) fail(file, line, `${field}.start: ${start} is negative`);
  if (end > textLength) fail(file, line, `${field}.end: ${end} is beyond the text length ${textLength}`);
  if (start >= end) fail(file, line, `${field}: start ${start} must be less than end ${end}`);
  return { start, end, label: e.label, field };
}

/** Token index range [first, last] covered by an entity, or an error naming the boundary problem. */
function tokenRange(ent: RawEntity, tokens: TokenSpan[], text: string, snap: boolean, file: string, line: number) {
  const touched: number[] = [];
  tokens.forEach((t, i) => {
    if (t.start < ent.end && t.end > ent.start) touched.push(i);
  });
  const where = `${ent.field} [${ent.start}, ${ent.end}) ${JSON.stringify(text.slice(ent.start, ent.end))}`;
  if (touched.length === 0) fail(file, line, `${where} covers no token`);
  const first = touched[0]!;
  const last = touched[touched.length - 1]!;
  if (!snap) {
    const a = tokens[first]!;
    const b = tokens[last]!;
    if (a.start !== ent.start) {
      fail(file, line, `${where}: start ${ent.start} is not a token boundary (token ${JSON.stringify(a.text)} ` +
        `spans [${a.start}, ${a.end})); fix the offsets or read with boundaries: 'snap'`);
    }
    if (b.end !== ent.end) {
      fail(file, line, `${where}: end ${ent.end} is not a token boundary (token ${JSON.stringify(b.text)} ` +
        `spans [${b.start}, ${b.end})); fix the offsets or read with boundaries: 'snap'`);
    }
  }
  return { first, last };
}

export function parseJsonlRecord(
  json: string, file: string, line: number, tokenize: TokenizeFn, options: JsonlReadOptions = {},
): Sentence {
  let record: unknown;
  try {
    record = JSON.parse(json);
  } catch (err) {
    fail(file, line, `invalid JSON: ${(err as Error).message}`);
  }
  if (typeof record !== 'object' || record === null || Array.isArray(record)) fail(file, line, 'expected a JSON object');
  const r = record as Record<string, unknown>;
  if (typeof r.text !== 'string') fail(file, line, `field "text": expected a string, got ${JSON.stringify(r.text)}`);
  const text = r.text;
  const rawEntities = r.entities ?? [];
  if (!Array.isArray(rawEntities)) fail(file, line, 'field "entities": expected an array');
  const entities = rawEntities.map((e, k) => readEntity(e, `entities[${k}]`, text.length, file, line));

  const tokens = tokenize(text).filter((t) => t.end > t.start);
  const tags = new Array<string>(tokens.length).fill('O');
  const owner = new Array<RawEntity | null>(tokens.length).fill(null);
  const sorted = [...entities].sort((a, b) => a.start - b.start || a.end - b.end);
  for (let k = 1; k < sorted.length; k++) {
    const prev = sorted[k - 1]!;
    const cur = sorted[k]!;
    if (cur.start < prev.end) {
      fail(file, line, `${cur.field} [${cur.start}, ${cur.end}) overlaps ${prev.field} [${prev.start}, ${prev.end})`);
    }
  }
  for (const ent of sorted) {
    const { first, last } = tokenRange(ent, tokens, text, options.boundaries === 'snap', file, line);
    for (let i = first; i <= last; i++) {
      const other = owner[i];
      if (other) fail(file, line, `${ent.field} and ${other.field} share token ${JSON.stringify(tokens[i]!.text)} after snapping to tokens`);
      owner[i] = ent;
      tags[i] = `${i === first ? 'B' : 'I'}-${ent.label}`;
    }
  }
  return {
    tokens: tokens.map((t) => t.text),
    tags,
    offsets: tokens.map((t) => ({ start: t.start, end: t.end })),
    text,
    source: { file, line },
  };
}

export function parseJsonl(content: string, file: string, tokenize: TokenizeFn, options?: JsonlReadOptions): Sentence[] {
  const lines = content.replace(/^\uFEFF/, '').split(/\r?\n/);
  const out: Sentence[] = [];
  lines.forEach((json, i) => {
    if (json.trim() !== '') out.push(parseJsonlRecord(json, file, i + 1, tokenize, options));
  });
  return out;
}

export function readJsonl(path: string, tokenize: TokenizeFn, options?: JsonlReadOptions): Sentence[] {
  return parseJsonl(readFileSync(path, 'utf8'), path, tokenize, options);
}
