/**
 * Word shape: upper-case letters -> "X", other letters -> "x", digits -> "d", everything else kept
 * ("Mark" -> "Xxxx", "3.50" -> "d.dd"). With `{ collapse: true }` runs of the same shape char longer than 2
 * shrink to 2 ("Washington" -> "Xxx"), so the shape vocabulary stays small.
 */
export interface ShapeOptions {
  collapse?: boolean;
}

export function wordShape(word: string, options: ShapeOptions = {}): string {
  let out = '';
  let run = 0;
  for (const ch of word) {
    let s: string;
    if (/[\p{Lu}\p{Lt}]/u.test(ch)) s = 'X';
    else if (/\p{L}/u.test(ch)) s = 'x';
    else if (/\p{Nd}/u.test(ch)) s = 'd';
    else if (/\p{M}/u.test(ch)) continue; // accents do not change the shape
    else s = ch;
    run = out.endsWith(s) ? run + 1 : 1;
    if (options.collapse && run > 2) continue;
    out += s;
  }
  return out;
}
