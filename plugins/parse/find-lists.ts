/**
 * Lists of numbers ("4.1, 3.9, 4.3 and 4.0 cm", "800 950 1100 hours"): runs of numbers joined by
 * commas, "and", semicolons or spaces, each optionally followed by a short unit. Pure.
 */
import type { Num, Scan } from './scan.js';

export interface NumberList {
  nums: Num[];
  /** The unit word written after the items, if any ("g", "hours"). */
  unit: string | null;
  start: number;
  end: number;
}

// A bullet dash between spaces separates items ("- 21.4 - 22.1"); a bare dash is a range ("3-5").
const SEPARATOR = /^\s*(?:(?!and\b|or\b)([a-z°][a-z%/]{0,7})\.?\s*)?(?:,|;|and|&|,\s*and|or|(?<=\s)-(?=\s))?\s*$/;

/** Unit words that may follow a listed value. */
export const MEASUREMENT_UNIT =
  /^(?:[a-z]{0,2}g|grams?|kilograms?|[kcm]?m|mm|cm|km|meters?|metres?|centimeters?|millimeters?|inch(?:es)?|in|ft|feet|foot|lbs?|pounds?|oz|ounces?|m?l|liters?|litres?|°?[cf]|degrees?|mg\/dl|mmhg|bpm|points?|%|s|secs?|seconds?|mins?|minutes?|hours?|hrs?|h|days?|weeks?|months?|years?|dollars?|usd|euros?|volts?|ohms?|watts?|kwh|mpg|miles?|units?)$/;

/**
 * A stated count right before a list ("5 bulbs lasted 800, 950 ..."): the value must match the
 * list's length. Returns the number, or null when none is stated.
 */
export function statedCount(scan: Scan, list: NumberList): Num | null {
  const first = list.nums[0];
  return (
    scan.numbers.find(
      (n) => n.end <= list.start && n.sentence === first.sentence && Number.isInteger(n.value) && !n.percent && n.value > 0 &&
        list.start - n.end < 80 &&
        // A count counts things ("5 apples", "6 synthetic checks"); "she's 67, bed 12" and
        // "batch #2231" are an age and an identifier.
        ((!MEASUREMENT_UNIT.test(n.after[0] ?? '') && n.after.slice(0, 2).some((w) => /^[a-z-]{3,}s$|^(?:people|children|men|women)$/.test(w))) ||
          // "on 6 days: 31, 28, ...", "5 tap water samples: ...": a unit or a longer noun phrase after the
          // number counts the values only when it matches the list (otherwise it is a duration or a label).
          (n.value === list.nums.length && n.after.slice(0, 3).some((w) => /^[a-z-]{3,}s$/.test(w)))) &&
        !/#\s*$/.test(scan.text.slice(Math.max(0, n.start - 2), n.start)),
    ) ?? null
  );
}

/** Every run of at least two numbers in `scan`, longest first. */
export function findLists(scan: Scan, exclude: Set<Num> = new Set()): NumberList[] {
  const lists: NumberList[] = [];
  let run: Num[] = [];
  let unit: string | null = null;
  const flush = () => {
    if (run.length >= 2) lists.push({ nums: run, unit, start: run[0].start, end: run.at(-1)!.end });
    run = [];
    unit = null;
  };
  for (const num of scan.numbers) {
    if (exclude.has(num)) {
      flush();
      continue;
    }
    const prev = run.at(-1);
    if (prev) {
      const between = scan.text.slice(prev.end, num.start);
      const m = SEPARATOR.exec(between);
      const sepUnit = m?.[1] ?? null;
      const ok = m !== null && prev.percent === num.percent && (sepUnit === null || (MEASUREMENT_UNIT.test(sepUnit) && (unit === null || sepUnit === unit)));
      if (ok) {
        if (sepUnit) unit = sepUnit;
        run.push(num);
        continue;
      }
      flush();
    }
    run = [num];
  }
  flush();
  for (const list of lists) {
    if (!list.unit) {
      const w = list.nums.at(-1)!.after[0];
      if (w && MEASUREMENT_UNIT.test(w)) list.unit = w;
    }
  }
  return lists.sort((a, b) => b.nums.length - a.nums.length);
}
