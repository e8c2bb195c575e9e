/**
 * The embedded (deterministic) parser: question text → structured `Problem`, or a precise
 * decline. Pure and synchronous, so the parse stage, tests and an LLM fallback can all call it.
 */
import { catalogFamily } from '../model-catalog.js';
import { FAMILIES, type Family, type ParseOutput, type ParsePenalty, type QuantityNote } from '../problem.js';
import { extractBayesRule } from './extract-bayes-rule.js';
import { extractBinomial } from './extract-binomial.js';
import { hasOpposedCounts } from './extract-group.js';
import { extractCategorical } from './extract-categorical.js';
import { extractExponential } from './extract-exponential.js';
import { extractNormalMean } from './extract-normal-mean.js';
import { extractPoisson } from './extract-poisson.js';
import { countGroupLabels, extractTwoProportions } from './extract-two-proportions.js';
import { findLists } from './find-lists.js';
import { normalizeQuestion } from './normalize-question.js';
import { isCompoundModifier, isIncidental, penalty, questionText, scanQuestion, type Extraction, type Num, type Scan } from './scan.js';
import { unitAlternation } from './units.js';

export type ParseResult =
  | { kind: 'understood'; output: ParseOutput; confidence: number }
  | { kind: 'declined'; reason: string; normalizedText: string; corrections: { from: string; to: string }[]; family?: Family };

/** Tie-break order: the more specific family first. */
const SPECIFICITY: Family[] = ['bayes-rule', 'model-comparison', 'two-proportions', 'categorical', 'exponential', 'poisson', 'normal-mean', 'binomial'];

