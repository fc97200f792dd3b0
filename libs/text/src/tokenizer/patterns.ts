/**
 * Patterns the default tokenizer keeps whole before natural sees the text: natural's Treebank tokenizer would
 * cut URLs, e-mails, @mentions, #hashtags, emoji (into surrogate halves) and abbreviations ("U.S." -> "U.S", ".").
 * Order matters: the earliest match wins, and at one position the first alternative wins.
 */

/** Titles, company suffixes, months… that end with a dot which is not a sentence end (CoNLL keeps them whole). */
const ABBREVIATIONS = [
  'Mr', 'Mrs', 'Ms', 'Dr', 'Prof', 'Sr', 'Jr', 'St', 'Mt', 'Ft', 'Inc', 'Ltd', 'Co', 'Corp', 'Cos', 'Bros', 'Plc',
  'Gen', 'Gov', 'Sen', 'Rep', 'Rev', 'Col', 'Lt', 'Sgt', 'Capt', 'Cmdr', 'Adm', 'Maj', 'Pres', 'vs', 'etc', 'approx',
  'Jan', 'Feb', 'Mar', 'Apr', 'Jun', 'Jul', 'Aug', 'Sep', 'Sept', 'Oct', 'Nov', 'Dec', 'Ave', 'Blvd', 'Dept', 'Fig',
  'No', 'Nos', 'Vol', 'Ph', 'Calif', 'Mass', 'Conn', 'Ariz', 'Fla', 'Wash', 'Penn',
];

// A URL stops at markup (<, >), quotes and format characters (a bidi override after a link is not part of it).
const URL = String.raw`(?:https?:\/\/|ftp:\/\/|www\.)[^\s<>"\p{Cf}]*[^\s<>".,;:!?)\]}'’”\p{Cf}]`;
const EMAIL = String.raw`(?<![\p{L}\p{N}._%+-])[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)*\.\p{L}{2,}`;
const MENTION = String.raw`(?<![\p{L}\p{N}_@])@[\p{L}\p{N}_]+`;
const HASHTAG = String.raw`(?<![\p{L}\p{N}_&#])#[\p{L}\p{N}_]*\p{L}[\p{L}\p{N}_]*`;
// One pictograph with its modifiers (skin tone, variation selector, keycap), ZWJ-joined sequences, or a flag.
const EMOJI_ONE = String.raw`\p{Extended_Pictographic}(?:\p{Emoji_Modifier}|\uFE0F|\u20E3)*`;
const EMOJI = String.raw`${EMOJI_ONE}(?:\u200D${EMOJI_ONE})*|\p{Regional_Indicator}{2}`;
// "U.S.", "e.g.", "U.S.A.": letters each followed by a dot; "W." (a middle initial) too.
const LETTER_DOTS = String.raw`(?<![\p{L}\p{N}.])(?:\p{L}\.){2,}(?![\p{L}\p{N}])|(?<![\p{L}\p{N}.])\p{Lu}\.(?![\p{L}\p{N}.])`;
const KNOWN_ABBREVIATION = String.raw`(?<![\p{L}\p{N}.])(?:${ABBREVIATIONS.join('|')})\.(?![\p{L}\p{N}.])`;
const ELLIPSIS = String.raw`\.{2,}|…`;
const DASHES = String.raw`-{2,}|[–—]`;
// PTB-style doubled quotes, which natural would glue to the word before them.
const DOUBLE_QUOTES = "``|''";

export const PROTECTED = new RegExp(
  [URL, EMAIL, MENTION, HASHTAG, EMOJI, LETTER_DOTS, KNOWN_ABBREVIATION, ELLIPSIS, DASHES, DOUBLE_QUOTES].map((p) => `(?:${p})`).join('|'),
  'gu',
);

/** A "word" for the fallback scanner: a letter/number run with its combining marks, else one code point + marks. */
export const FALLBACK_PIECE = /[\p{L}\p{N}][\p{L}\p{N}\p{M}]*|[\s\S]\p{M}*/gu;

/** Code units that must never start a token when glued to the previous one (they belong to the previous char). */
export const CONTINUATION = /^(?:\p{M}|[\uDC00-\uDFFF]|\u200D|[\uFE00-\uFE0F]|\p{Emoji_Modifier})/u;

/** Joiners that belong inside a word when letters stand on both sides (Persian ZWNJ, soft hyphen, ZWJ). */
const JOINER = String.raw`[\u00AD\u200C\u200D]`;
/**
 * What the default tokenizer splits on inside a whitespace-free chunk, before natural sees it (outside PROTECTED):
 * - group 1, markup: "<", ">", and "/" unless it stands between digits (CoNLL keeps "1/2", "08/26/96" whole), so
 *   "<b>Paris</b>" gives "Paris"; each becomes a token of its own (with any combining marks on it, as after any
 *   character, so the next piece never starts with one).
 * - otherwise a Unicode format character (category Cf: bidi controls, zero-width space, BOM, invisible operators):
 *   never a token, never inside one, so no entity starts, ends or consists of one. A joiner between two letters
 *   or marks is the exception and stays in its word.
 */
export const SPLITTER = new RegExp(
  String.raw`((?:[<>]|(?<!\p{N})\/|\/(?!\p{N}))(?:\p{M}|[\uDC00-\uDFFF])*)|(?!${JOINER})\p{Cf}|(?<![\p{L}\p{M}])${JOINER}|${JOINER}(?![\p{L}\p{M}])`,
  'gu',
);
