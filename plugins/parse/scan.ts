/**
 * The scanned question shared by the family extractors: sentences, every number with its
 * neighbouring words, and helpers to find comparisons ("more than 50%") and labels. Pure.
 */
import type { ParsePenalty, Problem } from '../problem.js';
import { lookupUnit } from './units.js';

export interface Num {
  value: number;
  raw: string;
  percent: boolean;
  start: number;
  end: number;
  sentence: number;
  /** Up to six words after the number. */
  after: string[];
  /** Up to six words before the number, nearest last. */
  before: string[];
}

export interface Sentence {
  text: string;
  start: number;
  end: number;
  isQuestion: boolean;
}

export interface Scan {
  text: string;
  sentences: Sentence[];
  numbers: Num[];
  /** Index of the sentence that asks the question (the last one that looks like a question). */
  questionIndex: number;
}

/** A family extractor's result. */
export type Extraction =
  | { kind: 'problem'; problem: Problem; used: { num: Num; role: string }[]; penalties: ParsePenalty[] }
  | { kind: 'decline'; reason: string; severity: 'inconsistent' | 'missing' | 'unsupported' };

const NUMBER = /(?<![\w.])(-?(?:\d+(?:\.\d+)?|\.\d+))(%)?/g;
const QUESTION_START = /^(?:what|how|is|are|does|do|did|which|can|could|should|would|will|find|estimate|compute|calculate|give|determine|tell|please|assuming|given|if|whats|what's)\b/;

function words(s: string): string[] {
  return s.toLowerCase().split(/[^a-z0-9%'.-]+/).map((w) => w.replace(/^[.'-]+|[.'-]+$/g, '')).filter(Boolean);
}

/** Scans a normalised question. */
export function scanQuestion(text: string): Scan {
  const sentences: Sentence[] = [];
  // Split on sentence punctuation that is not a decimal point.
  let start = 0;
  for (let i = 0; i <= text.length; i++) {
    const ch = text[i];
    const end = i === text.length;
    const isBreak = ch === '?' || ch === '!' || ch === ';' || (ch === '.' && !/\d/.test(text[i + 1] ?? ''));
    if (end || isBreak) {
      const raw = text.slice(start, end ? i : i + 1);
      if (raw.trim()) {
        const lead = raw.length - raw.trimStart().length;
        const s = raw.trim();
        sentences.push({ text: s, start: start + lead, end: start + lead + s.length, isQuestion: s.endsWith('?') || QUESTION_START.test(s) });
      }
      start = i + 1;
    }
  }
  let questionIndex = -1;
  for (let i = sentences.length - 1; i >= 0; i--) {
    if (sentences[i].text.endsWith('?')) {
      questionIndex = i;
      break;
    }
  }
  if (questionIndex < 0) {
    for (let i = sentences.length - 1; i >= 0; i--) {
      if (sentences[i].isQuestion || /\b(?:probability|chance|likelihood|estimate|rate)\b/.test(sentences[i].text)) {
        questionIndex = i;
        break;
      }
    }
  }
  const numbers: Num[] = [];
  for (const m of text.matchAll(NUMBER)) {
    const startIdx = m.index ?? 0;
    const endIdx = startIdx + m[0].length;
    const sentence = Math.max(0, sentences.findIndex((s) => startIdx >= s.start && startIdx < s.end));
    // Neighbouring words stop at the sentence boundary.
    const bounds = sentences[sentence] ?? { start: 0, end: text.length };
    numbers.push({
      value: Number(m[1]),
      raw: m[0],
      percent: m[2] === '%',
      start: startIdx,
      end: endIdx,
      sentence,
      after: words(text.slice(endIdx, Math.min(bounds.end, endIdx + 80))).slice(0, 6),
      before: words(text.slice(Math.max(bounds.start, startIdx - 80), startIdx)).slice(-6),
    });
  }
  return { text, sentences, numbers, questionIndex };
}

/** The question sentence's text ('' when none). */
export function questionText(scan: Scan): string {
  return scan.questionIndex >= 0 ? scan.sentences[scan.questionIndex].text : '';
}

/** Numbers that lie inside [start, end). */
export function numbersIn(scan: Scan, start: number, end: number): Num[] {
  return scan.numbers.filter((n) => n.start >= start && n.start < end);
}

/** The number that starts at `index` (after optional spaces), if any. */
export function numberAt(scan: Scan, index: number): Num | undefined {
  return scan.numbers.find((n) => n.start >= index && n.start <= index + 2);
}

export interface Comparison {
  comparison: 'greater' | 'less';
  num: Num;
  /** Start of the comparison phrase. */
  start: number;
  /** The comparison word(s) as written ("more", "over", ">"). */
  phrase: string;
  /** Written after a negation ("not above 250", "does not exceed", "no more than"): already flipped. */
  negated?: boolean;
}

/** A negation right before a comparison word: "is not above", "does not exceed", "no more than", "isn't over". */
const NEGATION_BEFORE = /(?:\b(?:not|never|no)|n't)\s+(?:(?:be|been|being|get|go|rise|fall|climb|drop|really|actually)\s+)?$/;

const GREATER = String.raw`(?:greater|more|higher|larger|bigger|above|over|exceeds?|exceeding|at\s+least|better|longer|beyond|>=?|is\s+>=?)`;
const LESS = String.raw`(?:less|lower|smaller|fewer|below|under|at\s+most|worse|shorter|<=?)`;

/** Comparisons with a number ("greater than 0.5", "above 60%", "> 4"). */
export function findComparisons(scan: Scan): Comparison[] {
  const out: Comparison[] = [];
  for (const [comparison, phrase] of [['greater', GREATER], ['less', LESS]] as const) {
    const re = new RegExp(String.raw`(?:^|[^a-z])(${phrase})\s*(?:than\s+)?(?:or\s+equal\s+(?:to\s+)?)?(?:a\s+|an\s+|the\s+)?(?=[-.\d])`, 'g');
    for (const m of scan.text.matchAll(re)) {
      const at = (m.index ?? 0) + m[0].length;
      const num = numberAt(scan, at);
      if (!num) continue;
      const start = (m.index ?? 0) + m[0].indexOf(m[1]);
      // "not above 250" is "at most 250": the opposite side (the boundary has no mass).
      const negated = NEGATION_BEFORE.test(scan.text.slice(Math.max(0, start - 24), start));
      const flipped = negated ? (comparison === 'greater' ? 'less' : 'greater') : comparison;
      out.push({ comparison: flipped, num, start, phrase: m[1], ...(negated ? { negated } : {}) });
    }
  }
  return out.sort((a, b) => a.start - b.start);
}

/** Nouns that name a reference value stated elsewhere ("exceeds the target", "below our goal"). */
const REFERENCE_NOUN = String.raw`(?:target|goal|benchmark|threshold|standard|limit|cut-?off|quota|requirement|spec|specification|norm)`;

/**
 * A comparison in the question with a reference value named by a noun instead of a number
 * ("Probability the rate exceeds the target?"), resolved to the number the data give that noun
 * ("Our target is a 75% rate", "against a team target of 90%", "(the target is 12.5 s)").
 * `unresolved` when the noun has no number: answering the mean instead would be a wrong number.
 */
export function findNamedThreshold(scan: Scan): { comparison: 'greater' | 'less'; num: Num } | { unresolved: string } | null {
  if (scan.questionIndex < 0) return null;
  const sentence = scan.sentences[scan.questionIndex];
  for (const [comparison, phrase] of [['greater', GREATER], ['less', LESS]] as const) {
    const re = new RegExp(String.raw`(?:^|[^a-z])(${phrase})\s*(?:than\s+)?(?:or\s+equal\s+(?:to\s+)?)?(?:the|our|its|his|her|their|this|that|your|my)\s+(?:[a-z-]+\s+){0,2}?(${REFERENCE_NOUN})\b`);
    const m = re.exec(sentence.text);
    if (!m) continue;
    const start = sentence.start + m.index + m[0].indexOf(m[1]);
    const negated = NEGATION_BEFORE.test(scan.text.slice(Math.max(0, start - 24), start));
    const flipped = negated ? (comparison === 'greater' ? 'less' : 'greater') : comparison;
    // The first number within a few words after the noun, outside the question sentence.
    const stated = new RegExp(String.raw`\b${m[2]}s?\b(?:\s+(?:rate|value|level|figure|mean|time))?\s*(?:is|was|of|at|=|:|set\s+at|stands\s+at)?\s*(?:a\s+|an\s+|about\s+|around\s+)?(?=[-.\d])`, 'g');
    for (const hit of scan.text.matchAll(stated)) {
      const num = numberAt(scan, (hit.index ?? 0) + hit[0].length);
      if (num && num.sentence !== scan.questionIndex) return { comparison: flipped, num };
    }
    return { unresolved: m[2] };
  }
  return null;
}

/** Whether `text` contains any of the words. */
export function hasWord(text: string, list: readonly string[]): boolean {
  return list.some((w) => new RegExp(String.raw`\b${w.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\b`).test(text));
}

/** A probability given as "0.3", "30%" or "1/4"; null when it is none. */
export function asFraction(num: Num): number | null {
  if (num.percent) return num.value / 100;
  return num.value;
}

/** Penalty helper. */
export function penalty(reason: string, factor: number): ParsePenalty {
  return { reason, factor };
}

/**
 * "the three-point line", "a 5-star rating": a number inside a compound adjective names a kind of
 * thing, it is not a count. Time units ("a 24-hour period") and die sides ("6-sided") are data.
 */
export function isCompoundModifier(scan: Scan, num: Num): boolean {
  // "a 50p coin", "her 400m times": letters glued to a number make a name, unless they are a unit
  // of time ("24h") or an ordinal ("3rd").
  const glued = /^([a-z]+)\b/.exec(scan.text.slice(num.end, num.end + 20));
  // A glued "m" is metres as often as minutes ("400m times"): a name, not a duration.
  if (glued && !num.percent && (lookupUnit(glued[1]) === null || glued[1] === 'm') && !/^(?:st|nd|rd|th|k|x)$/.test(glued[1])) return true;
  const compound = /^-([a-z]+)/.exec(scan.text.slice(num.end, num.end + 20));
  return compound !== null && !num.percent && lookupUnit(compound[1]) === null && !/^(?:sided|faced|sides|faces)$/.test(compound[1]);
}

const MONTH = /^(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)$/;

/**
 * Numbers a story mentions in passing, never data: dates ("on 3 March", "due 14 Oct", "3-5 May"),
 * ages and bed or ticket numbers ("she's 67", "bed 12"), and a poll's margin of error.
 */
export function isIncidental(scan: Scan, num: Num): boolean {
  if (num.percent) return false;
  // An ISO date ("2024-03-12"): each of its parts.
  for (const d of scan.text.matchAll(/\b\d{4}-\d{2}-\d{2}\b/g)) {
    if (num.start >= (d.index ?? 0) && num.end <= (d.index ?? 0) + d[0].length) return true;
  }
  const prev = num.before.at(-1) ?? '';
  const next = num.after[0] ?? '';
  if (Number.isInteger(num.value) && num.value >= 1 && num.value <= 31 && (MONTH.test(next) || MONTH.test(prev) || new RegExp(String.raw`^-\d{1,2}\s+${MONTH.source.slice(1, -1)}\b`).test(scan.text.slice(num.end, num.end + 16)))) return true;
  if (/^(?:she's|he's|i'm|aged|age|bed|id|ref|ticket|build|release|sprint)$/.test(prev)) return true;
  // "Ticket #4471", "lot #5521": a number written after "#" is an identifier, never a count.
  if (/#\s*$/.test(scan.text.slice(Math.max(0, num.start - 2), num.start))) return true;
  // "(up from 180 the month before)", "down from 12": an earlier period's figure, never this data.
  if (/^(?:up|down|rose|fell|increased|decreased|dropped|climbed)\s+from$/.test(num.before.slice(-2).join(' '))) return true;
  // "Plant 1/2", "lines 2/3": two consecutive labels of named units, not "1 of 2".
  for (const m of scan.text.matchAll(/\b(?:plants?|lines?|groups?|arms?|sites?|stores?|teams?|branches|branch|clinics?|schools?|classes|class|machines?|versions?|variants?|wards?|shifts?|batches|batch|factories|factory)\s+(\d)\s*\/\s*(\d)\b/g)) {
    const at = (m.index ?? 0) + m[0].length;
    if (Number(m[2]) === Number(m[1]) + 1 && num.start >= at - 5 && num.end <= at) return true;
  }
  return /^(?:error|moe)$/.test(prev) || num.before.slice(-3).join(' ') === 'margin of error';
}
