/**
 * Poisson rate: k events over an exposure ("18 calls in 6 hours", "240 visits over a 3-day
 * period", "12 typos in 30 pages"), converted to the unit the question asks about. Pure.
 */
import { conversionFactor, lookupUnit, unitAlternation, type UnitInfo } from './units.js';
import { findComparisons, isIncidental, penalty, questionText, type Extraction, type Num, type Scan } from './scan.js';
import type { ParsePenalty, ProblemOf } from '../problem.js';

const EXPOSURE_LEAD = new Set(['in', 'over', 'during', 'across', 'within', 'for', 'last', 'past', 'a', 'an', 'of', 'every', 'each', 'first', 'about', 'the', 'spanning', 'covering', 'after']);

function unitAfter(num: Num): UnitInfo | null {
  const w = num.after[0];
  if (w === undefined || w === 's' || w === 'm') return null;
  // "12,000 operating hours", "500 flight hours": an activity word between the number and its unit.
  if (lookupUnit(w) === null && /^(?:[a-z]+ing|flight|machine|engine|service|patient|fleet|device|test|man|person)$/.test(w) && num.after[1] !== undefined) {
    const unit = lookupUnit(num.after[1]);
    if (unit?.dimension === 'time') return unit;
  }
  return lookupUnit(w);
}

/**
 * The unit of a rate written right after a data count ("4 births per day", "2 errors an hour",
 * "3 calls/hour"), or null when the count is a plain count.
 */
function dataRateUnit(scan: Scan, num: Num, units: string): UnitInfo | null {
  // "in a week" is an exposure, not a rate: the words skipped may not be a preposition of time.
  const m = new RegExp(String.raw`^\s*(?:(?!in\b|over\b|during\b|across\b|within\b|for\b)[a-z'-]+\s+){0,2}?(?:(?:per|an?|each|every)\s+|/\s*)(${units})\b`).exec(scan.text.slice(num.end));
  return m ? lookupUnit(m[1]) : null;
}

/**
 * "3 times last year", "24 accidents in the past year", "in a week": one unit of exposure written
 * without a number, in a data sentence. Returns a number that is not in the text (value 1), or null.
 */
function impliedExposure(scan: Scan, units: string): Num | null {
  const re = new RegExp(String.raw`\b(?:(?:in|over|during|across|within|for)\s+(?:the\s+)?(?:last|past|previous|whole|entire)|(?:in|over|during)\s+(?:a|an|one)|last|this)\s+(${units})\b`, 'g');
  for (const m of scan.text.matchAll(re)) {
    const unit = lookupUnit(m[1]);
    const at = m.index ?? 0;
    const sentence = scan.sentences.findIndex((s) => at >= s.start && at < s.end);
    if (!unit || unit.dimension !== 'time' || sentence === scan.questionIndex) continue;
    const start = at + m[0].length - m[1].length;
    return { value: 1, raw: `1 (${m[0].trim()})`, percent: false, start, end: start, sentence, after: [m[1]], before: [] };
  }
  return null;
}

