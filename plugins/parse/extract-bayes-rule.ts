/**
 * Bayes' rule with a base rate: diagnostic tests, spam filters, witnesses. Each stated rate is
 * given a role from the words of its clause (prevalence, sensitivity, specificity, false
 * positive rate, reliability). Pure.
 */
import { penalty, questionText, type Extraction, type Num, type Scan } from './scan.js';
import type { ParsePenalty } from '../problem.js';

type Role = 'prevalence' | 'sensitivity' | 'specificity' | 'fpr' | 'fnr' | 'reliability';

// Checked in order: the first pattern that matches a rate's clause gives its role.
const ROLE_PATTERNS: [Role, RegExp][] = [
  ['specificity', /specificity|\bspecific\b|true[\s-]+negative|correctly\s+(?:identif\w+|clears?|rules?\s+out)\s+[^,;]*\b(?:healthy|without|negative|non|legitimate|uninfected)|\btests?\s+negative|(?:accura\w*|correct|right)\s+(?:for|on|with|among|in)\s+(?:the\s+)?(?:un[a-z]+|non-?[a-z]+|healthy|good|clean|legitimate|(?:people|those|patients|items)\s+without)\b/],
  ['fpr', /false[\s-]+positive|false\s+alarm|mistakenly|incorrectly|wrongly|erroneously|by\s+mistake|\bwithout\b|\bwith\s+no\b|\bwhen\s+there\s+is\s+no\b|\bhealthy\b|\blegitimate\b|\bgood\s+[a-z]+|\bother\s+[a-z]+|\bnon-?(?:spam|diseased|infected|carriers?|users?)\b|\buninfected\b|\bclean\b|\binnocent\b|\bgenuine\b/],
  // "misses 10% of true cases", "fails to detect 5% of carriers": the share of cases the test does not
  // catch is the false negative rate, never the sensitivity it would otherwise match ("cases").
  ['fnr', /false[\s-]+negative|\bmiss(?:es|ed)?\b|\bfails?\s+to\s+(?:detect|catch|flag|spot|identify)|\boverlooks?\b/],
  ['reliability', /reliab|accura|of\s+the\s+time|gets?\s+it\s+right|correctly\s+identif\w+\s+(?:the\s+)?(?:cabs?|colou?rs?|cars?)/],
  ['sensitivity', /sensitivity|\bsensitive\b|true[\s-]+positive|detects?|catch(?:es)?|\bflags?\b|alerts?|alarm|positive|identif|recall|appears\s+in|(?:turns?|shows?)\s+up\s+in|hit\s+rate|of\s+(?:the\s+)?(?:sick|infected|diseased|cases|carriers|patients\s+with|people\s+with|those\s+with)/],
  ['prevalence', /prevalen|base\s+rate|affects?|\bhappens?\b|\boccurs?\b|\bhave\b|\bhas\b|\bare\b|\bis\b|\bcarr(?:y|ies)\b|\buses?\b|\bcomes?\b|population|\brare\b|\bsuffer|\bcontains?\b/],
];

interface Rate {
  num: Num;
  value: number;
  clause: string;
  /** Text after the number within its clause. */
  tail: string;
  role: Role | null;
  /** Computed from another rate ("the rest are blue"), not written in the question. */
  derived?: boolean;
  /** The N of a "1 in N" rate. */
  denominator?: Num;
}

function clauseAround(text: string, start: number, end: number): { clause: string; tail: string } {
  const leftAt = (sep: string) => {
    const i = text.lastIndexOf(sep, start - 1);
    return i < 0 ? -1 : i + sep.length - 1;
  };
  const left = Math.max(leftAt(','), leftAt(';'), leftAt('. '), leftAt('? '), leftAt(' and '), leftAt(' but '), leftAt(' while '));
  const rightCandidates = [',', ';', '. ', ' and ', ' but ', ' while ', '?'].map((s) => text.indexOf(s, end)).filter((i) => i >= 0);
  // "catches 92% of fraud with a 2% false positive rate": "with a" before another rate starts that rate's
  // clause (without the cut both rates read as false positive rates); "with the disease" stays in its clause.
  const withRate = /\swith\s+an?\s+(?=\d)/g;
  let leftWith = -1;
  for (const m of text.slice(0, start).matchAll(withRate)) leftWith = m.index + m[0].length - 1;
  const rightWith = (() => {
    const m = new RegExp(withRate.source, 'g');
    m.lastIndex = end;
    return m.exec(text)?.index ?? -1;
  })();
  const right = Math.min(rightCandidates.length ? Math.min(...rightCandidates) : text.length, rightWith >= 0 ? rightWith : text.length);
  const from = Math.max(left, leftWith);
  return { clause: text.slice(from + 1, right), tail: text.slice(end, right) };
}

