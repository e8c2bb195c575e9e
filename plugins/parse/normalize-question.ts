/**
 * First pass over a question: lower case, plain ASCII punctuation, spelling fixed against the
 * cue vocabulary (small edit distance), number words turned into digits, thousands separators
 * removed. Pure.
 */
import { modelCatalog } from '../model-catalog.js';
import { NUMBER_WORDS, replaceNumberWords } from './number-words.js';
import { lookupUnit } from './units.js';

export interface NormalizedQuestion {
  text: string;
  corrections: { from: string; to: string }[];
}

// Frequent English words that sit within one edit of a cue word and must never be "corrected".
const COMMON = new Set(
  ('the and for are but not you all any can had her was one our out day get has him his how man new now old see ' +
    'two way who boy did its let put say she too use that with have this will your from they know want been good ' +
    'much some time very when come here just like long make many more only over such take than them well were what ' +
    'where which while would there their these those then into also after again could should about above below ' +
    'under other each most same both once given gives heads head test tests tested rate rates mean means late later ' +
    'last lasts lasted rolls roll rolled flip flips flipped made make makes miss missed misses hit hits calls call ' +
    'said says days hours year years week weeks ones twos fives sixes fours threes times time true false fair ' +
    'died dies lived lives fired hired tries tried cured cures pass passes passed past fail fails failed sides side ' +
    'find found fund line lines liked likes likely least less lest next text best better bitter letter later ' +
    'higher lower larger smaller bigger above over under among total totals count counts counted number numbers ' +
    'people person persons patient patients user users visit visits visitor items item parts part units unit ' +
    'batch batches group groups drug drugs shot shots throw throws threw thrown trial trials survey surveys ' +
    'sample samples sampled chance chances odds value values level levels score scores state states stated ' +
    'average mean median model models data point points percent percentage per each every what whats ' +
    'probability probabilities likelihood expected expect expects number event events show shows shown ' +
    'coins coin dice die dies tail tails taxi cab cabs blue green red white black yellow orange purple ' +
    'result results answer answers question questions observe observed observes record recorded spam ham ' +
    'tells told telling says saw seen see sees seeing gets got getting gave give came comes went goes going ' +
    'minus plus times divided equal equals versus given kicks picks lasts costs hosts posts lists ' +
    'effect effects affect factory factories report reports reported ' +
    'is it in on at to of or as an be by do go if me my no so up us we a i').split(/\s+/),
);

let vocabulary: string[] | undefined;

function vocab(): string[] {
  if (!vocabulary) {
    const catalog = modelCatalog();
    const words = new Set<string>(catalog.vocabulary);
    for (const family of Object.values(catalog.families)) for (const cue of family.cues) words.add(cue);
    for (const unit of Object.values(catalog.units)) for (const alias of unit.aliases) words.add(alias);
    for (const pair of catalog.complements) for (const w of pair) words.add(w);
    vocabulary = [...words].filter((w) => /^[a-z]{5,}$/.test(w));
  }
  return vocabulary;
}

/** Optimal-string-alignment distance (Levenshtein plus adjacent transpositions), capped. */
export function editDistance(a: string, b: string, cap = 3): number {
  if (Math.abs(a.length - b.length) > cap) return cap + 1;
  const rows = a.length + 1;
  const cols = b.length + 1;
  const d: number[][] = Array.from({ length: rows }, (_, i) => Array.from({ length: cols }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)));
  for (let i = 1; i < rows; i++) {
    let rowMin = Number.POSITIVE_INFINITY;
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let v = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) v = Math.min(v, d[i - 2][j - 2] + 1);
      d[i][j] = v;
      rowMin = Math.min(rowMin, v);
    }
    if (rowMin > cap) return cap + 1;
  }
  return d[a.length][b.length];
}

function isTransposition(a: string, b: string): boolean {
  const diff = [...a].map((ch, i) => (ch === b[i] ? -1 : i)).filter((i) => i >= 0);
  return diff.length === 2 && diff[1] === diff[0] + 1 && a[diff[0]] === b[diff[1]] && a[diff[1]] === b[diff[0]];
}

/** Prefixes that negate or modify a known word: "unbiased" is a word, not a typo of "biased". */
const PREFIXES = ['un', 'non', 'non-', 'in', 'im', 'dis', 'mis', 're', 'pre', 'over', 'under'];

