/**
 * Finds "k successes out of n trials" in a stretch of a question, whatever the phrasing:
 * "14 heads in 20 flips", "flipped 20 times with 14 heads", "7 of 10", "14/20",
 * "14 heads and 6 tails", "a survey of 400 people, 12.5% said yes". Used by the binomial,
 * model-comparison and two-proportions extractors. Pure.
 */
import { modelCatalog } from '../model-catalog.js';
import { isCompoundModifier, isIncidental, penalty, type Num, type Scan } from './scan.js';
import { lookupUnit } from './units.js';
import type { ParsePenalty } from '../problem.js';

/** Nouns that count trials (the n of k-out-of-n). */
export const TRIAL_NOUNS = new Set(
  ('times flips tosses throws trials attempts shots tries visitors users visits sessions people persons patients ' +
    'respondents participants customers voters students subjects items parts units products widgets components ' +
    'samples emails games matches births babies seeds rolls draws spins tests applicants cases children adults ' +
    'individuals members employees players households shoppers viewers readers recipients bulbs chips devices ' +
    'coins flipped tossed trial flip toss throw shot attempt free coin independent total pieces eggs batches ' +
    'interviews calls leads impressions downloads installs at-bats atbats penalties kicks serves questions volunteers donations').split(' '),
);

/** Words right after a count that mark it as the successes. */
export const SUCCESS_HINTS = new Set(
  ('heads tails successes success conversions converted signups signed purchases purchased bought clicked clicks ' +
    'defective defects defect faulty broken made makes hits wins won passed failed failures germinated cured ' +
    'recovered responded agreed said answered voted yes no landed preferred liked returned missed ' +
    'misses sprouted survived scored replied approved improved opened subscribed bounced chose rated reported ' +
    'tested showed liked disliked positive').split(' '),
);

const SKIP_LABEL_WORDS = new Set('were was of them came up landed on showed resulted in the a an it they times turned out to be as are is had did'.split(' '));

export interface GroupData {
  successes: number;
  trials: number;
  label: string;
  used: { num: Num; role: string }[];
  penalties: ParsePenalty[];
}

export type GroupResult = GroupData | { decline: string } | null;

function complementOf(label: string): string | null {
  for (const [a, b] of modelCatalog().complements) {
    if (label === a) return b;
    if (label === b) return a;
  }
  return null;
}

/** The success label written after a count ("14 heads" → "heads", "11 were tails" → "tails"). */
export function labelAfter(num: Num): string {
  const before = labelBeforeTimes(num);
  if (before !== null && complementOf(before) !== null) return before;
  for (const w of num.after.slice(0, 4)) {
    if (complementOf(w) !== null) return w;
  }
  // "missed 13 of them": the label is the verb before the count.
  const prev = num.before.at(-1) ?? '';
  if (complementOf(prev) !== null) return prev;
  for (const w of num.after.slice(0, 3)) {
    if (SKIP_LABEL_WORDS.has(w) || TRIAL_NOUNS.has(w) || /\d/.test(w)) continue;
    return w;
  }
  return 'success';
}

/** "landed heads 14 times", "came up tails 6 times": a count of outcomes written before "times". */
function labelBeforeTimes(num: Num): string | null {
  if (num.after[0] !== 'times') return null;
  const prev = num.before.at(-1) ?? '';
  return complementOf(prev) !== null || SUCCESS_HINTS.has(prev) ? prev : null;
}

const TRIAL_VERBS = /^(?:flipped|tossed|rolled|thrown|threw|shot|tried|attempted|played|spun|asked|tested|repeated|ran|run|performed|sampled|shown|displayed|sent|served|kicked|drawn|drew|pitched|launched|fired|planted|called|visited|viewed|opened|clicked|flips|tosses|it|coin)$/;