const POSITIVE_RESULT = /^(?:\+|pos|positive|test\s+positive|positive\s+test|t\+|alarm|flagged|flag)$/;
const NEGATIVE_RESULT = /^(?:-|neg|negative|test\s+negative|negative\s+test|t-)$/;
const NEGATED = /^(?:not\s+|no\s+|non-?|~|!|un)/;
/** A result stated as evidence, not as a property of the test ("false negative rate"). */
const NEGATIVE_EVIDENCE = /(?<!false\s|false-|true\s|true-)\bnegative\s+(?:test|result|screen|reading|mammogram|scan)\b|\b(?:tests?|tested|came\s+back|comes\s+back|turns?\s+out|is|was)\s+negative\b/;
const POSITIVE_EVIDENCE = /(?<!false\s|false-|true\s|true-)\bpositive\s+(?:test|result|screen|reading|mammogram|scan)\b|\b(?:tests?|tested|came\s+back|comes\s+back|turns?\s+out|is|was)\s+positive\b/;

/**
 * The role of a rate written in probability notation right before it: "P(D) =" is the base rate,
 * "P(+|D) =" the sensitivity, "P(+|not D) =" the false positive rate, "P(-|not D) =" the
 * specificity, "P(-|D) =" the false negative rate. Undefined when the rate is not written so.
 */
function notationRole(before: string): Role | undefined {
  const m = /\bp\s*\(\s*([^()|]+?)\s*(?:\|\s*([^()]+?)\s*)?\)\s*(?:=|is|of)\s*$/.exec(before);
  if (!m) return undefined;
  const [event, given] = [m[1].trim(), m[2]?.trim()];
  if (given === undefined) return POSITIVE_RESULT.test(event) || NEGATIVE_RESULT.test(event) || NEGATED.test(event) ? undefined : 'prevalence';
  const absent = NEGATED.test(given);
  if (POSITIVE_RESULT.test(event)) return absent ? 'fpr' : 'sensitivity';
  if (NEGATIVE_RESULT.test(event)) return absent ? 'specificity' : 'fnr';
  return undefined;
}