/** Poisson extractor; null when there is no count over an exposure. */
export function extractPoisson(scan: Scan): Extraction | null {
  const asked = questionText(scan);
  const askedSentence = scan.questionIndex;
  const penalties: ParsePenalty[] = [];
  const used: { num: Num; role: string }[] = [];
  const units = unitAlternation();

  // Window asked about: "in the next 2 hours", "in the next hour".
  let window: { value: number; unit: UnitInfo; num?: Num } | null = null;
  if (/\b(?:tomorrow|today|tonight)\b/.test(asked) && lookupUnit('day')) window = { value: 1, unit: lookupUnit('day')! };
  const windowMatch = new RegExp(String.raw`\b(?:next|coming|following|upcoming)\s+(?:(\d+(?:\.\d+)?)\s*-?\s*)?(${units})\b`).exec(asked);
  const askedStart = askedSentence >= 0 ? scan.sentences[askedSentence].start : 0;
  if (windowMatch && !window) {
    const unit = lookupUnit(windowMatch[2]);
    if (unit) {
      const num = windowMatch[1] === undefined ? undefined : scan.numbers.find((n) => n.start === askedStart + windowMatch.index + windowMatch[0].indexOf(windowMatch[1], windowMatch[0].search(/\s/)));
      window = { value: windowMatch[1] === undefined ? 1 : Number(windowMatch[1]), unit, num };
      if (num) used.push({ num, role: `window of ${num.raw} ${unit.name}s` });
    }
  }
  // "per 1,000 hours", "per 2 weeks": a rate per several units is the expected count in a window of
  // that many units.
  const perSeveral = new RegExp(String.raw`\bper\s+(\d+(?:\.\d+)?)\s*-?\s*(${units})\b`).exec(asked);
  if (perSeveral && !window) {
    const unit = lookupUnit(perSeveral[2]);
    const num = scan.numbers.find((n) => n.start === askedStart + perSeveral.index + perSeveral[0].indexOf(perSeveral[1], 3));
    if (unit && num) {
      window = { value: num.value, unit, num };
      used.push({ num, role: `rate per ${num.raw} ${unit.name}s` });
    }
  }
  // "per fortnight", "per install": a rate per something that is not a time unit the reasoner
  // knows; answering per the exposure's unit instead would be a confident wrong number.
  const perUnknown = /\bper\s+(?:a\s+|an\s+|each\s+)?([a-z]+)\b/.exec(asked);
  if (perUnknown && lookupUnit(perUnknown[1]) === null && !/^(?:cent|capita)$/.test(perUnknown[1])) {
    return { kind: 'decline', reason: `The question asks for a rate per ${perUnknown[1]}, which is not a unit of time the embedded reasoner can convert to.`, severity: 'missing' };
  }
  // Rate unit asked: "per minute", "an hour", "hourly", "each day".
  const perMatch = new RegExp(String.raw`(?:(?:\bper|\ban?|\beach|\bevery)\s+|/\s*)(${units})\b|\b(hourly|daily|weekly|monthly|yearly|annually)\b`).exec(asked);
  let askedUnit: UnitInfo | null = perMatch ? lookupUnit(perMatch[1] ?? perMatch[2]) : null;

  const exclude = new Set<Num>(window?.num ? [window.num] : []);
  // "over 6 hours" states an exposure, not a comparison.
  const comparison = findComparisons(scan).find(
    (c) => c.num.sentence === askedSentence && !(/^(?:over|more|above)$/.test(c.phrase) && unitAfter(c.num) !== null && c.num.before.at(-2) !== 'rate'),
  );
  if (comparison) exclude.add(comparison.num);

  // Exposure: a number followed by a unit, led by "in/over/during..." or written "a 6-hour shift".
  const exposures = scan.numbers.filter(
    (n) => !exclude.has(n) && unitAfter(n) !== null && (EXPOSURE_LEAD.has(n.before.at(-1) ?? '') || /^-/.test(scan.text.slice(n.end, n.end + 1)) || n.before.length === 0 || /^(?:of|in)$/.test(n.after[1] ?? '')),
  );
  const exposureNum = exposures.find((n) => n.before.at(-1) !== 'next') ?? impliedExposure(scan, units);
  if (!exposureNum) return null;
  const exposureUnit = unitAfter(exposureNum) ?? lookupUnit(exposureNum.after[0] ?? '')!;
  // Events: the count that is not the exposure ("18 calls").
  const events = scan.numbers.filter(
    (n) => n !== exposureNum && !exclude.has(n) && !isIncidental(scan, n) && !n.percent && unitAfter(n) === null && n.before.at(-1) !== 'next' && (n.sentence !== askedSentence || n.sentence === exposureNum.sentence),
  );
  const negative = [exposureNum, ...events].find((n) => n.value < 0);
  if (negative) return { kind: 'decline', reason: `The value ${negative.raw} is negative; event counts and exposures cannot be negative.`, severity: 'inconsistent' };
  if (events.length === 0) return { kind: 'decline', reason: 'The question gives an exposure but no event count; say how many events were observed.', severity: 'missing' };
  const sameSentence = events.filter((n) => n.sentence === exposureNum.sentence);
  const eventNum = (sameSentence.length > 0 ? sameSentence : events)[0];
  if (!Number.isInteger(eventNum.value)) return { kind: 'decline', reason: `The event count ${eventNum.raw} is not a whole number.`, severity: 'inconsistent' };
  if (exposureNum.value === 0) return { kind: 'decline', reason: 'The exposure is zero; there is no observation time to learn a rate from.', severity: 'inconsistent' };
  const extraEvents = events.filter((n) => n !== eventNum && n.sentence === eventNum.sentence);
  if (extraEvents.length > 0) penalties.push(penalty(`ignored ${extraEvents.map((n) => n.raw).join(', ')} next to the event count`, 0.85));
  const eventLabel = eventNum.after.find((w) => !['were', 'was', 'have', 'had', 'been', 'new', 'in', 'over'].includes(w)) ?? 'events';
  // "averaged 4 births per day over 30 days": the data give a rate, and the count is rate x exposure.
  let eventCount = eventNum.value;
  const rateUnit = dataRateUnit(scan, eventNum, units);
  if (rateUnit) {
    const perExposure = conversionFactor(exposureUnit, rateUnit);
    if (perExposure === null) return { kind: 'decline', reason: `The rate is per ${rateUnit.name} but the exposure is in ${exposureUnit.name}s; these cannot be converted.`, severity: 'inconsistent' };
    const implied = eventNum.value * exposureNum.value * perExposure;
    if (Math.abs(implied - Math.round(implied)) > 1e-6) {
      return { kind: 'decline', reason: `${eventNum.raw} per ${rateUnit.name} over ${exposureNum.raw} ${exposureUnit.name}s is not a whole number of events; give the number of events observed.`, severity: 'inconsistent' };
    }
    eventCount = Math.round(implied);
    penalties.push(penalty(`the data give a rate: ${eventNum.raw} per ${rateUnit.name} over ${exposureNum.raw} ${exposureUnit.name}s = ${eventCount} events`, 0.97));
    used.push({ num: eventNum, role: `observed rate of ${eventLabel} per ${rateUnit.name}` }, { num: exposureNum, role: `exposure in ${exposureUnit.name}s` });
  } else {
    used.push({ num: eventNum, role: `count of ${eventLabel}` }, { num: exposureNum, role: `exposure in ${exposureUnit.name}s` });
  }

  if (!askedUnit && comparison) {
    const perAfter = new RegExp(String.raw`^\s*(?:[a-z]+\s+){0,2}?(?:(?:per|an?|each|every)\s+|/\s*)(${units})\b`).exec(scan.text.slice(comparison.num.end));
    if (perAfter) askedUnit = lookupUnit(perAfter[1]);
  }
  const unit = window?.unit ?? askedUnit ?? exposureUnit;
  const factor = conversionFactor(exposureUnit, unit);
  if (factor === null) {
    return { kind: 'decline', reason: `The exposure is in ${exposureUnit.name}s but the question asks per ${unit.name}; these cannot be converted.`, severity: 'inconsistent' };
  }
  if (factor !== 1) penalties.push(penalty(`converted ${exposureUnit.name}s to ${unit.name}s`, 0.99));
  const exposure = exposureNum.value * factor;

  let target: ProblemOf<'poisson'>['target'];
  // "zero accidents" reaches here as "0 accidents" (number words are digits by now).
  const zero = scan.numbers.find((n) => n.sentence === askedSentence && n.value === 0 && !n.percent && /^[a-z]/.test(n.after[0] ?? '') && lookupUnit(n.after[0] ?? '') === null);
  const none = /\b(?:no|zero|none|not\s+(?:a\s+single|any)|without\s+(?:any|a))\b/.test(asked) || zero !== undefined;
  if (zero) used.push({ num: zero, role: 'the zero of "no events"' });
  // "at least one call in the next 10 minutes" = 1 - P(no call in the window).
  const atLeastOne =
    /\b(?:at\s+least\s+(?:one|1)|one\s+or\s+more|1\s+or\s+more|any)\s+(?:[a-z-]+\s+){0,3}?(?:in|during|within|over)\s+the\s+(?:next|coming|following|upcoming)\b/.test(asked) ||
    // "jams at least once during the next shift", "happens one or more times in the next hour".
    /\b(?:at\s+least\s+once|(?:one|1)\s+or\s+more\s+times|ever)\s+(?:[a-z-]+\s+){0,3}?(?:in|during|within|over)\s+the\s+(?:next|coming|following|upcoming)\b/.test(asked) ||
    // "at least one page tomorrow": the window is named by a day word.
    /\b(?:at\s+least\s+(?:one|1)|one\s+or\s+more|1\s+or\s+more)\s+(?:[a-z-]+\s+){0,3}?(?:tomorrow|today|tonight)\b/.test(asked);
  if (atLeastOne && !none) {
    if (!window) return { kind: 'decline', reason: 'The question asks about at least one event but not in which window ("in the next hour").', severity: 'missing' };
    target = { kind: 'prob-at-least-one', window: window.value };
    if (comparison && comparison.num.value === 1 && /^at\s+least$/.test(comparison.phrase)) used.push({ num: comparison.num, role: 'the one of "at least one"' });
    else if (comparison) return { kind: 'decline', reason: 'The question mixes "at least one event" with another threshold; ask one of them.', severity: 'unsupported' };
  } else if (comparison && !none) {
    if (window && !/\brate\b/.test(asked)) {
      return { kind: 'decline', reason: 'The question asks about a count in a future window ("more than N in the next ..."); the embedded reasoner answers about the rate, the expected count, or no events.', severity: 'unsupported' };
    }
    target = { kind: 'prob-rate', comparison: comparison.comparison, threshold: comparison.num.value };
    used.push({ num: comparison.num, role: `threshold on the rate per ${unit.name}` });
  } else if (none) {
    target = { kind: 'prob-none', window: window?.value ?? 1 };
    if (!window) penalties.push(penalty('no window stated for "no events": assumed one unit', 0.85));
  } else {
    // A question for a probability ("the chance it jams at least once ...") that none of the
    // readings above matched must not be answered with an expected count.
    if (/\b(?:probability|chance|chances|likelihood|odds|likely)\b/.test(asked) && !/\b(?:how\s+many|expected|expect|rate|average|mean|number)\b/.test(asked)) {
      return { kind: 'decline', reason: 'The question asks for a probability about the events that the embedded reasoner could not read (it answers the rate, the expected count, no events or at least one event in a window).', severity: 'missing' };
    }
    target = { kind: 'rate', window: window?.value ?? 1 };
  }
  return {
    kind: 'problem',
    problem: { family: 'poisson', events: eventCount, exposure, unit: unit.name, exposureUnit: exposureUnit.name, eventLabel, target },
    used,
    penalties,
  };
}
