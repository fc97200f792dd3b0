/** CoNLL writer: "token tag" lines (or "token gold predicted" for conlleval), blank line between sentences. */
import { writeFileSync } from 'node:fs';
import { fromBio, type TagScheme } from '../labels/scheme.js';
import type { Sentence } from './types.js';

export interface ConllWriteOptions {
  /** Scheme to write the (BIO) tags in; default IOB2. */
  scheme?: TagScheme;
  /** Column separator; default a single space (conlleval's default). */
  separator?: ' ' | '\t';
  /** Predicted tags per sentence: adds a last column, giving conlleval's "token gold guess" input format. */
  predictions?: readonly (readonly string[])[];
}

export function formatConll(sentences: readonly Sentence[], options: ConllWriteOptions = {}): string {
  const sep = options.separator ?? ' ';
  const scheme = options.scheme ?? 'IOB2';
  const out: string[] = [];
  sentences.forEach((s, k) => {
    const tags = fromBio(s.tags, scheme);
    const pred = options.predictions ? options.predictions[k] : undefined;
    if (options.predictions && (!pred || pred.length !== s.tokens.length)) {
      throw new Error(`sentence ${k}: ${s.tokens.length} tokens but ${pred?.length ?? 0} predicted tags`);
    }
    const predTags = pred ? fromBio(pred, scheme) : undefined;
    s.tokens.forEach((tok, i) => {
      if (/\s/.test(tok) && sep === ' ') {
        throw new Error(`sentence ${k}, token ${i}: "${tok}" contains whitespace; write with separator '\\t'`);
      }
      out.push(predTags ? [tok, tags[i], predTags[i]].join(sep) : [tok, tags[i]].join(sep));
    });
    out.push('');
  });
  return out.join('\n');
}

export function writeConll(path: string, sentences: readonly Sentence[], options?: ConllWriteOptions): void {
  writeFileSync(path, formatConll(sentences, options), 'utf8');
}
