/**
 * One tag string split into its chunk prefix and entity type. Types may contain hyphens (WNUT-17 has
 * "creative-work"), so only the first hyphen separates prefix from type, as in conlleval.pl (2004 version).
 */
export type TagPrefix = 'O' | 'B' | 'I' | 'E' | 'S';

export interface ParsedTag {
  prefix: TagPrefix;
  /** Entity type; '' for 'O'. */
  type: string;
}

const TAG_RE = /^([BIES])-(.+)$/;

/** Parse a tag, or return null when it is neither 'O' nor B-/I-/E-/S-TYPE. */
export function tryParseTag(tag: string): ParsedTag | null {
  // A label set has a handful of tags and every token of every tagged text parses one: remember them (frozen,
  // as they are shared) instead of a regex match per token. Bounded, as corpus readers parse arbitrary input.
  let parsed = parsedTags.get(tag);
  if (parsed === undefined) {
    if (tag === 'O') parsed = Object.freeze({ prefix: 'O', type: '' });
    else {
      const m = TAG_RE.exec(tag);
      parsed = m ? Object.freeze({ prefix: m[1] as TagPrefix, type: m[2]! }) : null;
    }
    if (parsedTags.size >= PARSED_TAGS_MAX) parsedTags.clear();
    parsedTags.set(tag, parsed);
  }
  return parsed;
}

const PARSED_TAGS_MAX = 4096;
const parsedTags = new Map<string, Readonly<ParsedTag> | null>();

export function parseTag(tag: string): ParsedTag {
  const parsed = tryParseTag(tag);
  if (!parsed) throw new Error(`invalid tag "${tag}" (expected O or B-/I-/E-/S-TYPE)`);
  return parsed;
}

/** Entity type of a tag ('' for 'O'). */
export function typeOf(tag: string): string {
  return parseTag(tag).type;
}
