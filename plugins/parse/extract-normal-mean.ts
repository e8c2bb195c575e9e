/**
 * Normal mean from listed measurements (unknown variance). Pure.
 */
import { findLists, MEASUREMENT_UNIT, statedCount } from './find-lists.js';
import { findComparisons, findNamedThreshold, type Extraction, type Num, type Scan } from './scan.js';
import type { ParsePenalty, ProblemOf } from '../problem.js';

/** Normal-mean extractor; null when there is no list of at least two measurements. */
export function extractNormalMean(scan: Scan): Extraction | null {
  const named = findNamedThreshold(scan);
  // "below the target" with no number for the target: the mean would answer another question.
  if (named && 'unresolved' in named) return null;
  const comparison = findComparisons(scan).find((c) => c.num.sentence === scan.questionIndex) ?? (named ?? undefined);
  const exclude = new Set<Num>(comparison ? [comparison.num] : []);
  // "got 33, 51 and 16 votes respectively": counts paired with named categories, not measurements.
  const pairedWithLabels = (l: { nums: Num[] }) => /^[^.?;]*\brespectively\b/.test(scan.text.slice(l.nums[l.nums.length - 1].end));
  const lists = findLists(scan, exclude).filter((l) => !l.nums.some((n) => n.percent) && !pairedWithLabels(l));
  const list = lists[0];
  if (!list) return null;
  const penalties: ParsePenalty[] = [];
  const used: { num: Num; role: string }[] = list.nums.map((num) => ({ num, role: 'measurement' }));
  // A stated count ("5 measurements: ...") must match the list.
  const stated = statedCount(scan, list);
  if (stated) {
    if (stated.value !== list.nums.length) {
      return { kind: 'decline', reason: `The question says ${stated.raw} ${stated.after[0]} but lists ${list.nums.length} values; the counts do not add up.`, severity: 'inconsistent' };
    }
    used.push({ num: stated, role: 'number of measurements' });
  }
  // "78, 85 and 76 out of 100": the maximum of the scale the values are on, not data.
  const scale = /^\s*(?:out\s+of|\/)\s*(\d+)\b/.exec(scan.text.slice(list.end));
  const scaleNum = scale ? scan.numbers.find((n) => n.start === list.end + scale[0].length - scale[1].length) : undefined;
  if (scaleNum) used.push({ num: scaleNum, role: 'maximum of the scale' });
  const values = list.nums.map((n) => n.value);
  if (values.every((v) => v === values[0])) {
    return { kind: 'decline', reason: 'All measurements are identical, so their spread is zero and the posterior of the mean is undefined; give measurements that vary.', severity: 'inconsistent' };
  }
  let target: ProblemOf<'normal-mean'>['target'] = { kind: 'mean' };
  if (comparison) {
    target = { kind: 'prob-mean', comparison: comparison.comparison, threshold: comparison.num.value };
    used.push({ num: comparison.num, role: 'threshold on the mean' });
  }
  const unit = list.unit && MEASUREMENT_UNIT.test(list.unit) ? list.unit : '';
  return {
    kind: 'problem',
    problem: { family: 'normal-mean', values: list.nums.map((n) => n.value), unit, target },
    used,
    penalties,
  };
}