/** Bayes-rule extractor; null when the question has no rates. */
export function extractBayesRule(scan: Scan): Extraction | null {
  const asked = questionText(scan);
  const penalties: ParsePenalty[] = [];
  const rates: Rate[] = [];
  const consumed = new Set<Num>();
  // "1 in 1000 people", "1 out of 50": a rate written as a ratio.
  for (const m of scan.text.matchAll(/(?<![\w.])(\d+(?:\.\d+)?)\s+(?:in|out\s+of|of\s+every)\s+(?:every\s+)?(\d+(?:\.\d+)?)(?![\d%]|\.\d)/g)) {
    const a = scan.numbers.find((n) => n.start === m.index);
    const b = scan.numbers.find((n) => n.start === (m.index ?? 0) + m[0].length - m[2].length);
    if (!a || !b || b.value === 0) continue;
    consumed.add(a).add(b);
    const { clause, tail } = clauseAround(scan.text, a.start, b.end);
    rates.push({ num: a, value: a.value / b.value, clause, tail, role: null, denominator: b });
  }
  for (const num of scan.numbers) {
    if (consumed.has(num)) continue;
    if (num.percent || (num.value >= 0 && num.value <= 1 && num.raw.includes('.'))) {
      const { clause, tail } = clauseAround(scan.text, num.start, num.end);
      rates.push({ num, value: num.percent ? num.value / 100 : num.value, clause, tail, role: null });
    }
  }
  // "85% of the cabs are green and the rest are blue": the remaining share is a rate too.
  const rest = /\b(?:the\s+)?(?:rest|remainder|remaining\s+ones|others)\s+(?:are|were|is)\s+([a-z]+)/.exec(scan.text);
  if (rest && rates.length > 0) {
    const first = rates.find((r) => /\bof\s+(?:the\s+)?[a-z]+/.test(r.tail));
    if (first) {
      rates.push({ num: first.num, value: 1 - first.value, clause: `are ${rest[1]} (the rest)`, tail: ` are ${rest[1]}`, role: 'prevalence', derived: true } as Rate);
    }
  }
  if (rates.length === 0) return null;
  const bad = rates.find((r) => r.value > 1 || r.value < 0);
  if (bad) return { kind: 'decline', reason: `The rate ${bad.num.raw} is ${bad.value > 1 ? 'above 100 %' : 'negative'}; rates must lie between 0 and 100 %.`, severity: 'inconsistent' };
  for (const rate of rates) {
    if (rate.role !== null) continue;
    const written = notationRole(scan.text.slice(Math.max(0, rate.num.start - 60), rate.num.start));
    if (written !== undefined) {
      rate.role = written;
      continue;
    }
    // "with 2% prevalence uses a test with 95% sensitivity": a role word written right after the
    // rate names it, whatever else its clause holds.
    const named = /^\s*(prevalence|base\s+rate|sensitivity|specificity|false[\s-]+positive|false[\s-]+negative)\b/.exec(rate.tail)?.[1];
    if (named) {
      rate.role = /^(?:prevalence|base)/.test(named) ? 'prevalence' : named === 'sensitivity' ? 'sensitivity' : named === 'specificity' ? 'specificity' : /positive$/.test(named) ? 'fpr' : 'fnr';
      continue;
    }
    for (const [role, re] of ROLE_PATTERNS) {
      if (re.test(rate.clause)) {
        rate.role = role;
        break;
      }
    }
  }
  const ofRole = (role: Role) => rates.filter((r) => r.role === role);
  // Prevalence: the stated base rate; with complementary categories (85% green, 15% blue) the one
  // the evidence points at.
  let prevalenceRates = ofRole('prevalence');
  const unassigned = rates.filter((r) => r.role === null);
  if (prevalenceRates.length === 0 && unassigned.length > 0) {
    prevalenceRates = [unassigned[0]];
    penalties.push(penalty(`took ${unassigned[0].num.raw} as the base rate (no cue word)`, 0.85));
  }
  let prevalence = prevalenceRates[0];
  let conditionLabel = /\bspam\b/.test(scan.text) ? 'spam' : /\b(?:disease|condition|infected|illness|cancer)\b/.test(scan.text) ? 'the condition' : 'the condition';
  if (prevalenceRates.length >= 2) {
    const category = (r: Rate) => /\b(?:are|is|were)\s+([a-z]+)/.exec(r.tail)?.[1] ?? /\b([a-z]+)\s*$/.exec(r.tail)?.[1] ?? '';
    const evidence = scan.text.slice(Math.max(0, scan.text.search(/\b(?:says|said|reports?|reported|identifie[sd]|claims?|testif\w+)\b/)));
    const pick = prevalenceRates.find((r) => category(r) && new RegExp(String.raw`\b${category(r)}\b`).test(asked)) ?? prevalenceRates.find((r) => category(r) && new RegExp(String.raw`\b${category(r)}\b`).test(evidence));
    const total = prevalenceRates.reduce((s, r) => s + r.value, 0);
    if (prevalenceRates.length >= 2 && prevalenceRates.every((r) => category(r)) && Math.abs(total - 1) > 1e-6 && total > 0.999) {
      return { kind: 'decline', reason: `The category shares add up to ${Math.round(total * 1000) / 10} %, not 100 %; check the base rates.`, severity: 'inconsistent' };
    }
    if (pick) {
      prevalence = pick;
      conditionLabel = `${category(pick)}`;
    } else {
      penalties.push(penalty('several base rates: took the first', 0.8));
    }
  }
  if (!prevalence) return { kind: 'decline', reason: 'The base rate (prevalence) is missing; Bayes\' rule needs how common the condition is.', severity: 'missing' };

  let sensitivity = ofRole('sensitivity')[0]?.value;
  let fpr = ofRole('fpr')[0]?.value;
  const specificity = ofRole('specificity')[0]?.value;
  const fnr = ofRole('fnr')[0]?.value;
  const reliability = ofRole('reliability')[0]?.value;
  if (sensitivity === undefined && fnr !== undefined) sensitivity = 1 - fnr;
  if (fpr === undefined && specificity !== undefined) fpr = 1 - specificity;
  if (reliability !== undefined) {
    if (sensitivity === undefined) sensitivity = reliability;
    if (fpr === undefined) fpr = 1 - reliability;
  }
  if (sensitivity === undefined || fpr === undefined) {
    const missing = sensitivity === undefined ? 'the true positive rate (sensitivity)' : 'the false positive rate (or specificity)';
    return { kind: 'decline', reason: `Bayes' rule needs ${missing}; the question does not state it.`, severity: 'missing' };
  }
  const unused = rates.filter((r) => r.role === null && r !== prevalence);
  for (const r of unused) penalties.push(penalty(`the rate ${r.num.raw} has no role`, 0.8));

  // The evidence is stated in the question or the sentence right before it (which states no rates).
  const prior = scan.questionIndex > 0 ? scan.sentences[scan.questionIndex - 1] : undefined;
  const evidenceText = asked + (prior && !rates.some((r) => r.num.sentence === scan.questionIndex - 1) ? ` ${prior.text}` : '');
  // "a negative mammogram", "tests negative": the evidence names a negative result and no positive
  // one ("false negative rate" is a property of the test, not the evidence).
  const evidence = evidenceText.replace(/\bfalse[\s-]+(?:positive|negative)s?\b/g, ' ');
  // "What is the NPV?": the negative predictive value is P(no condition | negative), the PPV is
  // P(condition | positive); the abbreviation alone fixes both the evidence and the side asked.
  const predictiveValue = /\bnpv\b|\bnegative\s+predictive\s+value\b/.test(asked) ? 'negative' : /\bppv\b|\bpositive\s+predictive\s+value\b/.test(asked) ? 'positive' : null;
  const negative = predictiveValue !== null ? predictiveValue === 'negative' :
    /\b(?:tests?|tested|comes?\s+back|result\s+is|is|was|were)\s+negative\b|\bnegative\s+(?:test|result)\b|\bnot\s+flagged\b|\bpasses\s+the\s+filter\b/.test(evidenceText) ||
    // "the dog does not alert", "the alarm doesn't go off": the detector stayed silent.
    /\b(?:does|did|do)\s+not\s+(?:alert|flag|detect|trigger|react|signal|alarm|fire|beep|sound|go\s+off)\b|\b(?:doesn't|didn't|don't)\s+(?:alert|flag|detect|trigger|react|signal|alarm|fire|beep|sound|go\s+off)\b|\bno\s+(?:alert|alarm)\b/.test(evidenceText) ||
    (/\bnegative\b/.test(evidence) && !/\bpositive\b/.test(evidence)) ||
    /\bp\s*\([^()|]+\|\s*(?:-|neg|negative)\s*\)/.test(asked) ||
    // "A negative test comes from a screening with 90% sensitivity ...": the evidence may sit in a
    // data sentence; taken only when the text states no positive result anywhere.
    (!/\bpositive\b/.test(evidence) && NEGATIVE_EVIDENCE.test(scan.text) && !POSITIVE_EVIDENCE.test(scan.text));
  const afterProbability = asked.slice(Math.max(0, asked.search(/\b(?:probability|chance|likelihood|odds|likely|percent)\b/)));
  // "2% of genuine emails are wrongly marked ... what is the probability it is genuine?": the
  // question names the group the false positive rate is about, i.e. the absence of the condition.
  const groupOf = (r: Rate | undefined) => (r ? /^\s*of\s+(?:the\s+|all\s+)?([a-z][a-z-]{3,})/.exec(r.tail)?.[1] : undefined);
  const absentGroup = groupOf(ofRole('fpr')[0] ?? ofRole('specificity')[0]);
  const presentGroup = groupOf(ofRole('sensitivity')[0] ?? ofRole('fnr')[0]);
  const namesAbsentGroup =
    absentGroup !== undefined && absentGroup !== presentGroup && new RegExp(String.raw`\b${absentGroup.replace(/s$/, '')}`).test(afterProbability) && (presentGroup === undefined || !new RegExp(String.raw`\b${presentGroup.replace(/s$/, '')}\b`).test(afterProbability));
  const complement = predictiveValue !== null ? predictiveValue === 'negative' : namesAbsentGroup || /\b(?:not|n't|healthy|free\s+of|legitimate|no\s+disease|uninfected)\b|\b[a-z]+-free\b/.test(afterProbability.replace(/\bnot\s+flagged\b|\btests?\s+not\b/g, ''));
  const used = rates
    .filter((r) => !r.derived && (r.role !== null || r === prevalence))
    .flatMap((r) => [
      { num: r.num, role: r === prevalence ? 'base rate' : (r.role ?? 'rate') },
      ...(r.denominator ? [{ num: r.denominator, role: 'base rate denominator' }] : []),
    ]);
  return {
    kind: 'problem',
    problem: {
      family: 'bayes-rule',
      prevalence: prevalence.value,
      sensitivity,
      falsePositiveRate: fpr,
      result: negative ? 'negative' : 'positive',
      conditionLabel,
      complement,
    },
    used,
    penalties,
  };
}
