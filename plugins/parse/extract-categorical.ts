/**
 * Categorical counts: die faces ("12 sixes in 60 rolls", "a 6 came up 12 times") and labelled
 * options ("A got 40 votes, B 35, C 25"). K comes from the object (a die has 6 faces unless
 * stated), a stated number of options, or the listed categories. Pure.
 */
import { modelCatalog } from '../model-catalog.js';
import { isIncidental, penalty, questionText, type Extraction, type Num, type Scan } from './scan.js';
import type { ParsePenalty } from '../problem.js';

const FACE_WORDS: Record<string, number> = { ones: 1, twos: 2, threes: 3, fours: 4, fives: 5, sixes: 6 };
const COLORS = 'red|blue|green|yellow|orange|purple|white|black|brown|pink|gray|grey';

interface CountEntry {
  label: string;
  count: number;
  num: Num;
  /** The number that names the category ("a 6 came up", "3: 5"), when it is one. */
  labelNum?: Num;
}

function numAt(scan: Scan, index: number): Num | undefined {
  return scan.numbers.find((n) => n.start === index);
}

function dieFaces(scan: Scan): { faces: number; stated: boolean } | null {
  if (!/\b(?:die|dice|d\d+)\b/.test(scan.text)) return null;
  const sided = /\b(\d+)[\s-]*(?:sided|faced)\b|\b(\d+)\s+(?:faces|sides)\b|\bd(\d+)\b/.exec(scan.text);
  if (sided) return { faces: Number(sided[1] ?? sided[2] ?? sided[3]), stated: true };
  const fact = modelCatalog().facts.die as { faces?: number } | undefined;
  return { faces: fact?.faces ?? 6, stated: false };
}