function isKnown(word: string, known: Set<string>): boolean {
  const plain = (w: string) => known.has(w) || COMMON.has(w) || NUMBER_WORDS.has(w);
  if (plain(word)) return true;
  // Inflections of a known word are known too ("tosses" from "toss", "converts" from "convert",
  // "averaged" from "average").
  for (const suffix of ['s', 'es', 'ing', 'ly', 'er', 'ers']) {
    if (word.endsWith(suffix) && plain(word.slice(0, -suffix.length))) return true;
  }
  if (word.endsWith('ed') && plain(word.slice(0, -1))) return true;
  // The base form of a known inflection is a word too ("measure" from "measured").
  if (['s', 'd', 'ed', 'es', 'ing'].some((suffix) => plain(word + suffix))) return true;
  // A prefixed known word is a different word with its own meaning: "correcting" it would flip
  // the meaning ("unbiased" -> "biased").
  return PREFIXES.some((p) => word.startsWith(p) && word.length - p.length >= 4 && plain(word.slice(p.length)));
}

/** Endings that turn one word into a related word ("recovery", "recovered", "recovering"). */
const DERIVATIONS = new Set(['', 'y', 'ies', 'ied', 'ed', 'd', 'e', 'es', 'ing', 'ion', 'ions', 'ly', 'er', 'ers', 'or', 'ors', 'al', 'ity', 'ive', 'ment', 'ness', 'able']);

/**
 * "recovery" vs "recovered": the same stem with two different endings is a related word, not a
 * misspelling; replacing it could change what the question asks about.
 */
function isRelatedForm(word: string, candidate: string): boolean {
  let common = 0;
  while (common < word.length && common < candidate.length && word[common] === candidate[common]) common++;
  if (common < 5) return false;
  const a = word.slice(common);
  const b = candidate.slice(common);
  return DERIVATIONS.has(a) && DERIVATIONS.has(b) && a !== '' && b !== '' && !a.endsWith(b) && !b.endsWith(a);
}

/** Corrects one word against the vocabulary; null when it is fine or no unique close match exists. */
export function correctWord(word: string): string | null {
  const words = vocab();
  const known = new Set(words);
  if (word.length < 5 || isKnown(word, known)) return null;
  const maxDistance = word.length >= 8 ? 2 : 1;
  let best: string | null = null;
  let bestDistance = maxDistance + 1;
  let tie = false;
  for (const candidate of words) {
    // Correcting a word into a number word ("severity" -> "seventy") would invent data.
    if (NUMBER_WORDS.has(candidate)) continue;
    // A short word with one letter swapped for another is often a different real word
    // ("kicks" is not "picks"): short words only get insertions, deletions and transpositions.
    if (word.length < 7 && candidate.length <= word.length && !isTransposition(word, candidate)) continue;
    const dist = editDistance(word, candidate, maxDistance);
    if (dist < bestDistance) {
      best = candidate;
      bestDistance = dist;
      tie = false;
    } else if (dist === bestDistance && candidate !== best) {
      tie = true;
    }
  }
  return best !== null && bestDistance <= maxDistance && !tie && !isRelatedForm(word, best) ? best : null;
}

/** Each larger unit in the smaller one it is written with ("1 year and 6 months", "2 hours 30 minutes"). */
const DURATION_PAIRS: [string, string, number][] = [
  ['years?', 'months?', 12],
  ['weeks?', 'days?', 7],
  ['days?', 'hours?', 24],
  ['hours?', 'minutes?', 60],
  ['minutes?', 'seconds?', 60],
];

/**
 * "in a day and a half", "over 2 hours 30 minutes", "1 year and 6 months": one duration written in
 * two parts. The extractors read one number per duration, so without this the first part alone was
 * taken as the exposure (a confidently wrong rate); the parts are summed in the smaller unit.
 */
function combineDurations(text: string): string {
  let out = text.replace(/\b(?:(\d+)|a|an|one)\s+(second|minute|hour|day|week|month|year)s?\s+and\s+a\s+half\b/g, (_m, n: string | undefined, unit: string) => `${Number(n ?? 1) + 0.5} ${unit}s`);
  for (const [big, small, factor] of DURATION_PAIRS) {
    out = out.replace(new RegExp(String.raw`\b(\d+)\s+(${big})\s+(?:and\s+)?(\d+(?:\.\d+)?)\s+(${small})\b`, 'g'), (_m, a: string, _b: string, c: string, unit: string) => {
      const total = Number(a) * factor + Number(c);
      return `${total} ${unit.replace(/s$/, '')}s`;
    });
  }
  return out;
}

/** Normalises a question for the embedded extractors. */
/**
 * Lab-notebook data ("n=40, positives=7", "tosses=120 heads=71", "base_rate=0.2, result=negative")
 * written as prose the extractors read: "40 trials, 7 positives", "0.2 base rate", "negative result".
 * Only when at least two such pairs appear, so a lone "p = 0.5" or "x = [...]" keeps its meaning; a
 * value with a time unit after it ("period=6 months") becomes "over 6 months", an exposure.
 */
