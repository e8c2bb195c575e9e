/**
 * Two proportions (A/B tests, treatment vs control): finds the two labelled groups, each with
 * k of n, and what the question compares. Pure.
 */
import { extractGroup, SUCCESS_HINTS, TRIAL_NOUNS } from './extract-group.js';
import { penalty, questionText, type Extraction, type Num, type Scan } from './scan.js';
import { lookupUnit } from './units.js';
import type { ParsePenalty, ProblemOf } from '../problem.js';

const NOUNS = 'variant|version|group|arm|design|page|site|drug|option|ad|campaign|method|layout|button|email|store|school|team|machine|recipe|strategy|shop|clinic|hospital|vaccine|treatment|landing\\s+page|website|banner|headline|formula|medication|medicine|therapy|subject\\s+line|subject|player|candidate|brand|supplier|factory|line|process|teacher|class';
// "group 2" names a group; "group 57 out of 140" is the group's count, not its name.
const NAMED = new RegExp(String.raw`\b(?:${NOUNS})\s+([a-z]|\d+)\b(?!\s*(?:out\s+of\s+\d|of\s+\d|\/\s*\d|%))`, 'g');
const BARE = /(?:^|[\s,;(])([ab])\s*[:)]/g;
const ROLE = /\b(control|placebo|treatment|variant|new|old|original|redesign(?:ed)?|current|first|second|vaccinated|unvaccinated)\b(?!\s+(?:time|visitor|user|one|flip))/g;
const ADJECTIVE = /\b(red|green|blue|yellow|orange|black|white|purple|old|new|short|long|first|second)\s+(?:button|method|version|design|layout|page|headline|banner|recipe|formula|ad|email|subject\s+line|price|offer|site|campaign|strategy|treatment|drug)\b/g;
const PAIRED = /\b([a-z]{3,})\s+([a-d]|[1-4])\b(?!\s*(?:%|of\b|out\b|\/|[a-z]+s\b))/g;
const BARE_VERB = /(?:^|[\s,;:(])([ab])\s+(?:got|had|has|converted|received|saw|produced|with|scored|recorded)\b/g;

interface Mention {
  label: string;
  display: string;
  start: number;
  /** Found only because one noun carries two different short labels ("script A", "script B"). */
  paired?: boolean;
}

function canonical(label: string): string {
  if (label.startsWith('redesign')) return 'new';
  return label;
}

function mentions(text: string, from = 0): Mention[] {
  const out: Mention[] = [];
  for (const m of text.matchAll(NAMED)) out.push({ label: m[1], display: m[0].replace(/\s+/g, ' '), start: from + (m.index ?? 0) });
  for (const m of text.matchAll(BARE)) out.push({ label: m[1], display: m[1].toUpperCase(), start: from + (m.index ?? 0) + m[0].indexOf(m[1]) });
  for (const m of text.matchAll(BARE_VERB)) {
    const start = from + (m.index ?? 0) + m[0].indexOf(m[1]);
    if (!out.some((o) => o.start === start)) out.push({ label: m[1], display: m[1].toUpperCase(), start });
  }
  // "script A ... script B", "clinic 1 ... clinic 2": any noun written with two different short
  // labels names two groups, whether or not the noun is a known group word.
  if (out.length === 0) {
    const byNoun = new Map<string, Mention[]>();
    for (const m of text.matchAll(PAIRED)) {
      if (NOT_LABELS.has(m[1]) || SUCCESS_HINTS.has(m[1]) || TRIAL_NOUNS.has(m[1])) continue;
      const list = byNoun.get(m[1]) ?? [];
      list.push({ label: m[2], display: `${m[1]} ${m[2].toUpperCase()}`, start: from + (m.index ?? 0), paired: true });
      byNoun.set(m[1], list);
    }
    for (const list of byNoun.values()) if (new Set(list.map((l) => l.label)).size === 2) out.push(...list);
  }
  if (out.length === 0) for (const m of text.matchAll(ADJECTIVE)) out.push({ label: m[1], display: `the ${m[0]}`, start: from + (m.index ?? 0) });
  if (out.length === 0) {
    for (const m of text.matchAll(ROLE)) out.push({ label: canonical(m[1]), display: `the ${canonical(m[1])} group`, start: from + (m.index ?? 0) });
  }
  return out.sort((a, b) => a.start - b.start);
}

/** Number of distinct group labels the text mentions ("variant A", "machine 2", "control"). */
export function countGroupLabels(text: string): number {
  return new Set(mentions(text).map((m) => m.label)).size;
}

/** Label mentions in the question sentence, in order ("is A better than B" → [a, b]). */
function askedOrder(asked: string, labels: string[]): string[] {
  const found: { label: string; at: number }[] = [];
  for (const label of labels) {
    const single = label.length === 1 ? label : null;
    const patterns = [new RegExp(String.raw`\b(?:${NOUNS})\s+${label}\b`)];
    if (single) {
      patterns.push(
        new RegExp(String.raw`(?:\b(?:than|and|or|vs\.?|versus|between|is|does|did|that|of|over)\s+)${single}\b(?!\s+(?:[a-z]{3,})\s+(?:than|group|variant))`),
        new RegExp(String.raw`^${single}\b`),
        // "A is better", "A's rate"; but in "the new dressing has a lower rate" the "a" is an article.
        new RegExp(String.raw`(?<!\b(?:has|have|had|having|with|gets?|got|shows?|showed|see|sees|saw)\s)\b${single}(?:'s)?\s+(?:is|was|has|had|better|worse|performs?|converts?|outperforms?|beats?|higher|lower)\b`),
        new RegExp(String.raw`\b${single}\s*(?:[?,.]|$)`),
      );
    } else {
      patterns.push(new RegExp(String.raw`\b${label}\b`));
    }
    let at = -1;
    for (const p of patterns) {
      const m = p.exec(asked);
      if (m && (at < 0 || m.index < at)) at = m.index;
    }
    if (at >= 0) found.push({ label, at });
  }
  return found.sort((a, b) => a.at - b.at).map((f) => f.label);
}

/**
 * Words by which a question compares the groups or asks about their relation. Without any of them
 * a question such as "Estimate the sell-through rate." asks for one rate while the data hold two.
 */
const COMPARISON_CUES = /\b(?:better|worse|best|worst|higher|lower|greater|larger|bigger|smaller|more|less|fewer|exceeds?|exceeding|beats?|outperforms?|underperforms?|superior|inferior|differ|differs|difference|different|compare|compared|comparing|comparison|versus|vs|than|which|lift|improved?|improves|improvement|uplift|effective|effect|works?|worked|helps?|helped|wins?|winner|ahead|behind|minus|gap|advantage|same|equal|switch|choose|pick|prefer|over|above|below|faster|slower|safer|riskier|reduces?|reduced|increases?|increased|raises?|raised|lowers?|lowered|rose|risen|grew|fell|dropped|declined|decreased|(?:went|gone|go|goes)\s+(?:up|down))\b/;

/**
 * A question that asks for "the rate" without comparing the groups: with two groups and no group
 * named that is ambiguous, so decline rather than answer a comparison nobody asked for; when it
 * names one group ("the readmission rate of ward B") it asks for that group's own rate
 * ('one-group'). Null when the question compares the groups (or there is no question: the default
 * comparison applies).
 */
function uncomparedQuestion(scan: Scan, asked: string, named: string[]): Extraction | 'one-group' | null {
  // "the win rate", "the improvement rate": a cue word that names the outcome compares nothing.
  const plain = asked.replace(/\b(?:win|wins|winning|improvement|success|pass|effect)\s+(?:rates?|percentages?|ratios?|records?)\b/g, ' ');
  if (scan.questionIndex < 0 || asked.trim() === '' || COMPARISON_CUES.test(plain)) return null;
  if (named.length === 1) return 'one-group';
  return {
    kind: 'decline',
    reason: 'The question asks for a rate but the data hold two groups and the question neither names one nor compares them; say which group (e.g. "the rate of the second group") or ask which rate is higher.',
    severity: 'unsupported',
  };
}

/** Two-proportions extractor; null when the question does not hold two groups with data. */
export function extractTwoProportions(scan: Scan): Extraction | null {
  const asked = questionText(scan);
  const questionStart = scan.questionIndex >= 0 ? scan.sentences[scan.questionIndex].start : scan.text.length;
  const dataText = scan.text.slice(0, questionStart);
  const all = mentions(dataText).filter((m) => m.start < questionStart);
  if (all.length < 2) return splitPairs(scan);
  const structural = structuralNumbers(scan);
  const exclude = new Set<Num>([...scan.numbers.filter((n) => n.start >= questionStart || isLabelNumber(scan, n)), ...structural.map((u) => u.num)]);
  const groups: { label: string; display: string; successes: number; trials: number; outcome: string; region: string }[] = [];
  const used: { num: Num; role: string }[] = [];
  const penalties: ParsePenalty[] = [];
  // "14 of 60 kids in school A ... 25 of 65 in school B": when the counts come before the first
  // label, each label closes its group's segment instead of opening it.
  const labelsAfter = /\d+\s+(?:[a-z'-]+\s+){0,3}(?:out\s+of|of|in|from|among)\s+\d+|\d+\s*\/\s*\d+|\d+(?:\.\d+)?%\s+of\s+\d+/.test(scan.text.slice(0, all[0].start));
  for (let i = 0; i < all.length; i++) {
    const m = all[i];
    const segStart = labelsAfter ? (i === 0 ? 0 : all[i - 1].start + all[i - 1].display.length) : m.start;
    const end = labelsAfter ? m.start + m.display.length : i + 1 < all.length ? all[i + 1].start : questionStart;
    if (groups.some((g) => g.label === m.label)) continue;
    const g = extractGroup(scan, segStart, end, exclude, '');
    if (g === null) continue;
    if ('decline' in g) return { kind: 'decline', reason: `${m.display}: ${g.decline}`, severity: 'inconsistent' };
    groups.push({ label: m.label, display: m.display, successes: g.successes, trials: g.trials, outcome: g.label, region: scan.text.slice(segStart, end) });
    used.push(...g.used.map((u) => ({ num: u.num, role: `${m.display}: ${u.role}` })));
    penalties.push(...g.penalties);
  }
  if (groups.length < 2) {
    const fallback = splitPairs(scan);
    if (fallback) return fallback;
    // Labels found only by their pairing ("type A ... type B") may name categories, not groups.
    if (all.every((m) => m.paired)) return null;
    return groups.length === 1 ? { kind: 'decline', reason: 'Only one group has counts; a comparison needs successes and trials for both groups.', severity: 'unsupported' } : null;
  }
  if (groups.length > 2) penalties.push(penalty('more than two groups: compared the first two', 0.7));
  const [g0, g1] = groups;
  let order = askedOrder(asked, [g0.label, g1.label]);
  // "Ward A used the old dressing ... Ward B used the new dressing ... is the new dressing
  // better?": the question names a group by a word of its own description, not by its label.
  if (order.length === 0) {
    const wordsL = groupWords(g0.region);
    const wordsR = groupWords(g1.region);
    for (const w of [...wordsL]) if (wordsR.has(w)) {
      wordsL.delete(w);
      wordsR.delete(w);
    }
    const posL = firstMention(asked, wordsL);
    const posR = firstMention(asked, wordsR);
    if (posL >= 0 && (posR < 0 || posL < posR)) order = [g0.label, ...(posR >= 0 ? [g1.label] : [])];
    else if (posR >= 0) order = [g1.label, ...(posL >= 0 ? [g0.label] : [])];
    if (order.length === 0 && comparesUnplaced(asked)) return UNPLACED;
  }
  const uncompared = uncomparedQuestion(scan, asked, order.map((label) => (label === g0.label ? g0.display : g1.display)));
  if (uncompared === 'one-group') {
    // One group's own rate: a binomial on its counts; the other group's counts are context.
    const g = order[0] === g0.label ? g0 : g1;
    const target: ProblemOf<'binomial'>['target'] = /\bnext\b|\b(?:another|one more|a new)\b/.test(asked)
      ? { kind: 'predictive' }
      : /\binterval\b/.test(asked) ? { kind: 'interval' } : { kind: 'mean' };
    return {
      kind: 'problem',
      problem: { family: 'binomial', successes: g.successes, trials: g.trials, successLabel: g.outcome === 'success' ? g.display : `${g.display} ${g.outcome}`, target },
      used: [...placed(scan, structural, used), ...used],
      penalties: [...penalties, penalty(`the data hold two groups; answered for ${g.display}, the one the question names`, 0.95)],
    };
  }
  if (uncompared) return uncompared;
  const idx = (label: string): 0 | 1 => (label === g0.label ? 0 : 1);
  let target: ProblemOf<'two-proportions'>['target'];
  const lessWords = /\b(?:worse|lower|less|smaller|inferior|underperforms?|fewer|fell|dropped|declined|decreased|(?:went|gone|go|goes)\s+down)\b/;
  const minus = /\b([a-z0-9]+)(?:'s)?(?:\s+(?:rate|group))?\s+minus\s+(?:the\s+)?([a-z0-9]+)\b/.exec(asked);
  const minusOrder = minus && [g0.label, g1.label].includes(minus[1]) && [g0.label, g1.label].includes(minus[2]) && minus[1] !== minus[2] ? [minus[1], minus[2]] : [];
  if (minusOrder.length === 2) {
    const minuend: 0 | 1 = idx(minusOrder[0]);
    target = { kind: 'difference', minuend, subtrahend: minuend === 0 ? 1 : 0 };
  } else if (/\b(?:difference|differ|how\s+much\s+(?:higher|lower|better|worse|more|less)|lift|improvement|uplift)\b/.test(asked)) {
    const minuend: 0 | 1 = order.length >= 1 ? idx(order[0]) : 1;
    target = { kind: 'difference', minuend, subtrahend: minuend === 0 ? 1 : 0 };
  } else {
    let first: 0 | 1 = order.length >= 1 ? idx(order[0]) : 1;
    if (order.length === 0) penalties.push(penalty('the question does not name a group: compared the second group against the first', 0.95));
    if (lessWords.test(asked)) first = first === 0 ? 1 : 0;
    const unclear = unclearJudgement(scan, asked, [g0.outcome, g1.outcome]);
    if (unclear) return unclear;
    if (prefersFewer(asked, [g0.outcome, g1.outcome])) {
      first = first === 0 ? 1 : 0;
      penalties.push(penalty(`the data count ${g0.outcome}, an outcome to avoid: "better" means a lower rate`, 0.97));
    }
    target = { kind: 'prob-greater', first, second: first === 0 ? 1 : 0 };
  }
  return {
    kind: 'problem',
    problem: {
      family: 'two-proportions',
      groups: [
        { label: g0.display, successes: g0.successes, trials: g0.trials },
        { label: g1.display, successes: g1.successes, trials: g1.trials },
      ],
      target,
    },
    used: [...placed(scan, structural, used), ...used],
    penalties,
  };
}

/** Numbers that name a group ("line 2", "arm 1") or a year ("in 2022"), not counts. */
function isLabelNumber(scan: Scan, n: Num): boolean {
  const prev = n.before.at(-1) ?? '';
  if (n.percent || !Number.isInteger(n.value)) return false;
  // "Treatment: 30 of 50" and "control - 40" introduce counts; "line 2" names a line.
  // "on the old drug, 90 had ...": a comma ends the name; the number after it is a count.
  if (/[:=,-]\s*$/.test(scan.text.slice(Math.max(0, n.start - 3), n.start))) return false;
  // "cohort 33 of 210": a count that follows the group's name.
  if (/^(?:of|out)$/.test(n.after[0] ?? '') || /^\s*\//.test(scan.text.slice(n.end, n.end + 2))) return false;
  if (new RegExp(String.raw`^(?:${NOUNS.replace(/\\s\+/g, '-')}|arm|cohort|ward|site|region|wave|batch|round|phase|day|week|month|year)$`).test(prev)) return true;
  return n.value >= 1800 && n.value <= 2100 && /^(?:in|since|during|from|year)$/.test(prev) && !TRIAL_NOUNS.has(n.after[0] ?? '');
}

/**
 * Numbers that describe the comparison rather than count successes or trials: the number of
 * groups ("two call scripts: ...", "we tested 2 button colours"), a group's name ("clinic 2"), and
 * the window that defines the outcome ("retention after 30 days").
 */
function structuralNumbers(scan: Scan): { num: Num; role: string }[] {
  const out: { num: Num; role: string }[] = [];
  for (const n of scan.numbers) {
    if (n.percent || !Number.isInteger(n.value)) continue;
    const prev = n.before.at(-1) ?? '';
    const next = scan.text.slice(n.end).match(/^\s+([a-z]+)(?:\s+([a-z]+))?/);
    const plural = [next?.[1], next?.[2]].find((w) => w !== undefined && w.length >= 3 && w.endsWith('s') && !w.endsWith('ss'));
    if (n.value === 2 && plural && !TRIAL_NOUNS.has(plural) && !SUCCESS_HINTS.has(plural) && lookupUnit(plural) === null && !/^(?:of|out|in)$/.test(next?.[1] ?? '')) {
      out.push({ num: n, role: 'number of groups compared' });
    } else if (new RegExp(String.raw`^(?:${NOUNS})$`).test(prev) && !/[:=,-]\s*$/.test(scan.text.slice(Math.max(0, n.start - 3), n.start)) && n.value <= 9 && !/^(?:of|out)$/.test(n.after[0] ?? '') && !/^\s*\//.test(scan.text.slice(n.end, n.end + 2))) {
      out.push({ num: n, role: 'group name' });
    } else if (/^(?:after|within|by|over)$/.test(prev) && lookupUnit(n.after[0] ?? '')?.dimension === 'time') {
      out.push({ num: n, role: 'time window that defines the outcome' });
    }
  }
  return out;
}

/**
 * The structural numbers that sit beside the data or in the question; one in an unrelated sentence
 * with other numbers ("founded in 2005 with 75 employees, ran 2 ads.") is left for the caller to
 * treat as a distractor.
 */
function placed(scan: Scan, structural: { num: Num; role: string }[], data: { num: Num }[]): { num: Num; role: string }[] {
  const sentences = new Set(data.map((u) => u.num.sentence));
  // A sentence whose only number is the count of groups ("we tested two button colours.") is a
  // preface to the data, not a distractor.
  const alone = (n: Num): boolean => scan.numbers.every((m) => m === n || m.sentence !== n.sentence);
  return structural.filter((u) => sentences.has(u.num.sentence) || u.num.sentence === scan.questionIndex || (u.role === 'number of groups compared' && alone(u.num)));
}

/** Where the data of the first group may end and the second begin: clause joints. */
const JOINT = /;\s*|,\s*(?:(?:and|while|whereas|but|versus|vs\.?|compared\s+(?:with|to)|than)\s+)?|\s+(?:and|while|whereas|but|versus|vs\.?|compared\s+(?:with|to)|than)\s+|[.?!]\s+|\s+-\s+/g;

const NOT_LABELS = new Set(
  ('the a an of in on at to for with from by and or but than versus vs compared while whereas were was is are had has have got ' +
    'what whats how which who that this these those it its their our we they he she his her them given out total only each per ' +
    'rate rates probability chance likely likelihood posterior expected difference group groups arm arms higher lower better worse ' +
    'more less fewer greater percentage percent proportion share did do does be been being n time times all there here also after ' +
    'before during over under about among between both one two').split(' '),
);

function stem(word: string): string {
  if (word.length > 4 && word.endsWith('ies')) return `${word.slice(0, -3)}y`;
  if (word.length > 3 && word.endsWith('s') && !word.endsWith('ss')) return word.slice(0, -1);
  return word;
}

/** Content words that may name a group, from the text around its counts. */
function groupWords(region: string): Set<string> {
  const out = new Set<string>();
  const singles = new Set<string>();
  for (const m of region.matchAll(/(?:^|[\s(])([a-z])\s*[:)]/g)) singles.add(m[1]);
  for (const m of region.matchAll(new RegExp(String.raw`\b(?:${NOUNS})\s+([a-z])\b`, 'g'))) singles.add(m[1]);
  for (const raw of region.split(/[^a-z0-9'-]+/)) {
    const w = raw.replace(/'s$|'/g, '').replace(/^-+|-+$/g, '');
    // "v1", "v2": a short letter-and-digit name is a label; other words with digits are data.
    if (!w || (/\d/.test(w) && !/^[a-z]{1,2}\d{1,2}$/.test(w))) continue;
    if (w.length === 1) {
      if (singles.has(w)) out.add(w);
      continue;
    }
    // Trial nouns ("patients") and outcomes ("converted") describe the data, not the group.
    if (NOT_LABELS.has(w) || (TRIAL_NOUNS.has(w) && w.endsWith('s')) || SUCCESS_HINTS.has(w)) continue;
    out.add(stem(w));
  }
  return out;
}

/** First position in the question sentence of a word of `words` (-1 when none). */
function firstMention(asked: string, words: Set<string>): number {
  let best = -1;
  for (const m of asked.matchAll(/[a-z][a-z0-9'-]*/g)) {
    const raw = m[0].replace(/'s$|'/g, '');
    // "upgrade rate", "relapse rate": the outcome, not a group; but "B's rate" is the rate of group B.
    if (!/'s$/.test(m[0]) && /^\s*-?\s*rates?\b/.test(asked.slice((m.index ?? 0) + m[0].length))) continue;
    const w = raw.length === 1 ? raw : stem(raw);
    if (raw.length === 1) {
      const before = asked.slice(Math.max(0, (m.index ?? 0) - 12), m.index ?? 0);
      const after = asked.slice((m.index ?? 0) + 1, (m.index ?? 0) + 3);
      // A single letter is a group name only where an article could not stand: "variant b", "a:", "than a".
      if (!new RegExp(String.raw`(?:\b(?:than|and|or|vs\.?|versus|between|that|is|does|did|of|over)\s+|^|\b(?:${NOUNS})\s+)$`).test(before) || /^\s+[a-z]{2,}/.test(after) && !/^\s+(?:is|was|has|had|better|worse|performs?|converts?|outperforms?|beats?|higher|lower)\b/.test(after)) {
        if (!/^\s*[:)?,.]/.test(after) && !/^\s*$/.test(after)) continue;
      }
    }
    if (words.has(w) && (best < 0 || (m.index ?? 0) < best)) best = m.index ?? 0;
  }
  return best;
}

/**
 * Two groups without recognised labels ("60 of 800 upgraded with the old flow and 84 of 790 with
 * the new flow", "Clinic North cured 88 of 110; Clinic South cured 95 of 130"): the four counts
 * split at a clause joint into two k-of-n groups; the words around each name the group.
 */
function splitPairs(scan: Scan): Extraction | null {
  const asked = questionText(scan);
  const structural = structuralNumbers(scan);
  const exclude = new Set<Num>([...scan.numbers.filter((n) => isLabelNumber(scan, n)), ...structural.map((u) => u.num)]);
  const data = scan.numbers.filter((n) => !exclude.has(n));
  if (data.length !== 4) return null;
  const text = scan.text;
  let firstDecline: string | undefined;
  for (const m of text.matchAll(JOINT)) {
    const s = m.index ?? 0;
    const e = s + m[0].length;
    if (!(data[1].end <= s && data[2].start >= e)) continue;
    const left = extractGroup(scan, 0, s, exclude, asked);
    const right = extractGroup(scan, e, text.length, exclude, asked);
    if (left === null || right === null) continue;
    if ('decline' in left || 'decline' in right) {
      firstDecline ??= 'decline' in left ? left.decline : (right as { decline: string }).decline;
      continue;
    }
    const usedLeft = new Set(left.used.map((u) => u.num));
    const usedRight = new Set(right.used.map((u) => u.num));
    if (!data.slice(0, 2).every((n) => usedLeft.has(n)) || !data.slice(2).every((n) => usedRight.has(n))) continue;
    // Label regions: the clause of each group's counts.
    const leftSentence = scan.sentences[data[0].sentence];
    const commaBefore = text.lastIndexOf(',', data[0].start);
    const leftStart = leftSentence && data[0].sentence === scan.questionIndex && commaBefore >= leftSentence.start ? commaBefore + 1 : (leftSentence?.start ?? 0);
    const rightSentence = scan.sentences[data[3].sentence];
    const rightEnd = rightSentence && rightSentence.end > e ? rightSentence.end : text.length;
    const wordsL = groupWords(text.slice(leftStart, s));
    const wordsR = groupWords(text.slice(e, rightEnd));
    for (const w of [...wordsL]) if (wordsR.has(w)) {
      wordsL.delete(w);
      wordsR.delete(w);
    }
    // When the data sit in the question sentence, its own group clauses are not the question's
    // wording: blank them before looking for the group the question names first.
    const q = scan.questionIndex >= 0 ? scan.sentences[scan.questionIndex] : undefined;
    let askedText = asked;
    if (q) {
      const rightClauseEnd = (() => {
        const rest = text.slice(data[3].end).search(/[,;?.!]/);
        return rest < 0 ? text.length : data[3].end + rest;
      })();
      const blank = (from: number, to: number) => {
        const a = Math.max(from, q.start) - q.start;
        const b = Math.min(to, q.end) - q.start;
        if (b > a) askedText = askedText.slice(0, a) + ' '.repeat(b - a) + askedText.slice(b);
      };
      blank(leftStart, s);
      blank(e, rightClauseEnd);
    }
    const posL = firstMention(askedText, wordsL);
    const posR = firstMention(askedText, wordsR);
    if (posL < 0 && posR < 0) {
      // The question may name a group by a word filtered above ("flipped classroom"): guessing
      // the direction could give the complement of the asked probability, so decline instead.
      const rawL = new Set(text.slice(leftStart, s).split(/[^a-z0-9'-]+/).map(stem));
      const rawR = new Set(text.slice(e, rightEnd).split(/[^a-z0-9'-]+/).map(stem));
      const named = askedText.split(/[^a-z0-9'-]+/).map(stem).filter((w) => w.length >= 3 && !NOT_LABELS.has(w) && rawL.has(w) !== rawR.has(w));
      if (named.length > 0) return { kind: 'decline', reason: `The question names "${named[0]}" but the embedded reasoner could not tell which group that is; label the groups (e.g. "group A: 45 of 500").`, severity: 'missing' };
    }
    const order: (0 | 1)[] = [];
    if (posL >= 0 && (posR < 0 || posL < posR)) order.push(0, ...(posR >= 0 ? [1 as const] : []));
    else if (posR >= 0) order.push(1, ...(posL >= 0 ? [0 as const] : []));
    if (order.length === 0 && comparesUnplaced(askedText)) return UNPLACED;
    const name = (words: Set<string>, fallback: string) => ([...words].slice(0, 3).join(' ') || fallback);
    const uncompared = uncomparedQuestion(scan, askedText, order.map((i) => (i === 0 ? name(wordsL, 'the first group') : name(wordsR, 'the second group'))));
    if (uncompared === 'one-group') {
      // Groups read from sentence structure are too uncertain to answer one of them on its own.
      return {
        kind: 'decline',
        reason: 'The question asks about one group alone, but the embedded reasoner could not tell the groups apart by their labels; label them (e.g. "group A: 45 of 500") or ask which rate is higher.',
        severity: 'unsupported',
      };
    }
    if (uncompared) return uncompared;
    const groups: [GroupLike, GroupLike] = [
      { label: name(wordsL, 'first group'), successes: left.successes, trials: left.trials },
      { label: name(wordsR, 'second group'), successes: right.successes, trials: right.trials },
    ];
    const penalties: ParsePenalty[] = [...left.penalties, ...right.penalties, penalty('groups read from the sentence structure, not from labels', 0.95)];
    const minus = /\b([a-z0-9'-]+)(?:'s)?(?:\s+(?:rate|group))?\s+minus\s+(?:the\s+)?([a-z0-9'-]+)/.exec(asked);
    let minusFirst: 0 | 1 | undefined;
    if (minus) {
      const a = stem(minus[1].replace(/'s$/, ''));
      const b = stem(minus[2].replace(/'s$/, ''));
      if (wordsL.has(a) && wordsR.has(b)) minusFirst = 0;
      else if (wordsR.has(a) && wordsL.has(b)) minusFirst = 1;
      else return null;
    }
    const unclear = minusFirst === undefined && !/\b(?:difference|differ|lift|improvement|uplift)\b/.test(asked) ? unclearJudgement(scan, asked, [left.label, right.label]) : null;
    if (unclear) return unclear;
    return {
      kind: 'problem',
      problem: { family: 'two-proportions', groups, target: targetFor(asked, order, minusFirst, penalties, [left.label, right.label]) },
      used: [
        ...placed(scan, structural, [...left.used, ...right.used]),
        ...left.used.map((u) => ({ num: u.num, role: `${groups[0].label}: ${u.role}` })),
        ...right.used.map((u) => ({ num: u.num, role: `${groups[1].label}: ${u.role}` })),
      ],
      penalties,
    };
  }
  return firstDecline ? { kind: 'decline', reason: firstDecline, severity: 'inconsistent' } : null;
}

interface GroupLike {
  label: string;
  successes: number;
  trials: number;
}

/** What the question compares, given the groups in the order the question names them. */
function targetFor(asked: string, order: (0 | 1)[], minusFirst: 0 | 1 | undefined, penalties: ParsePenalty[], outcomes: string[]): ProblemOf<'two-proportions'>['target'] {
  if (minusFirst !== undefined) return { kind: 'difference', minuend: minusFirst, subtrahend: minusFirst === 0 ? 1 : 0 };
  if (/\b(?:difference|differ|how\s+much\s+(?:higher|lower|better|worse|more|less)|lift|improvement|improve|uplift)\b/.test(asked)) {
    const minuend: 0 | 1 = order.length >= 1 ? order[0] : 1;
    if (order.length === 0) penalties.push(penalty('the question does not name a group: took the second minus the first', 0.95));
    return { kind: 'difference', minuend, subtrahend: minuend === 0 ? 1 : 0 };
  }
  let first: 0 | 1 = order.length >= 1 ? order[0] : 1;
  if (order.length === 0) penalties.push(penalty('the question does not name a group: compared the second group against the first', 0.95));
  if (/\b(?:worse|lower|less|smaller|inferior|underperforms?|fewer|fell|dropped|declined|decreased|(?:went|gone|go|goes)\s+down)\b/.test(asked)) first = first === 0 ? 1 : 0;
  if (prefersFewer(asked, outcomes)) {
    first = first === 0 ? 1 : 0;
    penalties.push(penalty(`the data count ${outcomes[0]}, an outcome to avoid: "better" means a lower rate`, 0.97));
  }
  return { kind: 'prob-greater', first, second: first === 0 ? 1 : 0 };
}

/** Counted outcomes nobody wants: for these a "better" group is one with a LOWER rate. */
const UNWANTED_OUTCOME = /^(?:fail|failed|fails|failures?|defective|defects?|faulty|broken|infected|infections?|sick|ill|died|deaths?|dead|crashed|crashes|errors?|complaints?|abandoned|churned|cancell?ed|relapsed|readmitted|bounced|rejected|late|delayed|injured|injuries|accidents?)$/;
/** Words that judge a group as a whole rather than compare its rate up or down. */
const EVALUATIVE = /\b(?:better|worse|superior|inferior|outperforms?|underperforms?|beats?|(?:more|less)\s+reliable|reliable|safer|riskier|(?:more|less)\s+effective)\b/g;

/**
 * "Are the new runners more reliable?" when the data count failures: a judgement word over an
 * unwanted outcome asks for the LOWER failure rate. A question that also says which way the rate
 * goes ("a higher failure rate") is taken literally instead.
 */
function prefersFewer(asked: string, outcomes: string[]): boolean {
  if (!outcomes.some((o) => UNWANTED_OUTCOME.test(o))) return false;
  return judgesWithoutDirection(asked);
}

/** "Which is better?", "more reliable": a judgement with no word saying which way the rate goes. */
function judgesWithoutDirection(asked: string): boolean {
  EVALUATIVE.lastIndex = 0;
  if (!EVALUATIVE.test(asked)) return false;
  EVALUATIVE.lastIndex = 0;
  return !/\b(?:higher|lower|more|less|fewer|greater|smaller|larger)\b/.test(asked.replace(EVALUATIVE, ' '));
}

/** Words of outcomes nobody wants, anywhere in the data ("readmitted", "side effects"). */
const UNWANTED_MENTION = /\b(?:fail|defect|faulty|broken|infect|died|death|dead|crash|error|complain|abandon|churn|cancel|relaps|readmi|bounce|reject|late\b|delay|injur|accident|side[\s-]effect|sick|adverse|complication|mortality|allow(?:ed|s)?\b|conced|gave\s+up|let\s+in)/;

/**
 * A judgement ("which is better?") over counts whose outcome was not read, in data that speak of an
 * unwanted outcome: "better" may mean the lower rate, so the direction would be a guess.
 */
function unclearJudgement(scan: Scan, asked: string, outcomes: string[]): Extraction | null {
  if (outcomes.some((o) => UNWANTED_OUTCOME.test(o)) || !judgesWithoutDirection(asked)) return null;
  const dataText = scan.questionIndex >= 0 ? scan.text.slice(0, scan.sentences[scan.questionIndex].start) + scan.text.slice(scan.sentences[scan.questionIndex].end) : scan.text;
  if (!UNWANTED_MENTION.test(dataText)) return null;
  return {
    kind: 'decline',
    reason: 'The question asks which group is better, but the counts may be of an unwanted outcome (where lower is better); ask which rate is higher or lower.',
    severity: 'unsupported',
  };
}

/**
 * "Is X better than Y?" where neither X nor Y was recognised as a group: the question names the
 * groups in an order the default ("second against first") may reverse.
 */
function comparesUnplaced(asked: string): boolean {
  return /\b(?:better|worse|higher|lower|more|less|greater|smaller|bigger|larger)\s+than\s+(?:the\s+)?[a-z0-9]/.test(asked) && !/\bthan\s+(?:the\s+)?(?:other|before|last|previous|expected|average|chance)\b/.test(asked);
}

const UNPLACED: Extraction = {
  kind: 'decline',
  reason: 'The question compares two named groups, but the embedded reasoner could not tell which counts belong to which name; label the groups (e.g. "group A: 45 of 500").',
  severity: 'missing',
};
