/**
 * Exponential lifetimes / waiting times: a list of durations ("lasted 800, 950 and 1100 hours")
 * or a count with a total ("10 bulbs failed after a total of 5000 hours"). Pure.
 */
import { findLists, statedCount } from './find-lists.js';
import { conversionFactor, lookupUnit, unitAlternation, type UnitInfo } from './units.js';
import { findComparisons, numberAt, penalty, questionText, type Extraction, type Num, type Scan } from './scan.js';
import type { ParsePenalty, ProblemOf } from '../problem.js';

const MEAN_LIFETIME = /\b(?:mean|average|expected|typical)\s+(?:life(?:time|span)?|time|waiting\s+time|wait|duration|survival\s+time|time\s+(?:to|until|between)\s+[a-z]+)\b|\bhow\s+long\b|\bmtbf\b|\bmttf\b|\bmean\s+time\s+(?:between|to)\s+failures?\b/;

/** Exponential extractor; null when there are no durations. */
export function extractExponential(scan: Scan): Extraction | null {
  const asked = questionText(scan);
  const units = unitAlternation({ timeOnly: true });
  const penalties: ParsePenalty[] = [];
  const used: { num: Num; role: string }[] = [];
  let comparison: { comparison: 'greater' | 'less'; num: Num; negated?: boolean } | undefined = findComparisons(scan).find((c) => c.num.sentence === scan.questionIndex);
  // "fails within 200 hours", "breaks before 1000 hours": the next duration is at most t.
  const within = new RegExp(String.raw`\b(?:within|before|sooner\s+than|earlier\s+than|in\s+(?:less|under|fewer)\s+than|in\s+under)\s+(?:the\s+(?:first\s+|next\s+)?)?(?=[\d.])`).exec(asked);
  if (!comparison && within) {
    const start = scan.questionIndex >= 0 ? scan.sentences[scan.questionIndex].start : 0;
    const num = numberAt(scan, start + within.index + within[0].length);
    if (num) comparison = { comparison: 'less', num };
  }
  // "does not last 10 days", "won't survive longer than 10 days": the next duration is at most t.
  const notLast = /\b(?:does\s+not|doesn't|do\s+not|don't|will\s+not|won't|fails?\s+to|not)\s+(?:last|survive|run|work|keep\s+going)\s+(?:for\s+)?(?:(?:more|longer)\s+than\s+|at\s+least\s+|beyond\s+|past\s+)?(?:a\s+full\s+|the\s+(?:full\s+)?)?(?=[\d.])/.exec(asked);
  if (notLast) {
    const start = scan.questionIndex >= 0 ? scan.sentences[scan.questionIndex].start : 0;
    const num = numberAt(scan, start + notLast.index + notLast[0].length);
    if (num) comparison = { comparison: 'less', num };
  } else if (comparison && !comparison.negated && /\b(?:not|never)\b|n't\b/.test(asked)) {
    // Another negated comparison ("not fail within ..."): reading it either way is a guess.
    return { kind: 'decline', reason: 'The question negates a comparison of durations in a way the embedded reasoner does not read; ask "longer than" or "shorter than" directly.', severity: 'missing' };
  }
  const exclude = new Set<Num>(comparison ? [comparison.num] : []);

  let count: number;
  let total: number;
  let dataUnit: UnitInfo | null = null;
  const list = findLists(scan, exclude).find((l) => !l.nums.some((n) => n.percent));
  if (list) {
    dataUnit = list.unit ? lookupUnit(list.unit) : null;
    if (!dataUnit) {
      const m = new RegExp(String.raw`\b(${units})\b`).exec(scan.text);
      dataUnit = m ? lookupUnit(m[1]) : null;
      if (dataUnit) penalties.push(penalty(`the listed durations carry no unit: took ${dataUnit.name}s from the text`, 0.9));
    }
    const negative = list.nums.find((n) => n.value < 0);
    if (negative) return { kind: 'decline', reason: `The duration ${negative.raw} is negative; lifetimes and waiting times cannot be negative.`, severity: 'inconsistent' };
    const stated = statedCount(scan, list);
    if (stated) {
      if (stated.value !== list.nums.length) {
        return { kind: 'decline', reason: `The question says ${stated.raw} ${stated.after[0] ?? ''} but lists ${list.nums.length} durations; the counts do not add up.`, severity: 'inconsistent' };
      }
      used.push({ num: stated, role: 'number of observed durations' });
    }
    count = list.nums.length;
    total = list.nums.reduce((s, n) => s + n.value, 0);
    used.push(...list.nums.map((num) => ({ num, role: 'observed duration' })));
  } else {
    const isTime = (n: Num) => !exclude.has(n) && n.sentence !== scan.questionIndex && lookupUnit(n.after[0] ?? '')?.dimension === 'time';
    const totalNum = scan.numbers.find((n) => isTime(n) && /\b(?:total|combined|sum|summed|altogether|cumulative|added\s+up|add\s+up|adding\s+up)\b/.test(n.before.slice(-6).join(' ') + ' ' + n.after.slice(1, 4).join(' ')));
    // "8 components had an average lifetime of 500 hours": the total is count x mean.
    // "the mean time between failures was 200 days": the adjective may sit five words back.
    const meanNum = totalNum ? undefined : scan.numbers.find((n) => isTime(n) && /\b(?:average|averaged|mean)\b/.test(n.before.slice(-6).join(' ')));
    const timeNum = totalNum ?? meanNum;
    if (!timeNum) return null;
    const countNum = scan.numbers.find((n) => n !== timeNum && !exclude.has(n) && Number.isInteger(n.value) && !n.percent && lookupUnit(n.after[0] ?? '') === null);
    if (!countNum) return { kind: 'decline', reason: `The question gives ${totalNum ? 'a total' : 'an average'} time but not how many lifetimes or waits it covers.`, severity: 'missing' };
    if (countNum.value <= 0 || timeNum.value <= 0) return { kind: 'decline', reason: `The count and the ${totalNum ? 'total' : 'average'} time must both be positive.`, severity: 'inconsistent' };
    dataUnit = lookupUnit(timeNum.after[0]!);
    count = countNum.value;
    total = totalNum ? timeNum.value : timeNum.value * countNum.value;
    used.push({ num: countNum, role: 'number of observed durations' }, { num: timeNum, role: totalNum ? 'total observed time' : 'average observed duration' });
  }
  if (!dataUnit) return { kind: 'decline', reason: 'The durations have no time unit; say whether they are minutes, hours, days ...', severity: 'missing' };
  if (total <= 0) return { kind: 'decline', reason: 'The total observed time is zero; there is nothing to learn a rate from.', severity: 'inconsistent' };

  const perMatch = new RegExp(String.raw`(?:(?:\bper|\ban?|\beach|\bevery|\bin)\s+|/\s*)(${units})\b`).exec(asked);
  let unit = perMatch ? lookupUnit(perMatch[1])! : dataUnit;
  let target: ProblemOf<'exponential'>['target'];
  if (comparison) {
    // "the probability that the mean commute is over 40 minutes": a threshold on the mean, not on the
    // next duration. Without a stated exponential model that is the normal mean's question; with one,
    // P(mean lifetime > t) is no quantity this family answers.
    const start = scan.questionIndex >= 0 ? scan.sentences[scan.questionIndex].start : 0;
    const beforeThreshold = scan.text.slice(start, comparison.num.start);
    if (/\b(?:mean|average|typical)\b/.test(beforeThreshold) && !/\b(?:next|new|single|another)\b/.test(beforeThreshold)) {
      if (!/\bexponential(?:ly)?\b/.test(scan.text)) return null;
      // Stated model: final, so that no other family answers with a normal mean instead.
      return { kind: 'decline', reason: 'The question puts a threshold on the mean duration; the embedded reasoner answers the rate, the mean lifetime, or whether the next one lasts longer or shorter than a time.', severity: 'unsupported' };
    }
    const tUnit = lookupUnit(comparison.num.after[0] ?? '');
    unit = tUnit && tUnit.dimension === 'time' ? tUnit : dataUnit;
    target = comparison.comparison === 'greater' ? { kind: 'prob-longer', duration: comparison.num.value } : { kind: 'prob-shorter', duration: comparison.num.value };
    used.push({ num: comparison.num, role: `duration threshold in ${unit.name}s` });
  } else if (/\brate\b/.test(asked)) {
    target = { kind: 'rate' };
  } else if (MEAN_LIFETIME.test(asked)) {
    target = { kind: 'mean-lifetime' };
  } else {
    target = { kind: 'rate' };
    penalties.push(penalty('the question does not say rate or mean lifetime: answered the rate', 0.85));
  }
  const factor = conversionFactor(dataUnit, unit);
  if (factor === null) return { kind: 'decline', reason: `Cannot convert ${dataUnit.name}s to ${unit.name}s.`, severity: 'inconsistent' };
  if (factor !== 1) penalties.push(penalty(`converted ${dataUnit.name}s to ${unit.name}s`, 0.99));
  return {
    kind: 'problem',
    problem: { family: 'exponential', count, totalTime: total * factor, unit: unit.name, target },
    used,
    penalties,
  };
}