function keyValuesToWords(text: string): string {
  const pair = /\b([a-z][a-z_]*)\s*=\s*(-?\d+(?:\.\d+)?%?|positive|negative)(?![\w(\[]|\.\d)/g;
  if ((text.match(pair) ?? []).length < 2) return text;
  return text.replace(pair, (m, key: string, value: string, offset: number) => {
    if (key === 'p' || key.length > 30) return m;
    const words = key.replace(/_/g, ' ');
    if (/^(?:positive|negative)$/.test(value)) return /^(?:result|test|outcome)$/.test(words) ? `${value} result` : m;
    if (words === 'n' || words === 'trials' || words === 'total') return `${value} trials`;
    // A unit after the value: the key names a period ("period=6 months" → "over 6 months").
    const next = /^\s+([a-z]+)/.exec(text.slice(offset + m.length))?.[1];
    if (next !== undefined && lookupUnit(next)?.dimension === 'time') return `over ${value}`;
    return `${value} ${words}`;
  });
}

export function normalizeQuestion(question: string): NormalizedQuestion {
  let text = question
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\u2018\u2019\u201b\u2032]/g, "'")
    .replace(/[\u201c\u201d\u201e\u2033]/g, '"')
    .replace(/[\u2010-\u2015\u2212]/g, '-')
    // A line that ends in a word or number, followed by a line that starts with a word, ends a
    // sentence ("A: 27/300\nB: 41/310\nProbability that B beats A?"): without the break the data
    // lines and the question would read as one sentence. Bullets ("\n- 12.4") and lines ending in
    // ":" or "," continue the sentence.
    .replace(/([A-Za-z0-9%)])[ \t]*(?:\r?\n)+[ \t]*(?=[A-Za-z])/g, '$1. ')
    .replace(/[\r\n\t]+/g, ' ')
    .replace(/[^\x20-\x7e]/g, ' ')
    // A fortnight is two weeks; the unit catalog knows weeks, so spell it out before number words
    // and spelling are handled ("the past fortnight" -> "the past 2 weeks", "fortnightly" -> "every 2 weeks").
    .replace(/\bfortnightly\b/g, 'every 2 weeks')
    .replace(/\b(\d+(?:\.\d+)?)\s+fortnights?\b/g, (_m, n: string) => `${2 * Number(n)} weeks`)
    .replace(/\b(?:a|one)\s+fortnight\b/g, '2 weeks')
    .replace(/\bfortnights?\b/g, '2 weeks')
    // Fractions of an hour and decades: the unit catalog knows minutes and years, and a window the
    // parser cannot read would otherwise fall back to a rate per unit (a wrong number, not a decline).
    .replace(/\b(?:a\s+|one\s+)?half\s+(?:an\s+)?hour\b/g, '30 minutes')
    .replace(/\b(?:a\s+|one\s+)?quarter\s+(?:of\s+)?(?:an\s+)?hour\b/g, '15 minutes')
    .replace(/\b(?:a|one|per|each|every)\s+decade\b/g, (m) => `${/^(?:per|each|every)/.test(m) ? m.split(/\s+/)[0] + ' ' : ''}10 years`)
    .replace(/\bdecades\b/g, '10 years')
    // "more than a week without a complaint": a threshold of one unit, written without a digit.
    .replace(/\b(more|longer|less|shorter|beyond|at\s+least|at\s+most)\s+(than\s+)?(?:a|an|one)\s+(second|minute|hour|day|week|month|year)\b/g, (_m, cmp: string, than: string | undefined, unit: string) => `${cmp} ${than ?? ''}1 ${unit}`);

  const corrections: { from: string; to: string }[] = [];
  text = text.replace(/[a-z]+/g, (word) => {
    const fixed = correctWord(word);
    if (fixed === null) return word;
    corrections.push({ from: word, to: fixed });
    return fixed;
  });

  text = replaceNumberWords(text);
  // Thousands separators: "1,204" → "1204" (a list "3, 4" has a space and is kept).
  text = text.replace(/\b\d{1,3}(?:,\d{3})+(?![\d])/g, (m) => m.replace(/,/g, ''));
  text = text.replace(/(\d)\s*per\s*cent\b/g, '$1%').replace(/(\d)\s*percent\b/g, '$1%').replace(/(\d)\s+%/g, '$1%');
  text = combineDurations(text);
  text = keyValuesToWords(text);
  text = text.replace(/\s+/g, ' ').trim();
  return { text, corrections };
}