function isTrialCount(num: Num): boolean {
  if (labelBeforeTimes(num) !== null) return false;
  const [w0, w1] = num.after;
  if (w0 === 'times') return num.before.slice(-3).some((w) => TRIAL_VERBS.test(w));
  if (w0 !== undefined && TRIAL_NOUNS.has(w0)) return true;
  // Two-word trial nouns: "free throws", "penalty kicks", "independent trials".
  if (w1 !== undefined && TRIAL_NOUNS.has(w1) && w1 !== 'times' && /^[a-z-]+$/.test(w0 ?? '') && !SUCCESS_HINTS.has(w0 ?? '')) {
    return true;
  }
  // "2,400 sent, 312 opened", "500 delivered": a participle of sending or showing counts the trials.
  if (/^(?:sent|delivered|shown|served|mailed|emailed|contacted|enrolled|screened|inspected|dispatched|displayed)$/.test(w0 ?? '') && !/^(?:on|at|by|in)$/.test(w1 ?? '')) return true;
  if (num.before.at(-1) === 'n') return true; // "(n = 2,000)"
  const b = num.before.slice(-2).join(' ');
  return /\b(?:sample|survey|poll|total|batch|group|panel|study|trial)\s+of$/.test(b) || /\b(?:surveyed|polled|tested|asked|inspected|sampled|interviewed|treated|examined|checked|flipped|tossed|shown|enrolled|recruited|screened)$/.test(num.before.at(-1) ?? '');
}

function isIntegerCount(num: Num): boolean {
  return !num.percent && Number.isInteger(num.value);
}

/** A year ("in 2022", "since 1998"), not a count. */
function isYear(num: Num): boolean {
  return !num.percent && Number.isInteger(num.value) && num.value >= 1800 && num.value <= 2100 && /^(?:in|since|during|from|year|of)$/.test(num.before.at(-1) ?? '') && !TRIAL_NOUNS.has(num.after[0] ?? '');
}

/** Follows a count by a time unit ("6 hours"), i.e. an exposure, not a trial count. */
function isExposure(num: Num): boolean {
  const unit = num.after[0] === undefined ? null : lookupUnit(num.after[0]);
  return unit !== null && unit.dimension === 'time' && num.after[0] !== 's' && num.after[0] !== 'm';
}

/**
 * Extracts one group's k and n from the numbers of `scan` that lie in [start, end), except those
 * in `exclude` (thresholds, windows). `asked` is the question sentence, to resolve complements.
 */
