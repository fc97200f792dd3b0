export { parseTag, tryParseTag, typeOf } from './tag';
export type { ParsedTag, TagPrefix } from './tag';
export { detectScheme, toBio, fromBio, bioToIo } from './scheme';
export type { TagScheme } from './scheme';
export { isValidTransition } from './transitions';
export type { LabelScheme } from './transitions';
export { LabelSet } from './label-set';
export { tagsToSpans, spansToTags, indicesToSpans } from './spans';
export type { Span } from './spans';