const BIAS = /\b(?:fair|unfair|biased|unbiased|loaded|rigged|weighted|trick)\b/;
const STATISTICAL = /\b(?:probability|probabilities|chance|chances|likelihood|likely|odds|estimate|rate|proportion|fraction|share|percent|percentage|mean|average|expected|interval|posterior|bayes|infer|credible|confidence|fair|biased|better)\b/;
/** Wider statistical vocabulary: any of these means the question may ask for a quantity. */
const STATISTICAL_WIDE = /\b(?:probability|probabilities|chance|chances|likelihood|likely|odds|estimate|rate|rates|proportion|percent|percentage|share|fraction|mean|average|expect|expected|interval|posterior|bayes|bayesian|infer|credible|confidence|fair|unbiased|biased|loaded|better|worse|predict|forecast|how\s+many|how\s+often)\b|\bp\s*\(|%/;
/** A request for a deterministic task ("Sort these numbers ...", "Convert ..."), not for an inference. */
const TASK_REQUEST = /^(?:please\s+)?(?:sort|order|rank|list|add|sum|multiply|divide|subtract|convert|translate|write|spell|count|round|simplify|solve|reverse|name|define|explain|describe|summari[sz]e|tell|draw|plot|format)\b/;

/** A question that asks which group does better ("Which is better?", "Is B better than A?"). */
const GROUP_COMPARISON = /\bwhich\b[^.?]*\b(?:better|worse|best|worst)\b|\b(?:better|worse)\s+than\s+(?![\d.]|half|a\s+(?:half|third|quarter))/;

const MISSING: Record<Family, string> = {
  binomial: 'it looks like a success/trial question but the counts are missing: say how many trials there were and how many succeeded',
  'two-proportions': 'it compares two groups but does not give successes and trials for both',
  poisson: 'it asks about a rate but does not give both an event count and the time (or exposure) it was counted over',
  'normal-mean': 'it asks about a mean but lists fewer than two measurements',
  'bayes-rule': 'it needs a base rate, a true positive rate and a false positive rate (or specificity)',
  categorical: 'it asks about categories but does not give the counts per category',
  exponential: 'it asks about lifetimes or waiting times but does not give the durations (or their total and count)',
  'model-comparison': 'it asks whether a coin is fair but does not give the number of flips and heads',
};

function familyScores(scan: Scan): { family: Family; score: number }[] {
  const text = scan.text;
  const wordSet = new Set(text.split(/[^a-z0-9/-]+/));
  const scores = new Map<Family, number>();
  for (const family of FAMILIES) {
    let score = 0;
    for (const cue of catalogFamily(family).cues) if (wordSet.has(cue)) score += 1;
    scores.set(family, score);
  }
  const bump = (family: Family, by: number) => scores.set(family, (scores.get(family) ?? 0) + by);
  if (/\b(?:sensitivity|specificity|false[\s-]+positive|prevalence|tests?\s+positive|tested\s+positive|witness|base\s+rate|spam\s+filter)\b/.test(text)) bump('bayes-rule', 4);
  if (BIAS.test(text) && !/\b(?:biased|weighted|loaded)\s+(?:towards?|in\s+favou?r)\b/.test(text)) bump('model-comparison', 4);
  else scores.set('model-comparison', 0);
  if (/\b(?:die|dice|d\d+)\b/.test(text)) bump('categorical', 4);
  // Conditional-probability notation ("P(+|D) = 0.9", "P(positive | disease)") is Bayes' rule.
  if (/\bp\s*\([^()|]+\|[^()]+\)/.test(text)) bump('bayes-rule', 4);
  if (/\bexponential(?:ly)?\b/.test(text)) bump('exponential', 6);
  if (/\b(?:decay(?:ed)?|relapse|service\s+times?|gaps?\s+between|times?\s+between|times?\s+to\s+[a-z]+|durations?)\b/.test(text)) bump('exponential', 2);
  if (scan.numbers.filter((n) => n.percent).length >= 2 && /\b(?:alerts?|alarms?|flags?|flagged|detects?|marker|identifie[sd]|says|reports?|scanner|sniffer|screen(?:ed|ing)?)\b/.test(text)) bump('bayes-rule', 4);
  if (/\b(?:lifetimes?|lasted|life\s*span|waiting\s+times?|time\s+between|failed\s+after|until\s+failure|burned\s+out|inter-?arrival)\b/.test(text)) bump('exponential', 4);
  const units = unitAlternation({ timeOnly: false });
  if (new RegExp(String.raw`\d+\s+[a-z]+(?:\s+[a-z]+)?\s+(?:in|over|during|across|within|per|every|each)\s+(?:a\s+|an\s+|the\s+(?:last\s+|past\s+)?|the\s+)?(?:\d+(?:\.\d+)?\s*-?\s*)?(?:${units})\b`).test(text)) bump('poisson', 3);
  if (findLists(scan).some((l) => l.nums.length >= 3)) bump('normal-mean', 2);
  if (countGroupLabels(text) >= 2) bump('two-proportions', 4);
  // Two "k of n" groups and a comparison, even without group labels.
  if (kOfNCount(text) >= 2 && /\b(?:better|worse|higher|lower|beats?|outperforms?|difference|versus|vs|compared|exceed|more\s+likely|less\s+likely|more\s+effective)\b/.test(text)) bump('two-proportions', 3);
  if (/\d+\s+(?:[a-z]+\s+){0,2}(?:out\s+of|of)\s+\d+|\d+\s*\/\s*\d+/.test(text)) bump('binomial', 2);
  if (hasOpposedCounts(scan)) bump('binomial', 2);
  // "A poll of 60 teachers found that 14 ...": a sample of people is a count of trials.
  if (/\b(?:poll|survey|sample|panel|audit|study)\s+of\s+\d+/.test(text)) bump('binomial', 2);
  return FAMILIES.map((family) => ({ family, score: scores.get(family) ?? 0 }))
    .filter((s) => s.score > 0)
    .sort((a, b) => b.score - a.score || SPECIFICITY.indexOf(a.family) - SPECIFICITY.indexOf(b.family));
}

/** How many "k of n", "k/n" or "p% of n" phrases the text holds. */
function kOfNCount(text: string): number {
  return (text.match(/\d+\s+(?:[a-z'-]+\s+){0,3}(?:out\s+of|of|from|in|among)\s+(?:the\s+)?\d+|\d+\s*\/\s*\d+|\d+(?:\.\d+)?%\s+of\s+(?:the\s+)?\d+/g) ?? []).length;
}

function extract(family: Family, scan: Scan): Extraction | null {
  switch (family) {
    case 'binomial':
      return extractBinomial(scan, { modelComparison: false });
    case 'model-comparison':
      return extractBinomial(scan, { modelComparison: true });
    case 'two-proportions':
      return extractTwoProportions(scan);
    case 'poisson':
      return extractPoisson(scan);
    case 'normal-mean':
      return extractNormalMean(scan);
    case 'bayes-rule':
      return extractBayesRule(scan);
    case 'categorical':
      return extractCategorical(scan);
    case 'exponential':
      return extractExponential(scan);
  }
}

/** Parses a question with the embedded rules. */
export function parseQuestion(question: string): ParseResult {
  const { text: normalized, corrections } = normalizeQuestion(question);
  const decline = (reason: string, family?: Family): ParseResult => ({ kind: 'declined', reason, normalizedText: normalized, corrections, family });
  if (normalized.length === 0) return decline('The question is empty.');

  // "95% credible interval" states the interval mass, not data.
  let requestedIntervalMass: number | undefined;
  const text = normalized.replace(/\b(\d+(?:\.\d+)?)%\s+(?=(?:credible|confidence|bayesian|posterior|highest)?\s*(?:credible\s+|confidence\s+)?interval)/, (_m, p: string) => {
    requestedIntervalMass = Number(p) / 100;
    return '';
  });
  const scan = scanQuestion(text);
  const scores = familyScores(scan);
  const overHundred = scan.numbers.find((n) => n.percent && n.value > 100);
  if (overHundred) return decline(`${overHundred.raw} is above 100 %; a rate or share cannot exceed 100 %. Check the figures.`);
  const negativePercent = scan.numbers.find((n) => n.percent && n.value < 0);
  if (negativePercent) return decline(`${negativePercent.raw} is negative; a rate or share cannot be below 0 %.`);
  if (TASK_REQUEST.test(text) && !STATISTICAL_WIDE.test(text.replace(/\b(?:to|into|as)\s+(?:a\s+)?(?:percentages?|percents?|fractions?|decimals?|ratios?)\b/g, ''))) {
    return decline('This is not a probabilistic or statistical question: it asks for a task (sorting, converting, writing ...), not for a probability, rate or estimate.');
  }
  if (scan.numbers.length === 0 && !STATISTICAL.test(text) && (scores[0]?.score ?? 0) < 2) {
    return decline('This is not a probabilistic or statistical question: it has no data and asks for no probability, rate or estimate.');
  }
  if (scores.length === 0 || (scores[0].score < 2 && !STATISTICAL.test(text))) {
    return decline(
      scan.numbers.length === 0
        ? 'This is not a probabilistic or statistical question the embedded reasoner recognises.'
        : 'The embedded reasoner does not recognise this as one of its problem families (proportions, A/B comparisons, rates, means, Bayes\' rule, categories, lifetimes, fair-or-biased).',
    );
  }

  // Category counts are recognised by their structure ("36 coffees, 24 teas and 12 juices") even
  // without cue words, so the categorical extractor always gets a turn.
  const candidates = scores.some((s) => s.family === 'categorical') ? scores : [...scores, { family: 'categorical' as Family, score: 0 }];
  // Two "k of n" groups are a comparison whatever words ask about them ("did approval go up?").
  if (kOfNCount(text) >= 2 && !candidates.some((s) => s.family === 'two-proportions')) candidates.push({ family: 'two-proportions', score: 0 });
  let firstDecline: { reason: string; family: Family } | undefined;
  let unexplainedDecline: { reason: string; family: Family } | undefined;
  for (const { family } of candidates) {
    const result = extract(family, scan);
    if (result === null) continue;
    if (result.kind === 'decline') {
      if (result.severity !== 'missing') return decline(result.reason, family);
      firstDecline ??= { reason: result.reason, family };
      continue;
    }
    // A one-group answer that ignores a second "k of n" group is reading half of a comparison.
    if ((family === 'binomial' || family === 'model-comparison') && result.kind === 'problem' && kOfNCount(text) >= 2) {
      const used = new Set(result.used.map((u) => u.num));
      const leftover = scan.numbers.filter((n) => !used.has(n) && !looksLikeLabel(scan, n) && !(n.sentence === scan.questionIndex && n.percent));
      if (leftover.length >= 2) {
        unexplainedDecline ??= { reason: `The question gives two groups of counts (${leftover.map((n) => n.raw).join(', ')} were not used); the embedded reasoner could not read it as a comparison of two groups.`, family };
        continue;
      }
    }
    // "Control: 40 of 500 converted. Variant: 52 converted. Which is better?": a question that
    // asks which of several things is better cannot be answered by one group's proportion.
    if (family === 'binomial' && result.kind === 'problem' && GROUP_COMPARISON.test(questionText(scan))) {
      unexplainedDecline ??= { reason: 'The question compares groups, but the embedded reasoner found complete counts (successes and trials) for only one group; give both groups as "k of n".', family };
      continue;
    }
    const answer = understood(family, result, scan, scores, corrections, requestedIntervalMass);
    if (answer.kind === 'declined') {
      // Unexplained numbers: another family may account for all of them.
      unexplainedDecline ??= { reason: answer.reason, family };
      continue;
    }
    // A more likely family found the data incomplete; an answer from a less likely family that
    // leaves numbers unused is probably reading the wrong problem.
    if (firstDecline && answer.kind === 'understood' && answer.output.quantities.some((q) => q.role === 'ignored distractor')) {
      return decline(firstDecline.reason, firstDecline.family);
    }
    // Likewise when a more likely family could not account for some numbers: a less likely family
    // that simply ignores numbers is not a better reading.
    if (unexplainedDecline && answer.kind === 'understood' && answer.output.quantities.some((q) => q.role === 'ignored distractor')) {
      return decline(unexplainedDecline.reason, unexplainedDecline.family);
    }
    return answer;
  }
  if (unexplainedDecline) return decline(unexplainedDecline.reason, unexplainedDecline.family);
  if (firstDecline) return decline(firstDecline.reason, firstDecline.family);
  const top = scores[0].family;
  if (scan.numbers.length === 0) return decline(`Missing data: ${MISSING[top]}.`, top);
  return decline(`The embedded reasoner could not read the data: ${MISSING[top]}.`, top);
}

const GENERIC_CUES = new Set(['probability', 'chance', 'likelihood', 'rate', 'next', 'expected', 'expect', 'per', 'sample', 'true', 'mean', 'average', 'data']);

/** Whether a sentence speaks the family's language (then its numbers are likely data, not distractors). */
function sentenceHasCue(scan: Scan, sentence: number, family: Family): boolean {
  const words = new Set(scan.sentences[sentence]?.text.split(/[^a-z0-9/-]+/) ?? []);
  return catalogFamily(family).cues.some((cue) => !GENERIC_CUES.has(cue) && words.has(cue));
}

/** Years ("in 1987") and identifiers ("sensor #3", "route 66") name things; they are not data. */
function looksLikeLabel(scan: Scan, num: Num): boolean {
  const prev = num.before.at(-1) ?? '';
  if (num.value === 1 && /^(?:quick|which|this|that|each|every|any|no|the|a|only|last|next|another|one)$/.test(prev)) return true;
  const next = num.after[0] ?? '';
  // "one lasts longer", "one fails": the pronoun "one" (normalised to 1) before a verb, not a count.
  if (num.value === 1 && !num.percent && /^(?:lasts|fails|survives|takes|breaks|works|runs|is|will|would|does|has|gets|passes|dies)$/.test(next)) return true;
  if (isCompoundModifier(scan, num)) return true;
  if (Number.isInteger(num.value) && num.value >= 1800 && num.value <= 2100 && !num.percent && (/^(?:in|since|of|from|year|until|by|the)$/.test(prev) || !next.endsWith('s'))) return true;
  if (/^(?:dollars?|euros?|pounds|cents|usd|years?-old|old)$/.test(next) || /^(?:worth|costs?|price|priced|\$)$/.test(prev)) return true;
  if (/#\s*$/.test(scan.text.slice(Math.max(0, num.start - 2), num.start))) return true;
  if (isIncidental(scan, num)) return true;
  // "Placebo arm: 35 of 62 relapsed": a number that starts a "k of n" is a count, whatever precedes it.
  const startsKOfN = /^(?:of|out|in|from)$/.test(next) && /^\d/.test(num.after[next === 'out' ? 2 : 1] ?? '');
  return /^(?:route|highway|station|sensor|model|room|flight|version|no|number|building|floor|line|bus|gate|platform|machine|lab|plant|site|store|ward|table|day|week|group|arm|variant|option|school|team|ad)$/.test(prev) && !num.percent && !startsKOfN;
}

function understood(
  family: Family,
  result: Extract<Extraction, { kind: 'problem' }>,
  scan: Scan,
  scores: { family: Family; score: number }[],
  corrections: { from: string; to: string }[],
  requestedIntervalMass: number | undefined,
): ParseResult {
  const penalties: ParsePenalty[] = [...result.penalties];
  for (const c of corrections) penalties.push(penalty(`corrected "${c.from}" to "${c.to}"`, 0.97));
  // Data without a question: the quantity reported is the family's default, a reading of intent.
  if (scan.questionIndex < 0) penalties.push(penalty('no question was asked; reporting the default quantity (the posterior mean)', 0.95));
  const usedSet = new Set(result.used.map((u) => u.num));
  const usedSentences = new Set(result.used.map((u) => u.num.sentence));
  // Clauses joined by ";" belong to one sentence: "among 150 smokers, 27 ...; among 300
  // non-smokers, 24 did" puts 300 and 24 beside the data, not in a sentence of their own.
  for (let grew = true; grew; ) {
    grew = false;
    scan.sentences.forEach((sentence, i) => {
      if (usedSentences.has(i)) return;
      const joinedBefore = i > 0 && usedSentences.has(i - 1) && scan.sentences[i - 1].text.endsWith(';');
      const joinedAfter = usedSentences.has(i + 1) && sentence.text.endsWith(';');
      if (joinedBefore || joinedAfter) {
        usedSentences.add(i);
        grew = true;
      }
    });
  }
  const quantities: QuantityNote[] = result.used.map((u) => ({ text: u.num.raw, value: u.num.value, role: u.role }));
  for (const num of scan.numbers) {
    if (usedSet.has(num)) continue;
    if (num.before.at(-1) === 'next' && num.value === 1) continue; // "the next one" is not data
    if (looksLikeLabel(scan, num)) {
      quantities.push({ text: num.raw, value: num.value, role: 'label (year, identifier or price)' });
    } else if (usedSentences.has(num.sentence) || num.sentence === scan.questionIndex || sentenceHasCue(scan, num.sentence, family)) {
      // A number in the question sentence is a threshold, window or count the extractor did not
      // place: never a distractor.
      quantities.push({ text: num.raw, value: num.value, role: 'unexplained (same sentence as the data)' });
      penalties.push(penalty(`the number ${num.raw} next to the data was not used`, 0.85));
    } else {
      quantities.push({ text: num.raw, value: num.value, role: 'ignored distractor' });
      penalties.push(penalty(`ignored ${num.raw} in a sentence without data`, 0.95));
    }
  }
  // A number beside the data that the extractor could not place may be data it misread: a
  // confident wrong answer is worse than a decline, so refuse (an LLM fallback may do better).
  const unexplained = quantities.filter((q) => q.role.startsWith('unexplained'));
  if (unexplained.length > 0) {
    return {
      kind: 'declined',
      reason: `The embedded reasoner could not account for ${unexplained.map((q) => q.text).join(', ')} in the data; rephrase the question so that every number is clearly a count, a total, a rate or a threshold.`,
      normalizedText: scan.text,
      corrections,
      family,
    };
  }
  const best = scores.find((s) => s.family === family)?.score ?? 0;
  const rival = scores.find((s) => s.family !== family && s.score >= best);
  if (rival) penalties.push(penalty(`the cues fit ${rival.family} as well as ${family}`, 0.95));
  const confidence = penalties.reduce((c, p) => c * p.factor, 1);
  const output: ParseOutput = {
    problem: result.problem,
    source: 'embedded',
    quantities,
    corrections,
    penalties,
    familyScores: scores,
    normalizedText: scan.text,
    ...(requestedIntervalMass !== undefined ? { requestedIntervalMass } : {}),
  };
  return { kind: 'understood', output, confidence: Math.max(0.05, Math.min(1, confidence)) };
}