export function extractGroup(scan: Scan, start: number, end: number, exclude: Set<Num>, asked: string): GroupResult {
  const region = scan.text.slice(start, end);
  // Years ("hired in 2022") name a time, not a count.
  const nums = scan.numbers.filter((n) => n.start >= start && n.start < end && !exclude.has(n) && !isYear(n) && !isCompoundModifier(scan, n) && !isIncidental(scan, n));
  const negative = nums.find((n) => n.value < 0);
  if (negative) return { decline: `The count ${negative.raw} is negative; counts of trials and successes cannot be negative.` };

  const byStart = (abs: number) => nums.find((n) => n.start === abs);
  let kNum: Num | undefined;
  let nNum: Num | undefined;
  const penalties: ParsePenalty[] = [];

  // 1b. "one in eight of our 400 users", "3 out of every 10 of the 200 visitors": a ratio of n.
  {
    const ratio = /(\d+)\s+(?:in|out\s+of)\s+(?:every\s+)?(\d+)\s+(?:of|among)\s+(?:(?:the|our|its|their|these|those|all)\s+)?(\d+)(?![\d%.])/.exec(region);
    if (ratio) {
      const a = byStart(start + ratio.index);
      const b = byStart(start + ratio.index + ratio[0].indexOf(ratio[2], ratio[1].length));
      const n = byStart(start + ratio.index + ratio[0].length - ratio[3].length);
      if (a && b && n && isIntegerCount(n) && b.value > 0 && a.value <= b.value) {
        const exact = (a.value / b.value) * n.value;
        if (Math.abs(exact - Math.round(exact)) > 1e-9) return { decline: `${a.raw} in ${b.raw} of ${n.raw} is not a whole number of successes; give the count.` };
        return finish(scan, asked, {
          successes: Math.round(exact),
          trials: n.value,
          label: labelAfter(n),
          used: [{ num: a, role: 'ratio numerator' }, { num: b, role: 'ratio denominator' }, { num: n, role: 'number of trials' }],
          penalties: [penalty(`${a.raw} in ${b.raw} of ${n.raw} read as ${Math.round(exact)} successes`, 0.97)],
        });
      }
    }
  }

  // 1. "k ... of/out of/in/from n" and "k/n".
  // Words between k and "of n" start with a letter: in "quick 1 - out of 350" the dash is not a word.
  const kOfN = /(\d+(?:\.\d+)?)((?:\s+[a-z][a-z'-]*){0,3}?)\s*(?:\s(?:out\s+of|of|in|from|among)\s+(?:(?:the|its|our|their|his|her|these|those)\s+(?:last\s+|first\s+|past\s+)?|a\s+total\s+of\s+|all\s+|only\s+)?|\/)(\d+(?:\.\d+)?)(?![\d%]|\.\d)/g;
  for (const m of region.matchAll(kOfN)) {
    const k = byStart(start + (m.index ?? 0));
    const n = byStart(start + (m.index ?? 0) + m[0].length - m[3].length);
    if (!k || !n || !isIntegerCount(k) || !isIntegerCount(n) || isExposure(n) || isExposure(k)) continue;
    const middle = m[2].trim();
    if (/\b(?:and|with|but|while|per)\b/.test(middle)) continue;
    kNum = k;
    nNum = n;
    break;
  }

  // 1c. "640 transactions last week, of which 32 were refunded".
  if (!kNum || !nNum) {
    const ofWhich = /(\d+)\s+[a-z][^;.?]{0,60}?,?\s+of\s+(?:which|whom|these|them)\s+(?:only\s+)?(\d+)(?![\d%.])/.exec(region);
    if (ofWhich) {
      const n = byStart(start + ofWhich.index);
      const k = byStart(start + ofWhich.index + ofWhich[0].length - ofWhich[2].length);
      if (n && k && isIntegerCount(n) && isIntegerCount(k) && !isExposure(n)) {
        nNum = n;
        kNum = k;
      }
    }
  }

  // 2. "Out of 250 patients treated, 215 recovered": the trials lead, the successes follow after a
  // comma. Taken only when the question names the outcome ("recovery rate"), since nothing else
  // says whether 215 counts the outcome asked about or its opposite.
  if (!kNum || !nNum) {
    const lead = /(?:^|[\s,;:])(?:out\s+of|of|among)\s+(?:the\s+|all\s+|our\s+|these\s+|those\s+|its\s+|their\s+)?(\d+)\s+[a-z][^,;.?]{0,60}?,\s*(?:only\s+)?(\d+)\s+([^,;.?]{1,60})/.exec(region);
    if (lead) {
      const n = byStart(start + lead.index + lead[0].indexOf(lead[1], lead[0].search(/\d/)));
      const k = byStart(start + lead.index + lead[0].lastIndexOf(lead[2], lead[0].length - lead[3].length));
      const outcome = lead[3].split(/\s+/).filter((w) => /^[a-z]{4,}$/.test(w) && !SKIP_LABEL_WORDS.has(w));
      const named = outcome.some((w) => new RegExp(String.raw`\b${w.slice(0, 4)}`).test(asked));
      if (n && k && n !== k && isIntegerCount(n) && isIntegerCount(k) && !isExposure(n) && !isExposure(k) && named) {
        nNum = n;
        kNum = k;
      }
    }
  }

  // 4a. "sent: 5,000 / opened: 1,140": the trials and the successes each named before their count.
  if (!kNum || !nNum) {
    const trialLabel = new RegExp(String.raw`\b(?:sent|shown|delivered|visitors|visits|sessions|views|impressions|attempts|trials|total|tested|surveyed|asked)\s*[:=]\s*(\d+)(?!\d|\.\d|%)`).exec(region);
    const n = trialLabel ? byStart(start + trialLabel.index + trialLabel[0].length - trialLabel[1].length) : undefined;
    if (n && isIntegerCount(n)) {
      const successLabel = [...region.matchAll(/\b([a-z]+)\s*[:=]\s*(\d+)(?!\d|\.\d|%)/g)].find((m) => SUCCESS_HINTS.has(m[1]) && m[1] !== trialLabel?.[0].split(/\s|:|=/)[0]);
      const k = successLabel ? byStart(start + (successLabel.index ?? 0) + successLabel[0].length - successLabel[2].length) : undefined;
      if (k && isIntegerCount(k) && k.value <= n.value && successLabel) {
        return finish(scan, asked, { successes: k.value, trials: n.value, label: successLabel[1], used: [{ num: k, role: `count of ${successLabel[1]}` }, { num: n, role: 'number of trials' }], penalties: [] });
      }
    }
  }

  // 4. "made: 61, missed: 24", "won 12, lost 8", "on time 188, late 22": two outcomes, each
  // named before its count, and no stated total.
  if (!kNum || !nNum) {
    const pair = opposedCounts(scan, start, end, exclude);
    const others = nums.filter((n) => pair && n !== pair.first.num && n !== pair.second.num && isIntegerCount(n) && !isExposure(n));
    if (pair && others.length === 0) {
      // When the data sit in the question sentence, their own labels do not say what is asked.
      const chosen = pickOutcome(pair, asked.replace(scan.text.slice(pair.first.labelStart, pair.second.num.end), ' '));
      if (chosen === null) return null;
      const other = chosen === pair.first ? pair.second : pair.first;
      return finish(scan, asked, {
        successes: chosen.num.value,
        trials: chosen.num.value + other.num.value,
        label: chosen.label,
        used: [{ num: chosen.num, role: `count of ${chosen.label}` }, { num: other.num, role: `count of ${other.label}` }],
        penalties: [],
      });
    }
  }

  let label = 'success';
  let successes: number | undefined;
  if (kNum && nNum) {
    label = labelAfter(kNum);
    // "12 out of 240 test cases failed": the outcome follows the trials, not the count.
    if (label === 'success') {
      const outcome = nNum.after.slice(0, 4).find((w) => SUCCESS_HINTS.has(w) || complementOf(w) !== null);
      const between = outcome === undefined ? [] : nNum.after.slice(0, nNum.after.indexOf(outcome));
      if (outcome !== undefined && between.every((w) => /^[a-z-]+$/.test(w) && !/^(?:and|but|while|who|which|that|of|in)$/.test(w))) label = outcome;
    }
    successes = kNum.value;
  } else {
    let trialCounts = nums.filter((n) => isIntegerCount(n) && isTrialCount(n) && !isExposure(n));
    // "We burned in 400 boards and 9 failed": a count of things followed, in the same sentence,
    // by a smaller count with an outcome word is the number of trials even for an unknown noun.
    if (trialCounts.length === 0) {
      trialCounts = nums.filter(
        (t) =>
          isIntegerCount(t) && /^[a-z]{3,}s$/.test(t.after[0] ?? '') && !SUCCESS_HINTS.has(t.after[0] ?? '') && lookupUnit(t.after[0] ?? '') === null &&
          nums.some((k) => k !== t && k.sentence === t.sentence && k.start > t.start && isIntegerCount(k) && k.value <= t.value && SUCCESS_HINTS.has(k.after[0] ?? '')),
      );
    }
    // Prefer a trial count with a success count in its own sentence ("checked 120 parts and found 9 defective").
    nNum =
      trialCounts.find((t) => nums.some((n) => n !== t && n.sentence === t.sentence && isIntegerCount(n) && !isTrialCount(n) && !isExposure(n) && (n.after.slice(0, 3).some((w) => SUCCESS_HINTS.has(w) || complementOf(w) !== null) || labelBeforeTimes(n) !== null))) ??
      trialCounts.find((t) => nums.some((n) => n !== t && n.sentence === t.sentence && n.percent)) ??
      trialCounts[0];
    if (nNum) {
      const trialNum = nNum;
      const candidates = nums
        .filter((n) => n !== trialNum && isIntegerCount(n) && !isExposure(n) && !isTrialCount(n))
        .map((n) => {
          let score = 0;
          if (n.after.slice(0, 3).some((w) => SUCCESS_HINTS.has(w) || complementOf(w) !== null) || labelBeforeTimes(n) !== null) score += 2;
          // "She made 61 of them": a part of the trials counted in the sentence before.
          else if (n.after[0] === 'of' && /^(?:them|those|these)$/.test(n.after[1] ?? '') && SUCCESS_HINTS.has(n.before.at(-1) ?? '')) score += 2;
          if (n.sentence === trialNum.sentence) score += 1;
          if (Math.abs(n.sentence - trialNum.sentence) > 1) score -= 1;
          return { n, score };
        })
        .filter((c) => c.score > 0)
        .sort((a, b) => b.score - a.score || Number(complementOf(labelAfter(b.n)) !== null) - Number(complementOf(labelAfter(a.n)) !== null));
      const labelled = candidates.filter((c) => complementOf(labelAfter(c.n)) !== null);
      if (labelled.length >= 2 && complementOf(labelAfter(labelled[0].n)) === labelAfter(labelled[1].n)) {
        const [a, b] = [labelled[0].n, labelled[1].n];
        if (a.value + b.value !== trialNum.value) {
          return { decline: `The counts do not add up: ${a.raw} ${labelAfter(a)} and ${b.raw} ${labelAfter(b)} make ${a.value + b.value}, not ${trialNum.raw}.` };
        }
        kNum = a;
      } else if (candidates.length > 0) {
        if (candidates.length > 1 && candidates[0].score === candidates[1].score) {
          penalties.push(penalty('two numbers could be the success count; took the first', 0.8));
        }
        kNum = candidates[0].n;
      }
      const allOf = /\b(heads|tails|yes|successes|hits|wins)\s+(?:every\s+(?:single\s+)?time|each\s+time|all\s+the\s+time|on\s+every\s+[a-z]+)|\ball\s+(?:of\s+them\s+)?(?:came\s+up\s+|landed\s+|were\s+)?(heads|tails)\b/.exec(region);
      if (kNum) {
        label = labelAfter(kNum);
        successes = kNum.value;
      } else if (allOf) {
        label = allOf[1] ?? allOf[2];
        successes = trialNum.value;
        kNum = trialNum;
      } else {
        const pct = nums.find((n) => n.percent);
        if (pct) {
          if (pct.value > 100) return { decline: `${pct.raw} is above 100 %; a share of trials cannot exceed 100 %.` };
          const exact = (pct.value / 100) * trialNum.value;
          successes = Math.round(exact);
          if (Math.abs(exact - successes) > 1e-9) penalties.push(penalty(`${pct.raw} of ${trialNum.raw} is not a whole number; rounded to ${successes}`, 0.9));
          label = labelAfter(pct);
          kNum = pct;
        }
      }
    } else {
      // 3. "14 heads and 6 tails": complementary counts without a stated total.
      const labelled = nums.filter((n) => isIntegerCount(n) && complementOf(labelAfter(n)) !== null);
      for (let i = 0; i + 1 < labelled.length; i++) {
        if (complementOf(labelAfter(labelled[i])) === labelAfter(labelled[i + 1])) {
          kNum = labelled[i];
          successes = kNum.value;
          label = labelAfter(kNum);
          const other = labelled[i + 1];
          return finish(scan, asked, { successes, trials: kNum.value + other.value, label, used: [{ num: kNum, role: `count of ${label}` }, { num: other, role: `count of ${labelAfter(other)}` }], penalties });
        }
      }
    }
  }
  if (successes === undefined || !nNum || !kNum) return null;
  if (successes > nNum.value) {
    return { decline: `There are more successes (${successes}) than trials (${nNum.raw}); check the counts.` };
  }
  if (nNum.value === 0) return { decline: 'The number of trials is zero; there is no data to learn from.' };
  return finish(scan, asked, {
    successes,
    trials: nNum.value,
    label,
    used: [{ num: kNum, role: `count of ${label}` }, { num: nNum, role: 'number of trials' }],
    penalties,
  });
}

/**
 * Counted outcome, asked word naming its opposite, asked word naming the counted side itself (which
 * keeps the count): pairs from manufacturing (defects vs yield), sports (goals conceded vs saves) and
 * product analytics (churned vs retained).
 */
const DOMAIN_COMPLEMENTS: readonly (readonly [RegExp, RegExp, RegExp])[] = [
  [/^(?:defective|defectives|defects?|rejects?|rejected|faulty|scrap(?:ped)?|bad)$/, /\b(?:yield|good|non-?defective|acceptable)\b/, /\b(?:defect|reject|fault|scrap|bad)/],
  [/^(?:goals?|conceded)$/, /\bsav(?:e|es|ed|ing)\b/, /\b(?:goal|concede)/],
  [/^(?:churned|churn|cancell?ed|unsubscribed)$/, /\b(?:retention|retained|retain|stay(?:ed)?|kept)\b/, /\b(?:churn|cancel|unsubscrib)/],
  [/^(?:active|retained|stayed|renewed)$/, /\bchurn/, /\b(?:retention|retained|retain|active|stay|renew)/],
];

/** Applies a complement: the data counts tails but the question asks about heads. */
function finish(_scan: Scan, asked: string, group: GroupData): GroupData {
  // "jammed on 6 of 300 runs ... the probability that it does not jam": the question negates the
  // counted outcome, so it asks about the complement.
  // "fails to save the next penalty" negates "saves" as surely as "does not save" does.
  const negated = /\b(?:not|never|n't|without|fails?\s+to|failed\s+to|unable\s+to)\s+(?:be\s+|being\s+|get\s+|getting\s+)?([a-z]{3,})/.exec(asked);
  const countNum = group.used[0]?.num;
  if (negated && countNum && !/^(?:a|an|the|more|less|higher|lower|greater|above|below|over|under|exceed|exceeding)$/.test(negated[1])) {
    const st = negated[1].slice(0, 4);
    // The counted outcome may be a noun after the count ("made 34 saves") as well as a verb before it.
    if ([group.label, ...countNum.before.slice(-2), ...countNum.after.slice(0, 1)].some((w) => w.startsWith(st))) {
      return {
        ...group,
        successes: group.trials - group.successes,
        label: `not ${negated[1]}`,
        penalties: [...group.penalties, penalty(`the question asks about "not ${negated[1]}": used the complement of the counted outcome`, 0.95)],
      };
    }
  }
  const other = complementOf(group.label);
  // "missed 13 of 50 ... her free-throw percentage", "26 failed to germinate ... germination rate".
  if (asked && /^(?:missed|misses|failed|failures|failure|lost|losses)$/.test(group.label)) {
    const stem = group.label.slice(0, 4);
    if (!new RegExp(String.raw`\b${stem}`).test(asked) && !/\b(?:miss|fail|los)/.test(asked)) {
      return {
        ...group,
        successes: group.trials - group.successes,
        label: other ?? 'success',
        penalties: [...group.penalties, penalty(`the data count ${group.label}, the question asks about the opposite: used the complement`, 0.95)],
      };
    }
  }
  // A label of 'success' the question never wrote ("7 out of 250 chips failed") is no reading of
  // what was counted: complementing it on "failure rate" would be a guess.
  const writtenLabel = group.label !== 'success' || /\bsuccess/.test(_scan.text);
  if (asked && other !== null && writtenLabel && /^(?:passed|made|makes|hits|wins|won|successes|success)$/.test(group.label) && new RegExp(String.raw`\b${other.slice(0, 4)}`).test(asked)) {
    return {
      ...group,
      successes: group.trials - group.successes,
      label: other,
      penalties: [...group.penalties, penalty(`the data count ${group.label}, the question asks about ${other}: used the complement`, 0.95)],
    };
  }
  // Domain words for the complement of a counted outcome: "12 defective ... the yield", "conceded 11
  // goals ... save percentage", "29 churned ... retention". The asked word names the other side of the
  // same trials, so the count is complemented; when the question also names the counted side it stays.
  if (asked) {
    for (const [counted, askedOther, askedSame] of DOMAIN_COMPLEMENTS) {
      const hit = askedOther.exec(asked);
      if (counted.test(group.label) && hit && !askedSame.test(asked)) {
        return {
          ...group,
          successes: group.trials - group.successes,
          label: hit[0],
          penalties: [...group.penalties, penalty(`the data count ${group.label}, the question asks about the other side of the same trials: used the complement`, 0.95)],
        };
      }
    }
  }
  if (other !== null && writtenLabel && new RegExp(String.raw`\b${other}\b`).test(asked) && !new RegExp(String.raw`\b${group.label}\b`).test(asked)) {
    return {
      ...group,
      successes: group.trials - group.successes,
      label: other,
      penalties: [...group.penalties, penalty(`the data count ${group.label}, the question asks about ${other}: used the complement`, 0.98)],
    };
  }
  return group;
}

/** One outcome named before its count ("made: 61"). */
export interface NamedCount {
  label: string;
  num: Num;
  /** Where the label starts in the text. */
  labelStart: number;
}

// Outcome label, optional ":" or "=", then the count; the label is one or two words ("on time").
const NAMED_COUNT = /(?:^|[\s,;:(/-])((?:(?:on|in|not|did|no|said)\s+)?[a-z]+)\s*[:=]?\s*(\d+)(?!\d|\.\d|\s*%|\s*\/\s*\d|\s*(?:of|out\s+of|in|from)\s+\d)/g;

/** Words for the failing outcome of a trial, used when the question names neither outcome. */
const FAILURE_LABELS = /^(?:missed|misses|miss|lost|losses|loss|failed|fails|failures|failure|late|delayed|no|conceded|wrong|incorrect|rejected|not\s+[a-z]+|did\s+not|no\s+[a-z]+)$/;

/** Irregular verb forms a question may use for an outcome label ("won 12" ... "we win"). */
const OTHER_FORMS: Record<string, string[]> = { won: ['win', 'wins', 'winning'], lost: ['lose', 'loses', 'losing', 'loss'], made: ['make', 'makes', 'making'], hit: ['hits'] };

/**
 * Two counts, each written after the name of its outcome, side by side in one clause ("made: 61,
 * missed: 24", "won 12, lost 8", "yes: 140 / no: 85"): the two outcomes of the same trials. Null
 * when there is no such pair or more than one (two groups: "team A won 12, lost 8; team B won 15,
 * lost 5" is a comparison, not one proportion).
 */
export function opposedCounts(scan: Scan, start: number, end: number, exclude: Set<Num> = new Set()): { first: NamedCount; second: NamedCount } | null {
  const region = scan.text.slice(start, end);
  const found: NamedCount[] = [];
  for (const m of region.matchAll(NAMED_COUNT)) {
    const at = start + (m.index ?? 0) + m[0].lastIndexOf(m[2]);
    const labelStart = start + (m.index ?? 0) + m[0].indexOf(m[1]);
    const num = scan.numbers.find((n) => n.start === at || n.start === at - 1);
    const label = m[1].replace(/\s+/g, ' ');
    if (!num || exclude.has(num) || num.percent || !Number.isInteger(num.value) || SKIP_LABEL_WORDS.has(label) || TRIAL_NOUNS.has(label) || lookupUnit(label) !== null) continue;
    if (/^(?:and|or|with|of|in|on|at|by|for|from|to|than|about|after|before|over|under|every|each|last|next|first|only|total|were|was|is|are|had|has|have|got|after|than|vs|versus|the|a|an|our|their|his|her|its|these|those|this|that)$/.test(label)) continue;
    found.push({ label, num, labelStart });
  }
  for (let i = 0; i + 1 < found.length; i++) {
    const [a, b] = [found[i], found[i + 1]];
    const between = scan.text.slice(a.num.end, b.labelStart).trim();
    if (a.label === b.label || a.num.sentence !== b.num.sentence || !/^(?:,|;|\/|and|,\s*and|-|&)?$/.test(between)) continue;
    // A third named count beside the pair: categories, not two outcomes.
    if (found.some((f) => f !== a && f !== b && f.num.sentence === a.num.sentence)) return null;
    return { first: a, second: b };
  }
  return null;
}

/** Whether the question names an outcome label ("scores" for "scored", "win" for "won"). */
function namesOutcome(asked: string, label: string): boolean {
  const forms = [label, ...(OTHER_FORMS[label] ?? [])];
  return forms.some((f) => (f.length >= 5 ? new RegExp(String.raw`\b${f.slice(0, 4)}`) : new RegExp(String.raw`\b${f}\b`)).test(asked));
}

/**
 * Which of two opposed outcomes the question asks about: the one it names; else the one that is
 * not a failure word; null when that cannot be told (guessing could give the complement).
 */
function pickOutcome(pair: { first: NamedCount; second: NamedCount }, asked: string): NamedCount | null {
  const [a, b] = [pair.first, pair.second];
  // Two labels that are not opposite outcomes of one trial ("errors: 12, warnings: 30") are
  // categories whose sum need not be the number of trials: not read as a proportion.
  const failA = FAILURE_LABELS.test(a.label);
  const failB = FAILURE_LABELS.test(b.label);
  if (complementOf(a.label) !== b.label && failA === failB) return null;
  const namesA = namesOutcome(asked, a.label);
  const namesB = namesOutcome(asked, b.label);
  if (namesA !== namesB) return namesA ? a : b;
  if (namesA && namesB) return null;
  if (failA !== failB) return failA ? b : a;
  // "heads: 52, tails: 48" asked "is the coin fair?": the first outcome named.
  if (complementOf(a.label) === b.label) return a;
  return null;
}

/**
 * Whether the text holds one count beside the count of its opposite outcome, either way round
 * ("44 makes and 19 misses", "won 12, lost 8"): a one-proportion problem even without cue words.
 */
export function hasOpposedCounts(scan: Scan): boolean {
  if (opposedCounts(scan, 0, scan.text.length) !== null) return true;
  const labelled = scan.numbers.filter((n) => isIntegerCount(n) && complementOf(labelAfter(n)) !== null);
  return labelled.some((n, i) => i + 1 < labelled.length && n.sentence === labelled[i + 1].sentence && complementOf(labelAfter(n)) === labelAfter(labelled[i + 1]));
}
