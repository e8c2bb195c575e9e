/**
 * Binomial proportion and the fair-vs-biased model comparison (same data: k of n). Pure.
 */
import { modelCatalog } from '../model-catalog.js';
import { extractGroup } from './extract-group.js';
import { findComparisons, findNamedThreshold, penalty, questionText, type Extraction, type Num, type Scan } from './scan.js';
import type { ParsePenalty, ProblemOf } from '../problem.js';

const BIAS_WORDS = /\b(?:biased|bias|loaded|rigged|unfair|weighted|trick)\b/;
const FAIR_WORDS = /\b(?:fair|unbiased)\b/;

/**
 * The bias as a parameter ("estimate the bias of the coin", "the coin's bias", "its true bias"):
 * the probability of the counted outcome, not the hypothesis that the coin is biased.
 */
const BIAS_PARAMETER = /\b(?:the|its|their|this|that|(?:coin|die|wheel|spinner)'s)\s+(?:(?:true|underlying|actual|real|likely|probable|estimated|posterior|mean)\s+)?bias\b(?!\s+(?:or|against)\b)/;

/**
 * "the coin favors heads", "is biased towards heads", "more likely to land heads (than tails)". The
 * verb "favors" counts only with a coin-like subject: "voters who favor the measure" is a survey
 * outcome, whose question asks for the proportion, not for P(p > 0.5).
 */
const FAVOURS_SOURCE = String.raw`\b(?:(?:(?:it|coin|die|spinner|wheel|roulette|generator|machine)\s+(?:really\s+|actually\s+|truly\s+|will\s+|would\s+|does\s+)?(favou?rs?|prefers?))|(?:(?:biased|weighted|loaded)\s+(?:towards?|in\s+favou?r\s+of))|(more|less)\s+likely\s+to\s+(?:land|come\s+up|show|turn\s+up|fall)(?:\s+on)?)\s+(?:the\s+)?([a-z]+)`;
const FAVOURS = new RegExp(FAVOURS_SOURCE);

/** The outcome the question says the coin favours, and whether it asks "more" (true) or "less" likely. */
function favouredOutcome(asked: string): { outcome: string; more: boolean } | null {
  const m = FAVOURS.exec(asked);
  if (!m) return null;
  return { outcome: m[3], more: m[2] !== 'less' };
}

function complementLabel(label: string): string | null {
  for (const [a, b] of modelCatalog().complements) {
    if (label === a) return b;
    if (label === b) return a;
  }
  return null;
}

/** "head" and "heads", "success" and "successes": the same outcome. */
function sameOutcome(a: string, b: string): boolean {
  const stem = (w: string) => w.replace(/(?:es|s)$/, '');
  return a === b || stem(a) === stem(b);
}

/** Threshold of "P(p > x)"; a count threshold ("more than 12 heads") is not a proportion. */
const FRACTION_WORDS: Record<string, number> = { half: 2, halves: 2, third: 3, thirds: 3, quarter: 4, quarters: 4, fourth: 4, fourths: 4, fifth: 5, fifths: 5 };

function proportionThreshold(scan: Scan): { comparison: 'greater' | 'less'; value: number; num?: Num; den?: Num } | { decline: string; severity: 'inconsistent' | 'missing' } | null {
  const askedText = questionText(scan);
  if (/\bmajority\b/.test(askedText)) return { comparison: 'greater', value: 0.5 };
  if (/\bminority\b/.test(askedText)) return { comparison: 'less', value: 0.5 };
  const words = /\b(greater|more|higher|larger|above|over|exceeds?|exceeding|at\s+least|less|fewer|lower|smaller|below|under|at\s+most)\s+(?:than\s+)?(?:(?:a|an|one|(\d+))\s+)?(half|halves|thirds?|quarters?|fourths?|fifths?)\b/.exec(askedText);
  if (words) {
    const numerator = words[2] === undefined ? 1 : Number(words[2]);
    const value = numerator / FRACTION_WORDS[words[3]];
    const start = scan.questionIndex >= 0 ? scan.sentences[scan.questionIndex].start : 0;
    const num = words[2] === undefined ? undefined : scan.numbers.find((n) => n.start === start + words.index + words[0].indexOf(words[2], words[1].length));
    const comparison = /^(?:less|fewer|lower|smaller|below|under|at\s+most)$/.test(words[1]) ? 'less' : 'greater';
    if (value <= 1) return { comparison, value, num };
  }
  // "more than 1 in 4 flights": a threshold written as a ratio.
  const ratio = /\b(greater|more|higher|larger|above|over|at\s+least|less|fewer|lower|smaller|below|under|at\s+most)\s+(?:than\s+)?(\d+)\s+(?:in|out\s+of)\s+(?:every\s+)?(\d+)\b/.exec(askedText);
  if (ratio && Number(ratio[3]) > 0 && Number(ratio[2]) <= Number(ratio[3])) {
    const start = scan.questionIndex >= 0 ? scan.sentences[scan.questionIndex].start : 0;
    const at = (s: string, from: number) => scan.numbers.find((n) => n.start === start + ratio.index + ratio[0].indexOf(s, from));
    const num = at(ratio[2], ratio[1].length);
    const den = at(ratio[3], ratio[0].length - ratio[3].length);
    const comparison = /^(?:less|fewer|lower|smaller|below|under|at\s+most)$/.test(ratio[1]) ? 'less' : 'greater';
    if (num && den) return { comparison, value: Number(ratio[2]) / Number(ratio[3]), num, den };
  }
  const asked = scan.questionIndex;
  const comparisons = findComparisons(scan).filter((c) => asked < 0 || c.num.sentence === asked);
  const c = comparisons[0];
  if (!c) {
    const named = findNamedThreshold(scan);
    if (named && 'unresolved' in named) {
      return { decline: `The question compares the proportion with "the ${named.unresolved}", but no number is given for it; state the threshold as a number.`, severity: 'missing' };
    }
    if (named) {
      const value = named.num.percent ? named.num.value / 100 : named.num.value;
      if (value < 0 || value > 1) return { decline: `The ${named.num.raw} named as the threshold is not a proportion; state it as a share of trials.`, severity: 'missing' };
      return { comparison: named.comparison, value, num: named.num };
    }
    // "fewer than most", "higher than before": a comparison the parser could not read; answering
    // the posterior mean instead would be a confident wrong number.
    if (/\b(?:greater|more|higher|larger|less|fewer|lower|smaller)\s+than\b/.test(askedText) && !/\b(?:more|less)\s+than\s+(?:once|twice)\b/.test(askedText)) {
      return { decline: 'The question compares the proportion with a value the embedded reasoner could not read; state the threshold as a number (e.g. "above 0.3" or "above 30%").', severity: 'missing' };
    }
    return null;
  }
  if (c.num.percent) {
    if (c.num.value > 100) return { decline: `The threshold ${c.num.raw} is above 100 %; a proportion cannot exceed 100 %.`, severity: 'inconsistent' };
    return { comparison: c.comparison, value: c.num.value / 100, num: c.num };
  }
  if (c.num.value >= 0 && c.num.value <= 1) return { comparison: c.comparison, value: c.num.value, num: c.num };
  // Soft ('missing'): "greater than four" may be a die face or a rate threshold another family reads.
  return { decline: `The question compares a count (${c.num.raw}) in future trials; the embedded reasoner answers questions about the proportion itself (e.g. "probability that p is above 0.5").`, severity: 'missing' };
}

/**
 * "52% chose A and the rest chose B. Probability the next visitor chooses B?": the question names
 * the outcome of "the rest", which the counted label does not carry; answering with the counted
 * share would give the complement. Returns the rest's label when that happens.
 */
function asksAboutTheRest(scan: Scan, asked: string, countedLabel: string): string | null {
  const dataText = scan.questionIndex >= 0 ? scan.text.slice(0, scan.sentences[scan.questionIndex].start) : scan.text;
  const rest = /\b(?:the\s+)?(?:rest|remainder|others|everyone\s+else|everybody\s+else|all\s+(?:the\s+)?others)\s+(?:were\s+|was\s+|are\s+|chose\s+|picked\s+|preferred\s+|said\s+|went\s+(?:to\s+|with\s+)?|voted\s+(?:for\s+)?)?([a-z]+)(?:\s+([a-z]+))?/.exec(dataText);
  if (!rest || /^(?:not|did|didn't|were|was|the|a|an|no)$/.test(rest[1]) || sameOutcome(rest[1], countedLabel)) return null;
  // "on time", "in stock": a preposition needs its noun to name the outcome.
  const phrase = /^(?:on|in|at|by|of)$/.test(rest[1]) && rest[2] ? `${rest[1]} ${rest[2]}` : rest[1];
  const named = phrase.length === 1
    ? new RegExp(String.raw`\b(?:chooses?|picks?|prefers?|is|for|be|option|group)\s+${phrase}\b`).test(asked)
    : phrase.includes(' ')
      ? new RegExp(String.raw`\b${phrase}\b`).test(asked)
      : new RegExp(String.raw`\b${phrase.slice(0, Math.min(phrase.length, 5))}`).test(asked);
  return named ? phrase : null;
}

/**
 * "51 of 99 flips came up tails ... the chance of heads": the count's label was not read (the
 * outcome sits a few words after it), but its sentence names one side of a known pair (heads /
 * tails) and no other; the question names the other side, so it asks about the complement.
 * yes/no is left out: "no" is too common a word to name an outcome.
 */
function countedSideOfPair(scan: Scan, group: { label: string; used: { num: Num }[] }, asked: string): { label: string; counted: string; complement: boolean } | null {
  if (group.label !== 'success') return null;
  const count = group.used[0]?.num;
  if (!count || count.sentence === scan.questionIndex) return null;
  const sentence = scan.sentences[count.sentence];
  if (!sentence) return null;
  const afterCount = scan.text.slice(count.end, sentence.end);
  const has = (text: string, w: string) => new RegExp(String.raw`\b${w}\b`).test(text);
  for (const [a, b] of modelCatalog().complements) {
    if (a === 'yes' || /^success/.test(a)) continue;
    if (has(afterCount, a) === has(afterCount, b)) continue;
    const counted = has(afterCount, a) ? a : b;
    const other = counted === a ? b : a;
    if (has(asked, other) && !has(asked, counted)) return { label: other, counted, complement: true };
    return null;
  }
  return null;
}

/** Participles that describe how trials were drawn, not an outcome ("the next patient treated"). */
const TRIAL_PARTICIPLES = /^(?:used|based|needed|expected|required|observed|tested|selected|picked|sampled|asked|surveyed|polled|called|flipped|tossed|rolled|shipped|inspected|checked|treated|offered|exposed|recorded|measured|counted|randomi[sz]ed|assigned|enrolled|screened|examined|launched|released|produced|manufactured|made|issued|planted|served|visited|displayed|shown)$/;

/**
 * "12 bounced ... the probability that the next email is delivered": the question names an outcome
 * by a participle that is neither the counted one nor its known opposite. The two may be
 * complements or may not ("bounced" vs "opened"), so the counted share would be a guess.
 */
function otherParticiple(scan: Scan, label: string, asked: string): string | null {
  const counted = label.replace(/^not\s+/, '');
  if (/^(?:success|failure|not|no|did|without|at|in|on|to|into|onto|inside)$/.test(counted) || !/^[a-z]{4,}$/.test(counted)) return null;
  const m = /\b(?:is|be|gets?|got|was|being|are|were)\s+(?:not\s+|successfully\s+|actually\s+)?([a-z]{4,}ed)\b/.exec(asked);
  if (!m || TRIAL_PARTICIPLES.test(m[1]) || BIAS_WORDS.test(m[1])) return null;
  const word = m[1];
  if (word.slice(0, 4) === counted.slice(0, 4) || complementLabel(counted) === word) return null;
  // The participle names the trials themselves when the data use it ("of 150 emails delivered").
  const dataText = scan.questionIndex >= 0 ? scan.text.slice(0, scan.sentences[scan.questionIndex].start) : '';
  if (new RegExp(String.raw`\b${word}\b`).test(dataText)) return null;
  return word;
}

/** Outcome verbs that come in opposite pairs the catalog does not list (survived / died, accepted / rejected ...). */
// Pass / fail, win / lose and hit / miss are read as complements elsewhere ("12 failed ... the pass rate").
const OUTCOME_VERB = /\b(surviv[a-z]*|died|dies|die|dead|lived|lives|live|accept(?:s|ed)?|reject(?:s|ed)?|recover(?:s|ed)?|relapse[sd]?)\b/g;
const verbStem = (w: string) => (/^(?:died|dies|die|dead)$/.test(w) ? 'die' : w.slice(0, 4));

/**
 * "30 of the 90 seedlings died ... the probability the next seedling survives": the question names one
 * of a pair of opposite outcomes and the data count another one the catalog does not pair with it. The
 * counted share would be the complement of the asked one, so neither side is guessed.
 */
function unreadOppositeOutcome(scan: Scan, asked: string): { asked: string; counted: string } | null {
  const dataText = scan.questionIndex >= 0 ? scan.text.slice(0, scan.sentences[scan.questionIndex].start) : '';
  const counted = [...dataText.matchAll(OUTCOME_VERB)].map((m) => m[1]);
  if (counted.length === 0) return null;
  const stems = new Set(counted.map(verbStem));
  for (const m of asked.matchAll(OUTCOME_VERB)) {
    if (!stems.has(verbStem(m[1])) && !counted.some((c) => complementLabel(c) === m[1])) return { asked: m[1], counted: counted[0] };
  }
  return null;
}

/** Binomial extractor; `modelComparison` switches to the fair-vs-biased question. */
export function extractBinomial(scan: Scan, options: { modelComparison: boolean }): Extraction | null {
  const asked = questionText(scan);
  const exclude = new Set<Num>();
  const penalties: ParsePenalty[] = [];
  const threshold = options.modelComparison ? null : proportionThreshold(scan);
  if (threshold && 'decline' in threshold) return { kind: 'decline', reason: threshold.decline, severity: threshold.severity };
  if (threshold?.num) exclude.add(threshold.num);
  if (threshold && 'den' in threshold && threshold.den) exclude.add(threshold.den);
  // Numbers in a "next N flips" window are not data.
  for (const n of scan.numbers) if (n.before.at(-1) === 'next') exclude.add(n);

  // "Is it fair?", "the probability that it is biased": a question about hypotheses, not about p
  // (that is the model comparison's job); "biased towards heads" is about p and stays here, and so
  // does "estimate the bias of the coin" (the bias as a parameter is p itself).
  const hypothesisText = asked.replace(new RegExp(BIAS_PARAMETER.source, 'g'), ' p ');
  if (!options.modelComparison && (FAIR_WORDS.test(hypothesisText) || BIAS_WORDS.test(hypothesisText)) && !FAVOURS.test(asked)) return null;
  if (options.modelComparison && !FAIR_WORDS.test(hypothesisText) && !BIAS_WORDS.test(hypothesisText) && BIAS_PARAMETER.test(asked)) return null;

  const group = extractGroup(scan, 0, scan.text.length, exclude, asked);
  if (group === null) return null;
  if ('decline' in group) return { kind: 'decline', reason: group.decline, severity: 'inconsistent' };
  penalties.push(...group.penalties);
  const used = [...group.used];
  const pair = countedSideOfPair(scan, group, asked);
  if (pair) {
    if (pair.complement) group.successes = group.trials - group.successes;
    group.label = pair.label;
    if (pair.complement) penalties.push(penalty(`the data count ${pair.counted}, the question asks about ${pair.label}: used the complement`, 0.95));
  }
  const opposite = pair || options.modelComparison ? null : unreadOppositeOutcome(scan, asked);
  if (opposite) {
    return { kind: 'decline', reason: `The question asks about "${opposite.asked}", but the data count "${opposite.counted}"; say which outcome the counts are of.`, severity: 'missing' };
  }
  const other = options.modelComparison ? null : otherParticiple(scan, group.label, asked);
  if (other) {
    return { kind: 'decline', reason: `The question asks whether the next one is "${other}", but the data count "${group.label}"; say how many were ${other}.`, severity: 'missing' };
  }
  // The rest of the trials is the complement of the counted ones: n - k of them.
  const restAsked = asksAboutTheRest(scan, asked, group.label);
  if (restAsked) {
    group.successes = group.trials - group.successes;
    group.label = restAsked;
    penalties.push(penalty(`the question asks about "${restAsked}", the rest of the trials: used the complement of the counted outcome`, 0.95));
  }

  // "9 did not want it": the count is of a negated outcome; a question that negates nothing asks
  // about some other outcome, and reading it as the counted one would give the complement.
  // "485 without defects ... is the next widget defective?", "1,164 showed no side effects ... the rate
  // of side effects": the question names the negated outcome itself, so it asks about the complement.
  if (/^(?:not|no|without)$/.test(group.label) && !/\b(?:not|never|no|without)\b|n't\b/.test(asked)) {
    const count = group.used[0]?.num;
    const at = count ? count.after.indexOf(group.label) : -1;
    const negatedWords = at < 0 || !count ? [] : count.after.slice(at + 1, at + 4).filter((w) => /^[a-z]{4,}$/.test(w) && !/^(?:any|such|more|than|with|from|that|this|were|been|their|other)$/.test(w));
    const named = negatedWords.find((w) => new RegExp(String.raw`\b${w.slice(0, Math.min(5, w.length - 1))}`).test(asked));
    if (named && count) {
      group.successes = group.trials - group.successes;
      group.label = named;
      penalties.push(penalty(`the data count "${count.after.slice(at, at + 4).join(' ')}", the question asks about "${named}": used the complement`, 0.95));
    }
  }
  // "558 landed in the inbox ... the probability that a message lands in the spam folder": the
  // question repeats the counted verb with another object, i.e. asks about some other outcome
  // (possibly the complement); the generic label hides that, so the counted share would be a guess.
  if (group.label === 'success' || /^(?:at|in|on|to|into|onto|inside)$/.test(group.label)) {
    const count = group.used[0]?.num;
    const verb = count?.after[0] ?? '';
    const objects = (count?.after.slice(1, 5) ?? []).filter((w) => /^[a-z]{4,}$/.test(w) && !/^(?:with|from|into|that|this|them|they|were|their|over|after|before|during|within)$/.test(w));
    if (/^[a-z]{4,}ed$/.test(verb) && objects.length > 0 && new RegExp(String.raw`\b${verb.slice(0, 4)}`).test(asked) && !objects.some((w) => new RegExp(String.raw`\b${w.slice(0, 4)}`).test(asked))) {
      return { kind: 'decline', reason: `The data count what "${verb} ${objects.join(' ')}", but the question asks about another outcome of "${verb}"; say which outcome the counts are of.`, severity: 'missing' };
    }
  }
  // "14 of the 90 deploys caused an outage ... the next deploy goes without an outage": the question
  // negates the counted outcome itself ("without", "free of", "no"), so it asks about the complement.
  if (!/^(?:not|did|didn't|don't|no|without)$/.test(group.label) && !pair && !restAsked) {
    // The counted outcome is named in the data sentence after the count ("14 of the 90 deploys ... caused
    // an outage"); the question must negate that same word, not some other outcome.
    const count = group.used[0]?.num;
    const sentence = count && count.sentence !== scan.questionIndex ? scan.sentences[count.sentence] : undefined;
    const afterCount = sentence && count ? scan.text.slice(count.end, sentence.end) : '';
    const countedWords = (afterCount.match(/[a-z]+/g) ?? []).filter((w) => w.length >= 4 && !/^(?:were|been|with|from|that|this|their|them|they|have|also)$/.test(w));
    const negated = /\b(?:without|free\s+of|no)\s+(?:an?\s+|any\s+)?([a-z]{4,})/.exec(asked);
    const stem = (w: string) => w.slice(0, Math.min(5, w.length - 1));
    if (negated && !/\b(?:without|free\s+of|no|not)\b/.test(afterCount) && countedWords.some((w) => stem(w) === stem(negated[1]))) {
      group.successes = group.trials - group.successes;
      group.label = `no ${negated[1]}`;
      penalties.push(penalty(`the question asks about "${negated[0]}", the opposite of the counted outcome: used the complement`, 0.95));
    }
  }
  if (/^(?:not|did|didn't|don't|no|without)$/.test(group.label) && !/\b(?:not|never|no)\b|n't\b/.test(asked)) {
    return { kind: 'decline', reason: 'The data count a negated outcome ("did not ...") but the question does not say whether it asks about that outcome or its opposite; name the outcome counted.', severity: 'missing' };
  }

  if (options.modelComparison) {
    // "the probability that it is not a fair coin" asks about the biased hypothesis, and "not
    // biased" about the fair one.
    const negatedFair = /\b(?:not|isn't|n't)\s+(?:a\s+|really\s+|actually\s+|truly\s+)?(?:fair|unbiased)\b/.test(asked);
    const negatedBias = /\b(?:not|isn't|n't)\s+(?:a\s+|really\s+|actually\s+|truly\s+)?(?:biased|loaded|rigged|unfair|weighted)\b/.test(asked);
    if (negatedFair !== negatedBias) {
      return {
        kind: 'problem',
        problem: { family: 'model-comparison', successes: group.successes, trials: group.trials, successLabel: group.label, hypothesis: negatedFair ? 'biased' : 'fair' },
        used,
        penalties: [...penalties, penalty(`the question negates "${negatedFair ? 'fair' : 'biased'}": asked about the other hypothesis`, 0.97)],
      };
    }
    const fairAt = asked.search(FAIR_WORDS);
    const biasAt = asked.search(BIAS_WORDS);
    const named = /\b(?:probability|chance|likelihood|odds)\s+(?:that\s+)?(?:it|the\s+coin|this\s+coin|the\s+die|it's|its)?\s*(?:is|was|'s)?\s*(?:really\s+|actually\s+)?(fair|unbiased|biased|loaded|rigged|unfair|weighted)\b/.exec(asked);
    let hypothesis: 'fair' | 'biased';
    if (named) hypothesis = /^(?:fair|unbiased)$/.test(named[1]) ? 'fair' : 'biased';
    else if (fairAt >= 0 && (biasAt < 0 || fairAt < biasAt)) hypothesis = 'fair';
    else if (biasAt >= 0) hypothesis = 'biased';
    else {
      hypothesis = FAIR_WORDS.test(scan.text) ? 'fair' : 'biased';
      penalties.push(penalty('the question does not say which hypothesis it asks about', 0.85));
    }
    return {
      kind: 'problem',
      problem: { family: 'model-comparison', successes: group.successes, trials: group.trials, successLabel: group.label, hypothesis },
      used,
      penalties,
    };
  }

  let target: ProblemOf<'binomial'>['target'];
  const towards = favouredOutcome(asked);
  if (threshold) {
    target = { kind: 'prob-p', comparison: threshold.comparison, threshold: threshold.value };
    if (threshold.num) used.push({ num: threshold.num, role: 'threshold on the proportion' });
    if (threshold.den) used.push({ num: threshold.den, role: 'denominator of the threshold' });
  } else if (towards) {
    // A generic label ("success") is the outcome favoured only when the data name that outcome.
    const dataText = scan.questionIndex >= 0 ? scan.text.slice(0, scan.sentences[scan.questionIndex].start) : scan.text;
    const same = sameOutcome(towards.outcome, group.label) || (group.label === 'success' && new RegExp(String.raw`\b${towards.outcome}\b`).test(dataText));
    const opposite = complementLabel(group.label) === towards.outcome;
    // An outcome that is neither the counted one nor its known opposite ("favors the house"):
    // guessing the direction could give the complement of the asked probability.
    if (!same && !opposite) {
      return { kind: 'decline', reason: `The question asks whether the outcome "${towards.outcome}" is favoured, but the data count "${group.label}"; say which outcome the counts are of.`, severity: 'missing' };
    }
    target = { kind: 'prob-p', comparison: same === towards.more ? 'greater' : 'less', threshold: 0.5 };
  } else if (/\bnext\b/.test(asked) || /\b(?:another|one more|a new|the following)\b/.test(asked)) {
    target = { kind: 'predictive' };
  } else if (/\binterval\b/.test(asked) || /\binterval\b/.test(scan.text)) {
    target = { kind: 'interval' };
  } else {
    target = { kind: 'mean' };
  }
  return {
    kind: 'problem',
    problem: { family: 'binomial', successes: group.successes, trials: group.trials, successLabel: group.label, target },
    used,
    penalties,
  };
}