function diceCounts(scan: Scan): CountEntry[] {
  const out: CountEntry[] = [];
  const add = (label: string, countIndex: number, labelIndex?: number) => {
    const num = numAt(scan, countIndex);
    const labelNum = labelIndex === undefined ? undefined : numAt(scan, labelIndex);
    if (num && !out.some((e) => e.label === label)) out.push({ label, count: num.value, num, labelNum });
  };
  for (const m of scan.text.matchAll(/(-?\d+)\s+(ones|twos|threes|fours|fives|sixes)\b/g)) add(String(FACE_WORDS[m[2]]), m.index ?? 0);
  // "four 1s, three 2s" (normalised to "4 1s, 3 2s"): a count of a face written as a plural digit.
  for (const m of scan.text.matchAll(/(-?\d+)\s+(\d+)'?s\b/g)) add(m[2], m.index ?? 0, (m.index ?? 0) + m[0].lastIndexOf(m[2]));
  for (const m of scan.text.matchAll(/\b(?:a|the\s+number|face|number)?\s*(\d+)\s+(?:came\s+up|appeared|showed\s+up|was\s+rolled|occurred|turned\s+up|landed)\s+(-?\d+)\s+times/g)) {
    add(m[1], (m.index ?? 0) + m[0].lastIndexOf(m[2]), (m.index ?? 0) + m[0].indexOf(m[1]));
  }
  for (const m of scan.text.matchAll(/\brolled\s+(?:a\s+)?(\d+)\s+(-?\d+)\s+times/g)) add(m[1], (m.index ?? 0) + m[0].lastIndexOf(m[2]), (m.index ?? 0) + m[0].indexOf(m[1], 6));
  for (const m of scan.text.matchAll(/\ba\s+(\d+)\s+(-?\d+)\s+times/g)) add(m[1], (m.index ?? 0) + m[0].lastIndexOf(m[2]), (m.index ?? 0) + m[0].indexOf(m[1]));
  for (const m of scan.text.matchAll(/(?:^|[\s,;:])(\d+)\s*:\s*(-?\d+)/g)) add(m[1], (m.index ?? 0) + m[0].lastIndexOf(m[2]), (m.index ?? 0) + m[0].search(/\d/));
  // "two ones, one two, three threes": after number words, "1 2" is one 2.
  for (const m of scan.text.matchAll(/(?:^|[,:;]\s*|\band\s+)(-?\d+)\s+(\d)(?=\s*(?:,|;|\band\b|\.|$))/g)) {
    add(m[2], (m.index ?? 0) + m[0].indexOf(m[1]), (m.index ?? 0) + m[0].lastIndexOf(m[2]));
  }
  for (const m of scan.text.matchAll(/\b(ones|twos|threes|fours|fives|sixes)\s*:?\s+(-?\d+)/g)) add(String(FACE_WORDS[m[1]]), (m.index ?? 0) + m[0].lastIndexOf(m[2]));
  for (const m of scan.text.matchAll(/(-?\d+)\s+of\s+(?:the\s+|them\s+|these\s+)?(?:rolls\s+|them\s+)?(?:were|came\s+up|showed|landed\s+on)\s+(?:a\s+)?(\d+)\b/g)) add(m[2], m.index ?? 0);
  return out;
}

const FILLER = new Set(
  ('an the of and or to for with were was is are got received had chose choose picked preferred said says voted went ' +
    'came up times time people respondents customers voters votes diners donors students users ordered orders ' +
    'turned landed on them their it its these those who which that in at by from as our we they type s').split(' '),
);

/** Content words of a label, lightly stemmed ("teas" → "tea", "turned left" → "left"). */
export function labelWords(text: string): string[] {
  return text
    .split(/[^a-z0-9'-]+/)
    .map((w) => w.replace(/'s$|'/g, ''))
    .filter((w) => w && !FILLER.has(w) && !/^\d/.test(w))
    .map((w) => (w.length > 3 && w.endsWith('ies') ? `${w.slice(0, -3)}y` : w.length > 3 && w.endsWith('es') && !w.endsWith('ses') ? w.slice(0, -1) : w.length > 3 && w.endsWith('s') && !w.endsWith('ss') ? w.slice(0, -1) : w));
}

/** "4 colours", "3 options": the number of categories, not a count. */
function namesCategories(n: Num): boolean {
  return /^(?:options|categories|candidates|colou?rs|choices|flavou?rs|answers|brands|parties|outcomes|faces|sides|ratings|types|kinds|sided)$/.test(n.after[0] ?? '');
}

/** "of 500 cars", "among 80 pets", "90 diners:": a total, not a category count. */
function isTotal(scan: Scan, n: Num): boolean {
  const prev = n.before.slice(-3).join(' ');
  return /\b(?:of|among|out\s+of|total|all|sample\s+of|surveyed|asked|polled)$/.test(prev) || /^\s*[a-z]*\s*:/.test(scan.text.slice(n.end, n.end + 20)) && /^\s*[a-z]+\s*:/.test(scan.text.slice(n.end, n.end + 20));
}

/** Years and identifiers ("since 2012"). */
function isLabelNumber(scan: Scan, n: Num): boolean {
  // Dates, ids and earlier periods' figures ("up from 180 the month before") are no category's count.
  if (isIncidental(scan, n)) return true;
  return Number.isInteger(n.value) && n.value >= 1800 && n.value <= 2100 && /^(?:in|since|of|from|year)$/.test(n.before.at(-1) ?? '');
}

/**
 * Generic lists of labelled counts ("36 coffees, 24 teas and 12 juices", "candidate X got 410
 * votes, candidate Y 380"): segments split at commas/"and", each with one count and a label.
 */
function segmentCounts(scan: Scan, from: number, end: number, shares = false): { entries: CountEntry[]; restLabel: string | null } {
  const text = scan.text.slice(from, end);
  const pieces: { start: number; text: string }[] = [];
  const sep = /,\s*(?:and\s+)?|;\s*|\s+and\s+|:\s+|\.\s+/g;
  let last = 0;
  for (const m of text.matchAll(sep)) {
    pieces.push({ start: from + last, text: text.slice(last, m.index) });
    last = (m.index ?? 0) + m[0].length;
  }
  pieces.push({ start: from + last, text: text.slice(last) });
  let best: CountEntry[] = [];
  let run: CountEntry[] = [];
  let restLabel: string | null = null;
  for (const piece of pieces) {
    const nums = scan.numbers.filter(
      (n) => n.start >= piece.start && n.start < piece.start + piece.text.length && n.percent === shares && !namesCategories(n) && !isTotal(scan, n) && !isLabelNumber(scan, n),
    );
    const rest = /\b(?:the\s+)?(?:rest|remaining(?:\s+ones)?|remainder|others)\b/.exec(piece.text);
    if (rest && nums.length === 0 && run.length >= 2) {
      restLabel = labelWords(piece.text.replace(rest[0], '')).join(' ') || null;
      if (restLabel) {
        if (run.length > best.length) best = run;
        break;
      }
    }
    const words = labelWords(piece.text);
    if (nums.length === 1 && words.length > 0 && (shares || Number.isInteger(nums[0].value))) {
      run.push({ label: words.join(' '), count: nums[0].value, num: nums[0] });
    } else {
      if (run.length > best.length) best = run;
      run = [];
    }
  }
  if (run.length > best.length) best = run;
  if (restLabel === null || best.length < 2) restLabel = best.length >= 2 ? restLabel : null;
  return { entries: best, restLabel };
}

/** Labels, then counts in the same order, then "respectively". */
const RESPECTIVELY = /\b((?:[a-z0-9]+,\s*)+(?:[a-z0-9]+,?\s+)?and\s+[a-z0-9]+)\b[^.?;]*?((?:-?\d+,\s*)+(?:-?\d+,?\s+)?and\s+-?\d+)\b[^.?;]*?\brespectively\b/;

function optionCounts(scan: Scan): CountEntry[] {
  const out: CountEntry[] = [];
  const add = (label: string, countIndex: number) => {
    const num = numAt(scan, countIndex);
    if (num && !num.percent && !out.some((e) => e.label === label)) out.push({ label, count: num.value, num });
  };
  const patterns: RegExp[] = [
    /\b(?:option|candidate|choice|category|flavou?r|brand|party|answer)\s+([a-z0-9]+)\s*(?::|got|received|had|with|=|-)\s*(?:(?:a\s+total\s+of|only)\s+)?(-?\d+)/g,
    new RegExp(String.raw`\b(${COLORS}|[a-z])\s*(?::|=)\s*(-?\d+)`, 'g'),
    // "P1: 15", "v2: 40": short letter-and-digit names.
    /\b([a-z]{1,2}\d{1,2})\s*[:=]\s*(-?\d+)(?!\d|\.\d|%)/g,
    new RegExp(String.raw`\b(${COLORS}|[a-z])\s+(?:got|received|had|drew)\s+(-?\d+)`, 'g'),
  ];
  for (const re of patterns) for (const m of scan.text.matchAll(re)) add(m[1], (m.index ?? 0) + m[0].lastIndexOf(m[2]));
  // "options A, B and C got 33, 51 and 16 votes respectively": two parallel lists, paired in order.
  const respectively = RESPECTIVELY.exec(scan.text);
  if (respectively) {
    const labels = respectively[1].split(/,\s*(?:and\s+)?|\s+and\s+/).filter(Boolean);
    const countsAt = respectively.index + respectively[0].indexOf(respectively[2], respectively[1].length);
    const nums = scan.numbers.filter((n) => n.start >= countsAt && n.start < countsAt + respectively[2].length);
    if (labels.length === nums.length && labels.every((l) => !/^\d+$/.test(l))) {
      // The parallel lists are the whole data: "C got 33" read across them would misplace counts.
      out.length = 0;
      labels.forEach((label, i) => add(label, nums[i].start));
      return out;
    }
  }
  const countFirst: RegExp[] = [
    /(-?\d+)\s+(?:(?:votes?|people|respondents|customers|voters|students|users|of\s+them|chose|picked|preferred|for|voted|said|were|prefer|like|liked|selected|went\s+with)\s+){1,3}(?:option\s+|candidate\s+|brand\s+)?([a-z0-9]+)\b/g,
    new RegExp(String.raw`(-?\d+)\s+(?:were\s+)?(${COLORS})\b`, 'g'),
  ];
  for (const re of countFirst) {
    for (const m of scan.text.matchAll(re)) {
      // "chose a" is option A only when nothing follows it ("50 chose A, 30 chose B").
      const rest = scan.text.slice((m.index ?? 0) + m[0].length);
      if (/^(?:and|the|it|them|of)$/.test(m[2]) || (m[2] === 'a' && !/^\s*(?:[,.;?]|and\b|or\b|$)/.test(rest))) continue;
      add(m[2], m.index ?? 0);
    }
  }
  return out.sort((a, b) => a.num.start - b.num.start);
}

/**
 * The faces of a die that the question asks about together, or null when it asks about one face:
 * "an odd number", "an even number", "greater than 4", "at least 5", "below 3", "not a 6",
 * "a 1 or a 2". Faces run from 1 to `faces`.
 */
export function askedFaces(asked: string, faces: number): { faces: number[]; phrase: string; nums: Num[] } | null {
  const all = Array.from({ length: faces }, (_, i) => i + 1);
  const parity = /\b(odd|even)\s+(?:number|face|result|roll|value)s?\b/.exec(asked);
  if (parity) return { faces: all.filter((f) => (f % 2 === 1) === (parity[1] === 'odd')), phrase: parity[0], nums: [] };
  const cmp = /\b(greater|more|higher|larger|bigger|above|over|at\s+least|less|lower|smaller|below|under|at\s+most)\s+(?:than\s+)?(or\s+equal\s+to\s+)?(?:a\s+)?(\d+)\b/.exec(asked);
  if (cmp) {
    const x = Number(cmp[3]);
    const inclusive = cmp[2] !== undefined || /^at\s+(?:least|most)$/.test(cmp[1]);
    const greater = /^(?:greater|more|higher|larger|bigger|above|over|at\s+least)$/.test(cmp[1]);
    const pick = all.filter((f) => (greater ? f > x || (inclusive && f === x) : f < x || (inclusive && f === x)));
    return { faces: pick, phrase: cmp[0], nums: [] };
  }
  const not = /\b(?:not\s+(?:a|an|the)|anything\s+(?:but|other\s+than)(?:\s+a)?|other\s+than\s+(?:a|an))\s+(\d+)\b/.exec(asked);
  if (not) return { faces: all.filter((f) => f !== Number(not[1])), phrase: not[0], nums: [] };
  const either = /\b(?:a|an)?\s*(\d+)\s+or\s+(?:a|an)?\s*(\d+)\b/.exec(asked);
  if (either && either[1] !== either[2]) return { faces: all.filter((f) => f === Number(either[1]) || f === Number(either[2])), phrase: either[0].trim(), nums: [] };
  return null;
}

/**
 * The first "entry" of a list is sometimes not a category: "We drew 50 marbles: 22 red, 18 blue
 * and 10 green" (50 is the total: it equals the sum of the rest and introduces the list) or
 * "a taste test with 3 colas, 44 picked cola A ..." (3 counts the categories: it equals their
 * number and its noun is part of every label).
 */
function splitStructuralEntries(scan: Scan, entries: CountEntry[], hasRest: boolean): { entries: CountEntry[]; structural: { num: Num; role: string }[] } {
  if (entries.length < 3) return { entries, structural: [] };
  const [first, ...others] = entries;
  const between = scan.text.slice(first.num.end, others[0].num.start);
  const sumOthers = others.reduce((s, e) => s + e.count, 0);
  if (!hasRest && first.count === sumOthers && /:|\bwhich\b/.test(between)) {
    return { entries: others, structural: [{ num: first.num, role: 'total count' }] };
  }
  const noun = labelWords(scan.text.slice(first.num.end, first.num.end + 30).split(/[,;:.]/)[0] ?? '')[0];
  if (noun && first.count === others.length + (hasRest ? 1 : 0) && others.every((e) => e.label.split(' ').includes(noun))) {
    return { entries: others, structural: [{ num: first.num, role: 'number of categories' }] };
  }
  // "a survey with 3 choises, 14 chose option A ...": a number right after "with" in the opening
  // clause sets the scene; it is a category only if it is neither the number of categories nor
  // the total, and then the reading is too unsure to answer.
  if (/\bwith\s*$/.test(scan.text.slice(Math.max(0, first.num.start - 8), first.num.start))) {
    if (first.count === others.length + (hasRest ? 1 : 0)) return { entries: others, structural: [{ num: first.num, role: 'number of categories' }] };
    if (!hasRest && first.count === sumOthers) return { entries: others, structural: [{ num: first.num, role: 'total count' }] };
    return { entries: [], structural: [] };
  }
  return { entries, structural: [] };
}

/**
 * Listed categories whose whole label the question writes, each at a place no longer label
 * already took ("satisfied or very satisfied" names two categories, not "satisfied" twice).
 */
function namedCategories(asked: string, entries: CountEntry[]): CountEntry[] {
  if (!entries.every((e) => e.label.length > 1)) return [];
  const taken: [number, number][] = [];
  const named: CountEntry[] = [];
  for (const e of [...entries].sort((a, b) => b.label.length - a.label.length)) {
    const words = e.label.split(' ').map((w) => w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    const re = new RegExp(String.raw`\b${words.join('\\s+')}(?:e?s)?\b`, 'g');
    for (const m of asked.matchAll(re)) {
      const span: [number, number] = [m.index ?? 0, (m.index ?? 0) + m[0].length];
      if (taken.some(([a, b]) => span[0] < b && a < span[1])) continue;
      taken.push(span);
      named.push(e);
      break;
    }
  }
  return named;
}

/** Categorical extractor; null when there are no category counts. */
export function extractCategorical(scan: Scan): Extraction | null {
  const asked = questionText(scan);
  const penalties: ParsePenalty[] = [];
  const die = dieFaces(scan);
  const questionStart = scan.questionIndex >= 0 ? scan.sentences[scan.questionIndex].start : scan.text.length;
  let entries = die ? diceCounts(scan) : optionCounts(scan);
  let restLabel: string | null = null;
  /** The entries are shares of a total ("52% chose A, 30% chose B"), converted to counts below. */
  let shares = false;
  if (!die) {
    // The data precede the question, or follow it ("what's the chance of a latte? today: 48
    // lattes, 30 cappuccinos, 22 espressos").
    const questionEnd = scan.questionIndex >= 0 ? scan.sentences[scan.questionIndex].end : scan.text.length;
    const before = scan.numbers.filter((n) => n.start < questionStart).length;
    const [from, to] = before === 0 && questionEnd < scan.text.length ? [questionEnd, scan.text.length] : [0, questionStart];
    const segments = segmentCounts(scan, from, to);
    // Parallel lists ("A, B and C got 33, 51 and 16 respectively") are already paired by position.
    const paired = RESPECTIVELY.test(scan.text) && entries.length >= 2;
    if (!paired && segments.entries.length + (segments.restLabel ? 1 : 0) > entries.length) {
      entries = segments.entries;
      restLabel = segments.restLabel;
    }
    // One "count" beside category percentages is their total ("sold 400 pastries: 45% ..."), not a category.
    if (entries.length < 2) {
      const percents = segmentCounts(scan, from, to, true);
      if (percents.entries.length >= 2) {
        entries = percents.entries;
        restLabel = percents.restLabel;
        shares = true;
      }
    }
  }
  if (entries.length === 0) return null;
  const structural: { num: Num; role: string }[] = [];
  if (!die) {
    const split = splitStructuralEntries(scan, entries, restLabel !== null);
    entries = split.entries;
    structural.push(...split.structural);
    if (entries.length === 0) return null;
  }
  const negative = entries.find((e) => e.count < 0);
  if (negative) return { kind: 'decline', reason: `The count ${negative.num.raw} is negative; category counts cannot be negative.`, severity: 'inconsistent' };

  const statedK = /\b(\d+)\s+(?:options|categories|candidates|colou?rs|choices|flavou?rs|answers|brands|parties|possible\s+answers|outcomes)\b/.exec(scan.text);
  let categoryCount = die ? die.faces : statedK ? Number(statedK[1]) : entries.length + (restLabel ? 1 : 0);
  if (!die && !statedK && entries.length + (restLabel ? 1 : 0) < 3) return null;
  if (die && !die.stated) penalties.push(penalty('assumed a six-sided die', 0.99));
  if (!die && statedK) categoryCount = Number(statedK[1]);
  if (entries.length > categoryCount) {
    return { kind: 'decline', reason: `The question lists ${entries.length} categories but says there are ${categoryCount}.`, severity: 'inconsistent' };
  }
  const used: { num: Num; role: string }[] = [...structural, ...entries.flatMap((e) => [
    { num: e.num, role: shares ? `share of ${e.label}` : `count of ${e.label}` },
    ...(e.labelNum ? [{ num: e.labelNum, role: `face ${e.label}` }] : []),
  ])];
  // Numbers that name things rather than count them: "3 options", "a 6-sided die", "rolling a 6".
  for (const n of scan.numbers) {
    if (entries.some((e) => e.num === n)) continue;
    if ((statedK && n.start === statedK.index) || /^(?:sided|faced|faces|sides|options|categories|candidates|choices|colou?rs|outcomes)$/.test(n.after[0] ?? '')) {
      used.push({ num: n, role: 'number of categories' });
    } else if (die && n.sentence === scan.questionIndex && n.value >= 1 && n.value <= categoryCount && Number.isInteger(n.value)) {
      used.push({ num: n, role: 'asked face' });
    }
  }
  const totalNum =
    scan.numbers.find(
      (n) => !entries.some((e) => e.num === n) && Number.isInteger(n.value) && !n.percent &&
        (isTotal(scan, n) || /^(?:times|rolls|throws|respondents|people|votes|voters|customers|students|draws|participants|users|responses|ballots|trials)$/.test(n.after[0] ?? '') || /\b(?:surveyed|polled|asked|rolled|thrown|tossed|of|n|sold|served)$/.test(n.before.at(-1) ?? '')) &&
        !(n.after[1] === 'times' || n.after[0] === 'faces' || n.after[0] === 'sided' || n.after[0] === 'options'),
    ) ??
    // Shares of a total: the one whole number written before them ("sold 400 pastries today: 45% ...").
    (shares ? soleCountBefore(scan, entries[0].num) : undefined);
  if (shares) {
    // Shares become counts of the stated total; they must be whole and add up to at most 100 %.
    if (!totalNum) return { kind: 'decline', reason: 'The question gives category percentages but not how many responses they are percentages of.', severity: 'missing' };
    const shareSum = entries.reduce((s, e) => s + e.count, 0);
    if (shareSum > 100 + 1e-9) return { kind: 'decline', reason: `The category percentages add up to ${shareSum} %, more than 100 %.`, severity: 'inconsistent' };
    if (restLabel === null && Math.abs(shareSum - 100) > 1e-9) {
      return { kind: 'decline', reason: `The category percentages add up to ${shareSum} %, not 100 %; list every category or say "the rest".`, severity: 'inconsistent' };
    }
    const converted: CountEntry[] = [];
    for (const e of entries) {
      const exact = (e.count / 100) * totalNum.value;
      if (Math.abs(exact - Math.round(exact)) > 1e-6) return { kind: 'decline', reason: `${e.num.raw} of ${totalNum.raw} is not a whole number; give the counts.`, severity: 'inconsistent' };
      converted.push({ ...e, count: Math.round(exact) });
    }
    entries = converted;
    penalties.push(penalty(`category percentages read as counts of ${totalNum.raw}`, 0.98));
  }
  const sum = entries.reduce((s, e) => s + e.count, 0);
  let total = sum;
  if (restLabel !== null) {
    if (!totalNum) return { kind: 'decline', reason: 'The question says "the rest" but gives no total to take the rest from.', severity: 'missing' };
    if (sum > totalNum.value) return { kind: 'decline', reason: `The category counts add up to ${sum}, more than the stated total ${totalNum.raw}.`, severity: 'inconsistent' };
    entries = [...entries, { label: restLabel, count: totalNum.value - sum, num: totalNum }];
    used.push({ num: totalNum, role: 'total count' });
    total = totalNum.value;
  } else if (totalNum) {
    used.push({ num: totalNum, role: 'total count' });
    total = totalNum.value;
    if (sum > total) return { kind: 'decline', reason: `The category counts add up to ${sum}, more than the stated total ${totalNum.raw}.`, severity: 'inconsistent' };
    if (entries.length === categoryCount && sum !== total) {
      return { kind: 'decline', reason: `The category counts add up to ${sum}, not the stated total ${totalNum.raw}.`, severity: 'inconsistent' };
    }
  } else if (entries.length < categoryCount) {
    return { kind: 'decline', reason: 'Only some category counts are given and no total; say how many rolls or responses there were in all.', severity: 'missing' };
  }

  // Several faces asked together ("an odd number", "greater than four", "not a six", "a 1 or a 2"):
  // by the Dirichlet's aggregation property their total probability is a Beta of the summed counts.
  const faceSet = die ? askedFaces(asked, categoryCount) : null;
  if (faceSet) {
    if (entries.length !== categoryCount) {
      return { kind: 'decline', reason: 'The question asks about several faces; give the count of every face.', severity: 'missing' };
    }
    if (faceSet.faces.length === 0 || faceSet.faces.length === categoryCount) {
      return { kind: 'decline', reason: `"${faceSet.phrase}" covers ${faceSet.faces.length === 0 ? 'no face' : 'every face'} of a ${categoryCount}-sided die; there is nothing to estimate.`, severity: 'inconsistent' };
    }
    const askedCount = entries.filter((e) => faceSet.faces.includes(Number(e.label))).reduce((sum, e) => sum + e.count, 0);
    for (const n of scan.numbers) {
      if (n.sentence === scan.questionIndex && faceSet.nums.includes(n) && !used.some((u) => u.num === n)) used.push({ num: n, role: 'face in the asked event' });
    }
    const counts = [...entries].sort((a, b) => Number(a.label) - Number(b.label)).map((e) => e.count);
    return {
      kind: 'problem',
      problem: { family: 'categorical', categoryCount, total, askedCount, askedCategories: faceSet.faces.length, askedLabel: `faces ${faceSet.faces.join(', ')} (${faceSet.phrase})`, counts },
      used,
      penalties,
    };
  }
  // The asked category: a listed label (or face) named in the question.
  if (/\b(?:odd|even)\s+number\b|\bor\s+(?:a\s+)?\d\b|\beither\b/.test(asked)) {
    return { kind: 'decline', reason: 'The question asks about several categories at once; the embedded reasoner answers the probability of one category.', severity: 'unsupported' };
  }
  const askedFace = die
    ? (/\b(?:rolling|roll|rolled|lands?\s+on|landing\s+on|shows?|showing|getting|get|comes?\s+up|of|is|be)\s+(?:a|an|the)?\s*(\d+)\b/.exec(asked)?.[1] ??
      Object.entries(FACE_WORDS).find(([w]) => new RegExp(String.raw`\b${w}\b`).test(asked))?.[1]?.toString())
    : undefined;
  let askedEntry: CountEntry | undefined;
  let askedLabel: string | undefined;
  if (askedFace !== undefined) {
    askedLabel = askedFace;
    askedEntry = entries.find((e) => e.label === askedFace);
  } else if (!die && namedCategories(asked, entries).length >= 2) {
    // "satisfied or very satisfied": several listed categories at once. By the Dirichlet's
    // aggregation property their total probability is a Beta of the summed counts; without "or"
    // the question may be comparing them, so decline rather than guess.
    const named = namedCategories(asked, entries);
    if (!/\bor\b/.test(asked)) {
      return { kind: 'decline', reason: 'The question names several categories; the embedded reasoner answers the probability of one category, or of several joined by "or".', severity: 'unsupported' };
    }
    const counts = entries.length === categoryCount ? entries.map((e) => e.count) : null;
    return {
      kind: 'problem',
      problem: { family: 'categorical', categoryCount, total, askedCount: named.reduce((s, e) => s + e.count, 0), askedCategories: named.length, askedLabel: named.map((e) => e.label).join(' or '), counts },
      used,
      penalties,
    };
  } else if (!die && namedCategories(asked, entries).length === 1) {
    // The question writes one whole label: that is the category, even when its words also occur
    // in another label ("satisfied" beside "very satisfied").
    askedEntry = namedCategories(asked, entries)[0];
    askedLabel = askedEntry.label;
  } else if (entries.some((e) => e.label.includes(' ') || e.label.length > 1)) {
    const asks = new Set(labelWords(asked));
    const scored = entries
      .map((e) => {
        const own = e.label.split(' ');
        const unique = own.filter((w) => asks.has(w) && !entries.some((o) => o !== e && o.label.split(' ').includes(w)));
        return { e, score: unique.length };
      })
      .filter((x) => x.score > 0)
      .sort((a, b) => b.score - a.score);
    if (scored.length === 1 || (scored.length > 1 && scored[0].score > scored[1].score)) {
      askedEntry = scored[0].e;
      askedLabel = askedEntry.label;
    } else if (scored.length > 1) {
      return { kind: 'decline', reason: 'The question names several categories; the embedded reasoner answers the probability of one category.', severity: 'unsupported' };
    }
  } else {
    const found = entries
      .map((e) => ({ e, at: asked.search(new RegExp(e.label.length === 1 ? String.raw`(?:\b(?:option|candidate|choice|brand|chooses|picks|prefers|selects|is|for|be|(?:goes|go|went)\s+to)\s+|^)${e.label}\b` : String.raw`\b${e.label}\b`)) }))
      .filter((x) => x.at >= 0)
      .sort((a, b) => a.at - b.at);
    askedEntry = found[0]?.e;
    askedLabel = askedEntry?.label;
  }
  if (askedLabel === undefined) {
    if (entries.length === 1 && die) {
      askedEntry = entries[0];
      askedLabel = entries[0].label;
      penalties.push(penalty('the question does not name a face: used the one counted', 0.9));
    } else {
      return { kind: 'decline', reason: 'The question does not say which category it asks about.', severity: 'missing' };
    }
  }
  if (die && (Number(askedLabel) < 1 || Number(askedLabel) > categoryCount)) {
    return { kind: 'decline', reason: `A ${categoryCount}-sided die has no face ${askedLabel}.`, severity: 'inconsistent' };
  }
  if (!askedEntry) {
    return { kind: 'decline', reason: `The question asks about ${askedLabel} but gives no count for it.`, severity: 'missing' };
  }
  const counts = entries.length === categoryCount && die ? [...entries].sort((a, b) => Number(a.label) - Number(b.label)).map((e) => e.count) : entries.length === categoryCount ? entries.map((e) => e.count) : null;
  // "Probability the next arrival is not green?": every other category. By the Dirichlet's
  // aggregation property that is a Beta of the other counts; it needs every category listed.
  const escaped = askedLabel.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  if (new RegExp(String.raw`\b(?:not|isn't|aren't|other\s+than|anything\s+but|except(?:\s+for)?)\s+(?:a\s+|an\s+|the\s+|in\s+|for\s+)?${escaped}`).test(asked)) {
    if (counts === null) return { kind: 'decline', reason: `The question asks about every category but ${askedLabel}, but the data do not list every category.`, severity: 'missing' };
    return {
      kind: 'problem',
      problem: { family: 'categorical', categoryCount, total, askedCount: total - askedEntry.count, askedCategories: categoryCount - 1, askedLabel: `not ${die ? `face ${askedLabel}` : askedLabel}`, counts },
      used,
      penalties: [...penalties, penalty(`the question asks about "not ${askedLabel}": summed the other categories`, 0.97)],
    };
  }
  // "does not order a latte": a negation the reading above did not place may ask for the other
  // categories; answering the named one would give the complement.
  if (/\b(?:not|never|except|excluding|neither|nor)\b|n't\b|\bother\s+than\b/.test(asked)) {
    return { kind: 'decline', reason: 'The question negates something the embedded reasoner could not place; ask "the probability of <category>" or "of anything but <category>".', severity: 'missing' };
  }
  return {
    kind: 'problem',
    problem: { family: 'categorical', categoryCount, total, askedCount: askedEntry.count, askedLabel: die ? `face ${askedLabel}` : askedLabel, counts },
    used,
    penalties,
  };
}

/** The only whole, non-percent number before `first` in the text, if exactly one. */
function soleCountBefore(scan: Scan, first: Num): Num | undefined {
  const before = scan.numbers.filter((n) => n.start < first.start && !n.percent && Number.isInteger(n.value) && n.value > 0);
  return before.length === 1 ? before[0] : undefined;
}
