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
    // Product-analytics shorthand: the spelled-out rate is what the outcome and question patterns know.
    .replace(/\bctrs?\b/g, 'click-through rate')
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
    .replace(/\b(more|longer|less|shorter|beyond|at\s+least|at\s+most)\s+(than\s+)?(?:a|an|one)\s+(second|minute|hour|day|week|month|year)\b/g, (_m, cmp: string, than: string | undefined, unit: string) => `${cmp} ${than ?? ''}1 ${unit}`)
    // "fails within a week": the same for a duration bound written without a digit.
    .replace(/\b(within|before)\s+(?:a|an|one)\s+(second|minute|hour|day|week|month|year)\b/g, (_m, bound: string, unit: string) => `${bound} 1 ${unit}`);

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
  // Sports box-score shorthand "71-for-85 from the line": 71 made of 85 attempts.
  text = text.replace(/\b(\d+)\s*-\s*for\s*-\s*(\d+)\b/g, 'made $1 of $2');
  // Exposure in compound units ("1,800 patient-days", "40,000 device-hours", "per 1,000 bed-days"):
  // the time unit is what the rate is counted over; the prefix only names whose time it was.
  text = text.replace(/\b(\d+(?:\.\d+)?)\s+(?:patient|person|bed|device|machine|unit|component|engine|fleet|user|man|operating|equipment|vehicle|server)[- ](seconds?|minutes?|hours?|days?|weeks?|months?|years?)\b/g, '$1 $2');
  text = text.replace(/(\d)\s*per\s*cent\b/g, '$1%').replace(/(\d)\s*percent\b/g, '$1%').replace(/(\d)\s+%/g, '$1%');
  text = combineDurations(text);
  text = keyValuesToWords(text);
  text = resolveRatios(text.replace(/\s+/g, ' ').trim());
  return { text, corrections };
}

const FRACTION_DENOMINATOR: Record<string, number> = {
  half: 2, halves: 2, third: 3, thirds: 3, quarter: 4, quarters: 4, fourth: 4, fourths: 4, fifth: 5, fifths: 5, tenth: 10, tenths: 10,
};
const SECONDS: Record<string, number> = { second: 1, minute: 60, hour: 3600, day: 86400, week: 604800 };
const ORDINAL_EVERY: Record<string, number> = { second: 2, other: 2, third: 3, fourth: 4, fifth: 5, sixth: 6, tenth: 10 };

/** "a", "an", "one" or digits as a small count; undefined for anything else. */
function countOf(word: string | undefined): number | undefined {
  if (word === undefined || /^(?:a|an|one)$/.test(word)) return 1;
  return /^\d+$/.test(word) ? Number(word) : undefined;
}

/**
 * The total a ratio of two outcomes is taken of: the one whole number of the sentence (outside the ratio
 * itself) that the ratio splits into whole counts. None or several → undefined, and the caller must not
 * guess: a ratio read against the wrong total is a confidently wrong count.
 */
