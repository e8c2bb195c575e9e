/**
 * Two proportions (A/B tests, treatment vs control): finds the two labelled groups, each with
 * k of n, and what the question compares. Pure.
 */
import { extractGroup } from './extract-group.js';
import { penalty, questionText, type Extraction, type Num, type Scan } from './scan.js';
import type { ParsePenalty, ProblemOf } from '../problem.js';

const NOUNS = 'variant|version|group|arm|design|page|site|drug|option|ad|campaign|method|layout|button|email|store|school|team|machine|recipe|strategy|shop|clinic|hospital|vaccine|treatment|landing\\s+page|website|banner|headline|formula|medication|medicine|therapy|subject\\s+line|player|candidate|brand|supplier|factory|line|process|teacher|class';
const NAMED = new RegExp(String.raw`\b(?:${NOUNS})\s+([a-z]|\d+)\b`, 'g');
const BARE = /(?:^|[\s,;(])([ab])\s*[:)]/g;
const ROLE = /\b(control|placebo|treatment|new|old|original|redesign(?:ed)?|current|first|second|vaccinated|unvaccinated)\b(?!\s+(?:time|visitor|user|one|flip))/g;
const ADJECTIVE = /\b(red|green|blue|yellow|orange|black|white|purple|old|new|short|long|first|second)\s+(?:button|method|version|design|layout|page|headline|banner|recipe|formula|ad|email|subject\s+line|price|offer|site|campaign|strategy|treatment|drug)\b/g;
const BARE_VERB = /(?:^|[\s,;:(])([ab])\s+(?:got|had|has|converted|received|saw|produced|with|scored|recorded)\b/g;

interface Mention {
  label: string;
  display: string;
  start: number;
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
        new RegExp(String.raw`\b${single}(?:'s)?\s+(?:is|was|has|had|better|worse|performs?|converts?|outperforms?|beats?|higher|lower)\b`),
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

/** Two-proportions extractor; null when the question does not hold two groups with data. */
export function extractTwoProportions(scan: Scan): Extraction | null {
  const asked = questionText(scan);
  const questionStart = scan.questionIndex >= 0 ? scan.sentences[scan.questionIndex].start : scan.text.length;
  const dataText = scan.text.slice(0, questionStart);
  const all = mentions(dataText).filter((m) => m.start < questionStart);
  if (all.length < 2) return null;
  const exclude = new Set<Num>(scan.numbers.filter((n) => n.start >= questionStart));
  const groups: { label: string; display: string; successes: number; trials: number }[] = [];
  const used: { num: Num; role: string }[] = [];
  const penalties: ParsePenalty[] = [];
  for (let i = 0; i < all.length; i++) {
    const m = all[i];
    const end = i + 1 < all.length ? all[i + 1].start : questionStart;
    if (groups.some((g) => g.label === m.label)) continue;
    // A segment may start just before its numbers ("120 of 1000 visitors in variant A" is rarer; handled by the previous segment's end).
    const g = extractGroup(scan, m.start, end, exclude, '');
    if (g === null) continue;
    if ('decline' in g) return { kind: 'decline', reason: `${m.display}: ${g.decline}`, severity: 'inconsistent' };
    groups.push({ label: m.label, display: m.display, successes: g.successes, trials: g.trials });
    used.push(...g.used.map((u) => ({ num: u.num, role: `${m.display}: ${u.role}` })));
    penalties.push(...g.penalties);
  }
  if (groups.length < 2) return groups.length === 1 ? { kind: 'decline', reason: 'Only one group has counts; a comparison needs successes and trials for both groups.', severity: 'unsupported' } : null;
  if (groups.length > 2) penalties.push(penalty('more than two groups: compared the first two', 0.7));
  const [g0, g1] = groups;
  const order = askedOrder(asked, [g0.label, g1.label]);
  const idx = (label: string): 0 | 1 => (label === g0.label ? 0 : 1);
  let target: ProblemOf<'two-proportions'>['target'];
  const lessWords = /\b(?:worse|lower|less|smaller|inferior|underperforms?|fewer)\b/;
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
    used,
    penalties,
  };
}
