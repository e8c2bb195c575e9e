/**
 * Numbers written as words ("twenty", "a dozen", "one hundred and five", "twenty-one") turned
 * into digits, so the extractors only deal with digits. Pure.
 */

const SMALL: Record<string, number> = {
  zero: 0, one: 1, two: 2, three: 3, four: 4, five: 5, six: 6, seven: 7, eight: 8, nine: 9, ten: 10,
  eleven: 11, twelve: 12, thirteen: 13, fourteen: 14, fifteen: 15, sixteen: 16, seventeen: 17,
  eighteen: 18, nineteen: 19,
};
const TENS: Record<string, number> = {
  twenty: 20, thirty: 30, forty: 40, fifty: 50, sixty: 60, seventy: 70, eighty: 80, ninety: 90,
};
const SCALES: Record<string, number> = { hundred: 100, thousand: 1000, million: 1_000_000 };

/** Every word that can be part of a written number. */
export const NUMBER_WORDS: ReadonlySet<string> = new Set([...Object.keys(SMALL), ...Object.keys(TENS), ...Object.keys(SCALES), 'dozen']);

const WORD = [...Object.keys(SMALL), ...Object.keys(TENS), ...Object.keys(SCALES), 'dozen'].join('|');
// A run of number words, optionally led by "a" ("a dozen", "a hundred"), joined by spaces,
// hyphens or "and" ("one hundred and five").
const RUN = new RegExp(`\\b(?:(?:a|an)\\s+(?=(?:dozen|hundred|thousand|million)\\b))?(?:${WORD})(?:(?:\\s+|-|\\s+and\\s+)(?:${WORD}))*\\b`, 'g');

/** Value of a run of number words; null when the words do not form a number. */
export function wordsToNumber(run: string): number | null {
  const words = run.toLowerCase().replace(/-/g, ' ').split(/\s+/).filter((w) => w && w !== 'and');
  let total = 0;
  let current = 0;
  let seen = false;
  // "one two" is two numbers, not three: a unit word may not follow a unit or teen word, nor a
  // tens word follow another tens or unit word, without a scale in between.
  let last: 'small' | 'tens' | 'scale' | null = null;
  for (const [i, w] of words.entries()) {
    if (w in SMALL && (last === 'small' || (last === 'tens' && SMALL[w] >= 10))) return null;
    if (w in TENS && (last === 'small' || last === 'tens')) return null;
    last = w in SMALL ? 'small' : w in TENS ? 'tens' : w in SCALES || w === 'dozen' ? 'scale' : last;
    if ((w === 'a' || w === 'an') && i === 0) {
      current = 1;
      continue;
    }
    if (w in SMALL) {
      current += SMALL[w];
      seen = true;
    } else if (w in TENS) {
      current += TENS[w];
      seen = true;
    } else if (w === 'dozen') {
      current = (current || 1) * 12;
      seen = true;
    } else if (w === 'hundred') {
      current = (current || 1) * 100;
      seen = true;
    } else if (w in SCALES) {
      total += (current || 1) * SCALES[w];
      current = 0;
      seen = true;
    } else {
      return null;
    }
  }
  return seen ? total + current : null;
}

/**
 * Replaces number words with digits: "fourteen heads" → "14 heads", "a dozen eggs" → "12 eggs",
 * "2 dozen" → "24". Words that are not part of a number are kept.
 */
export function replaceNumberWords(text: string): string {
  // "2 dozen" first, so the run below does not read "dozen" alone as 12.
  let out = text.replace(/\b(\d+)\s+dozen\b/g, (_m, n: string) => String(Number(n) * 12));
  out = out.replace(RUN, (run) => {
    // "and" between two separate numbers ("fourteen and six") is a conjunction, not "one hundred and five".
    const parts = run.split(/\s+and\s+/);
    if (parts.length > 1 && !/hundred|thousand|million/.test(parts[0])) {
      return parts.map((p) => String(wordsToNumber(p) ?? p)).join(' and ');
    }
    const value = wordsToNumber(run);
    if (value !== null) return String(value);
    // Several numbers in a row ("one two"): convert each word on its own.
    return run.split(/(\s+|-)/).map((w) => (/^\s+$|^-$/.test(w) ? w : String(wordsToNumber(w) ?? w))).join('');
  });
  return out.replace(/\b(\d+)\s+dozen\b/g, (_m, n: string) => String(Number(n) * 12));
}
