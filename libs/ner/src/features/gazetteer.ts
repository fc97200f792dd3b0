/**
 * The `gazetteer` feature: whether a token is part of a known entity, per entity type (SENNA's gazetteer
 * features, Collobert et al. 2011). Entity lists (gazetteer-lists.ts) are matched over the sentence's tokens per
 * type, longest entry first, and each token gets 2T binary indicators for T types — first token (B) / later token
 * (I) of a match of type t — as one key of a fixed multi-hot table (3^T rows: a type's state is none, B or I).
 * Key 0 is "no match of any type", and the padding key, so the fast path caches most tokens under the word alone.
 *
 * The lists are the training corpus's own gold spans (each surface form with every type it is a gold span of),
 * plus, optionally, user files (`files`: `TYPE<TAB>surface form` a line). Matched against the corpus they came
 * from, corpus entries would mark every training entity: the network would learn that a match *is* an entity,
 * and on new text, where the lists cover only the entities seen in training and miss the rest, it would trust a
 * feature that is now silent on exactly the hard (unseen) entities. So a training sentence is matched against
 * lists without its own document (`leaveDocumentOut`): every entry keeps how many training documents it occurs
 * in per type, and an entry of one document does not match while that document is encoded for training. The
 * training text then shows the feature as it is on new text — on for entities recurring across documents (the
 * names new text also shares with the training corpus), off for the rest — and the network learns how much to
 * trust it. Dropping the feature out at random would not: the kept matches would still cover every entity,
 * teaching a precision it does not have at tag time. Dev sentences and tagged text see every entry.
 *
 * Entries whose tokens are gold spans in under `minEntityRatio` of their occurrences in the training text
 * (the sentence-initial "The" of a "The Hague" match, "May" the month) are dropped, and matching is
 * case-sensitive by default (CoNLL entities are capitalised; "may" should not match "May"). The lists that can
 * match are saved in the model file (feature state) and a restored model matches exactly as the trained one on
 * text outside training: restore never rereads the files.
 */
import type { FeatureSpec } from '../config/config.js';
import { tagsToSpans } from '../labels/spans.js';
import { EntityLists, indicatorTable, MAX_FILE_ENTRIES, readEntryFile } from './gazetteer-lists.js';
import { featureOptions } from './options.js';
import type { Feature, FeatureBuildContext, FeatureContext, FeaturePlugin } from './types.js';

/** The spec keys of `gazetteer` and their defaults. */
export const GAZETTEER_DEFAULTS = {
  /** Training sentences match lists without their own document's entries (see above). */
  leaveDocumentOut: true,
  /** Corpus entries kept: gold spans in at least this share of their occurrences in the training text (0 keeps all). */
  minEntityRatio: 0.5,
  /** Match tokens exactly (false: lower-cased). */
  caseSensitive: true,
  /** Longest entry, in tokens (longer corpus spans are left out; a longer file entry is an error). */
  maxTokens: 10,
  /** User files of `TYPE<TAB>surface form` lines (read when training only; their entries are saved in the model). */
  files: [] as string[],
};

export type GazetteerOptions = typeof GAZETTEER_DEFAULTS;

/** More types than this would make the table (3^T rows) too large. */
export const MAX_GAZETTEER_TYPES = 10;

/** The spec's options over the defaults; unknown keys and bad values are errors naming the key. */
export function gazetteerOptions(spec: FeatureSpec): GazetteerOptions {
  return featureOptions('gazetteer', spec, GAZETTEER_DEFAULTS, (key, value, bad) => {
    if (key === 'leaveDocumentOut' || key === 'caseSensitive') {
      if (typeof value !== 'boolean') throw bad('true or false');
    } else if (key === 'minEntityRatio') {
      if (typeof value !== 'number' || !(value >= 0 && value <= 1)) throw bad('a number from 0 to 1');
    } else if (key === 'maxTokens') {
      if (!Number.isInteger(value) || (value as number) < 1) throw bad('an integer >= 1');
    } else if (!Array.isArray(value) || !value.every((f) => typeof f === 'string' && f !== '')) {
      throw bad('a list of file paths'); // files
    }
    return value;
  });
}

function gazetteerFeature(ctx: FeatureContext, lists: EntityLists, options: GazetteerOptions): Feature {
  return ctx.lookup({
    type: 'gazetteer',
    name: ctx.name,
    dim: 2 * lists.types.length,
    table: indicatorTable(lists.types.length),
    trainable: false, // the first layer's weights learn what each indicator means
    perWord: false,
    encode(tokens, out, offset, _training, context) {
      const exclude = options.leaveDocumentOut ? context?.trainDocument : undefined;
      lists.encode(tokens, out, offset, exclude);
    },
    padStart: 0,
    padEnd: 0,
    getState: () => ({ json: { types: [...lists.types], options, entries: lists.entries() }, tables: {} }),
  });
}

/** Entity types of the training corpus, sorted. */
function entityTypes(ctx: FeatureBuildContext): string[] {
  const types = new Set<string>();
  for (const s of ctx.train) for (const span of tagsToSpans(s.tags)) types.add(span.type);
  return [...types].sort();
}

function checkTypeCount(types: readonly string[]): void {
  if (types.length > MAX_GAZETTEER_TYPES) {
    throw new Error(`gazetteer feature: ${types.length} entity types (${types.join(', ')}), above the limit of ${MAX_GAZETTEER_TYPES} (its table has 3^types rows)`);
  }
}

export const gazetteerPlugin: FeaturePlugin = {
  create(spec, ctx) {
    const options = gazetteerOptions(spec);
    const types = entityTypes(ctx);
    checkTypeCount(types);
    const lists = new EntityLists(types, options.caseSensitive, options.maxTokens, ctx.words);
    ctx.train.forEach((s, i) => {
      for (const span of tagsToSpans(s.tags)) lists.add(s.tokens.slice(span.startToken, span.endToken), types.indexOf(span.type), ctx.trainDocuments[i]);
    });
    lists.filter(ctx.trainTokens, options.minEntityRatio);
    let budget = MAX_FILE_ENTRIES;
    for (const file of options.files) {
      const entries = readEntryFile(file, types, options.maxTokens, budget);
      budget -= entries.length;
      for (const e of entries) lists.add(e.tokens, types.indexOf(e.type), null);
    }
    return gazetteerFeature(ctx, lists, options);
  },
  restore(_spec, state, ctx) {
    const saved = state.json as { types?: unknown; options?: Record<string, unknown>; entries?: unknown };
    if (!Array.isArray(saved.types) || !saved.options || typeof saved.entries !== 'object' || saved.entries === null) {
      throw new Error('gazetteer feature: the model file\'s feature state has no entity lists');
    }
    const types = saved.types as string[];
    checkTypeCount(types);
    const options = gazetteerOptions({ type: 'gazetteer', ...saved.options });
    const lists = new EntityLists(types, options.caseSensitive, options.maxTokens, ctx.words);
    for (const [type, entries] of Object.entries(saved.entries as Record<string, string[][]>)) {
      const t = types.indexOf(type);
      if (t < 0 || !Array.isArray(entries)) throw new Error(`gazetteer feature: the model file's lists have type "${type}", not one of its types (${types.join(', ')})`);
      for (const tokens of entries) lists.add(tokens, t, null);
    }
    return gazetteerFeature(ctx, lists, options);
  },
};