function ratioTotal(sentence: string, ratioSpan: [number, number], parts: number[]): number | undefined {
  const whole = parts.reduce((s, p) => s + p, 0);
  const candidates = new Set<number>();
  for (const m of sentence.matchAll(/(?<![\w.#/-])(\d+)(?![\w%]|\.\d|:\d)/g)) {
    if (m.index >= ratioSpan[0] && m.index < ratioSpan[1]) continue;
    const t = Number(m[1]);
    if (t >= whole && t > 1 && (t * parts[0]) % whole === 0 && parts.every((p) => (t * p) % whole === 0)) candidates.add(t);
  }
  return candidates.size === 1 ? [...candidates][0] : undefined;
}

/**
 * Ratios of outcomes and fractions of a total written as the counts they stand for, so the extractors
 * read counts: "3 heads for every 2 tails in 50 tosses" → "30 heads and 20 tails in 50 tosses", "twice
 * as many heads as tails over 30 flips", "tails came up 3 times as often as heads", "failures outnumbered
 * passes 3 to 2", "defective to good units ran 1 to 9", "a third of the 90" → "30 of the 90", "every
 * fourth call out of 160". A ratio with no total to resolve it drops its numbers, so the question
 * declines as missing counts instead of reading "3 heads, 2 tails" as the data. Odds stated for a
 * condition ("the odds of X are 1 to 19", "odds against X are 49 to 1") become its base rate.
 */
export function resolveRatios(text: string): string {
  return text
    .split(/(?<=[.?!;])\s+/)
    .map((sentence) => resolveSentence(sentence))
    .join(' ');
}

const WORD = "[a-z][a-z'-]*";
const RATIO_PATTERNS: { re: RegExp; read: (m: RegExpExecArray) => { x: string; y: string; a: number; b: number } | undefined }[] = [
  // "3 heads for every 2 tails", "2 heads for every tail"
  { re: new RegExp(String.raw`\b(\d+) (${WORD}) for (?:every|each) (\d+|a|an|one)? ?(${WORD})`), read: (m) => ({ x: m[2], y: m[4], a: Number(m[1]), b: countOf(m[3]) ?? NaN }) },
  // "twice as many heads as tails", "3 times as many failures as successes"
  { re: new RegExp(String.raw`\b(twice|(\d+) times) as many (${WORD}) as (${WORD})`), read: (m) => ({ x: m[3], y: m[4], a: m[1] === 'twice' ? 2 : Number(m[2]), b: 1 }) },
  // "heads twice as often as tails", "tails came up 3 times as often as heads", "failures were twice as common as successes"
  {
    re: new RegExp(String.raw`\b(${WORD}) (?:(?:came up|landed|turned up|showed up|were|was|appeared|occurred|happened) )?(twice|(\d+) times) as (?:often|common|frequent|frequently|likely|many times) as (${WORD})`),
    read: (m) => ({ x: m[1], y: m[4], a: m[2] === 'twice' ? 2 : Number(m[3]), b: 1 }),
  },
  // "failures outnumbered passes 3 to 2"
  { re: new RegExp(String.raw`\b(${WORD}) outnumbered (${WORD}) (?:by )?(\d+) (?:to|:) (\d+)`), read: (m) => ({ x: m[1], y: m[2], a: Number(m[3]), b: Number(m[4]) }) },
  // "defective to good units ran 1 to 9", "wins to losses were 2:1"
  {
    re: new RegExp(String.raw`\b(${WORD}) to (${WORD}(?: units| items| parts| games| calls)?) (?:ran|were|was|came to|stood at|went) (?:at )?(\d+) ?(?:to|:) ?(\d+)`),
    read: (m) => ({ x: m[1], y: m[2], a: Number(m[3]), b: Number(m[4]) }),
  },
];

function resolveSentence(sentence: string): string {
  let s = sentence;
  for (const { re, read } of RATIO_PATTERNS) {
    const m = re.exec(s);
    if (!m) continue;
    const r = read(m);
    if (!r || !Number.isFinite(r.a) || !Number.isFinite(r.b) || r.a <= 0 || r.b <= 0) continue;
    // "outnumbered 4 to 1" with a total was also read by the group extractor; the rewrite gives the same
    // counts, so it replaces that reading rather than adding one.
    const total = ratioTotal(s, [m.index, m.index + m[0].length], [r.a, r.b]);
    // With a total only the first-named count is written: "30 heads across 45 tosses" is the form the
    // extractors read (both counts beside the total read as three data numbers), and the other outcome is
    // its complement.
    const replacement = total === undefined ? `${r.x} and ${r.y} in an unstated ratio` : `${(total * r.a) / (r.a + r.b)} ${r.x}`;
    s = s.slice(0, m.index) + replacement + s.slice(m.index + m[0].length);
  }
  // "red, green and blue were chosen in the ratio 5:3:2 by 100 voters" → "red 50, green 30 and blue 20
  // were chosen by 100 voters"; "won and lost in the ratio 1:3 over 60 games" → "won 15 and lost 45 ...".
  const listed = new RegExp(String.raw`\b((?:${WORD}, )*${WORD},? and ${WORD})((?: (?:were|was|got|came|went|are|is))?(?: ${WORD})?) in (?:the |a )?ratio (?:of )?(\d+(?: ?: ?\d+)+)`).exec(s);
  if (listed) {
    const labels = listed[1].split(/,? and |, /);
    const parts = listed[3].split(/ ?: ?/).map(Number);
    const span: [number, number] = [listed.index, listed.index + listed[0].length];
    const total = labels.length === parts.length && parts.every((p) => p > 0) ? ratioTotal(s, span, parts) : undefined;
    const whole = parts.reduce((a, b) => a + b, 0);
    const counts = labels.map((l, i) => `${l} ${total === undefined ? 'some' : (total * parts[i]) / whole}`);
    const written = counts.length > 1 ? `${counts.slice(0, -1).join(', ')} and ${counts.at(-1)}` : counts[0];
    s = s.slice(0, span[0]) + written + listed[2] + s.slice(span[1]);
    // The counts now add up to the total, so its phrase is dropped: a total trailing the counts ("... by 100
    // voters") was read as one more category, and one moved before them was too for some nouns.
    const trailing = total === undefined ? null : new RegExp(String.raw` (?:by|of|among|from|across|over|in) (?:the |all )?${total} ${WORD}`).exec(s);
    if (trailing && trailing.index > span[0]) s = `${s.slice(0, trailing.index)}${s.slice(trailing.index + trailing[0].length)}`;
  }
  // "over a 2-hour window, calls came in at 3 every 10 minutes" → "36 calls came in": a rate stated per
  // block of time, resolved against the one stated observation period when it gives a whole count.
  const perBlock = new RegExp(String.raw`\b(${WORD}) (came in|arrived|occurred|happened|were logged|were received|were reported) at (?:a rate of )?(\d+) (?:every|per|each|in every) (\d+) (second|minute|hour|day|week)s?\b`).exec(s);
  if (perBlock) {
    const periods = [...s.matchAll(/\b(\d+(?:\.\d+)?)[- ](second|minute|hour|day|week)s?\b/g)].filter((m) => m.index < perBlock.index || m.index >= perBlock.index + perBlock[0].length);
    const block = Number(perBlock[4]) * SECONDS[perBlock[5]];
    const count = periods.length === 1 ? (Number(perBlock[3]) * Number(periods[0][1]) * SECONDS[periods[0][2]]) / block : NaN;
    if (Number.isInteger(count)) s = `${s.slice(0, perBlock.index)}${count} ${perBlock[1]} ${perBlock[2]}${s.slice(perBlock.index + perBlock[0].length)}`;
  }
  // "a third of the 90", "2 thirds of the 120 respondents", "half of the 64": a share of a stated total.
  s = s.replace(/\b(?:(a|an|one|\d+) )?(half|halves|thirds?|quarters?|fourths?|fifths?|tenths?) of (the |its |our |their |all |all the )?(\d+)(?!\d|\.\d|%)/g, (m, num: string | undefined, frac: string, art: string | undefined, n: string) => {
    const share = (countOf(num) ?? NaN) / FRACTION_DENOMINATOR[frac];
    const k = share * Number(n);
    if (num === undefined && frac !== 'half') return m;
    if (!Number.isInteger(k) || share > 1) return m;
    // "a quarter of the 120 widgets were tested and 40 of them failed": "them" are the k, not the n.
    return `${k} of ${art ?? 'the '}${n}\u0000${k}`;
  });
  s = s.replace(new RegExp(String.raw`\bevery (second|other|third|fourth|fifth|sixth|tenth) (${WORD}) (?:out )?of (?:the |its |our |their )?(\d+)(?!\d|\.\d|%)`, 'g'), (m, ord: string, noun: string, n: string) => {
    const k = Number(n) / ORDINAL_EVERY[ord];
    return Number.isInteger(k) ? `${k} of the ${n} ${noun}s\u0000${k}` : m;
  });
  // "a fifth of the applications are fraudulent": a share with no count after it is a percentage (only
  // the shares that are whole percentages; "them" refers back to a count and is left alone).
  s = s.replace(/\b(a|an|one|\d+) (halves|half|quarters?|fifths?|tenths?) of (?!them\b|the \d|\d|its \d|our \d)/g, (m, num: string, frac: string) => {
    const share = (countOf(num) ?? NaN) / FRACTION_DENOMINATOR[frac];
    return share > 0 && share <= 1 ? `${Number((100 * share).toPrecision(10))}% of ` : m;
  });
  const share = /\u0000(\d+)/.exec(s);
  if (share) s = s.replace(/\u0000\d+/g, '').replace(/\b(\d+) of them\b/g, `$1 of the ${share[1]}`);
  // Odds for a condition as its base rate: "the odds of an email being spam are 1 to 3" → 25 %.
  s = s.replace(/\b(?:the )?(?:prior )?odds (against|of|that|for) ([^,;]+?) (?:are|is|were|was) (\d+(?:\.\d+)?) (?:to|:) (\d+(?:\.\d+)?)( against)?(?!\d|\.\d)/, (m, dir: string, what: string, a: string, b: string, against: string | undefined) => {
    const [x, y] = [Number(a), Number(b)];
    if (!(x > 0 && y > 0)) return m;
    const p = dir === 'against' || against ? y / (x + y) : x / (x + y);
    return `the base rate of ${what} is ${Number((100 * p).toPrecision(10))}%`;
  });
  return s;
}
