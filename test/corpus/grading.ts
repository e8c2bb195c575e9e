/**
 * Grades one `ReasoningResult` against a corpus item and tabulates accuracy per family (used by
 * test/integration/corpus.test.ts; unit-tested in test/unit/corpus-grading.test.ts).
 *
 * Outcomes per question:
 * - correct: a value inside the tolerance (and the interval, when one is expected), or a decline
 *   where a decline is expected;
 * - wrong: a confident answer outside the tolerance, or any answer to a question that must be
 *   declined: the worst outcome the product can have, with its own limit;
 * - miss: the kernel declined, failed or threw on an answerable question (honest, not useful);
 * - undeclined: a decline question that failed without `declined` set, or threw.
 */
import type { ReasoningResult } from '../../src/kernel/contracts.js';
import { CORPUS_FAMILIES, type CorpusItem, expectsValue } from './corpus.js';

export type Outcome = 'correct' | 'wrong' | 'miss' | 'undeclined';

export interface Graded {
  item: CorpusItem;
  outcome: Outcome;
  /** What happened, for the failure listing. */
  detail: string;
  durationMs: number;
}

/** |got - want| <= tolerance, with a hair of slack for the stored 10-digit rounding. */
export function withinTolerance(got: number, want: number, tolerance: number): boolean {
  return Number.isFinite(got) && Math.abs(got - want) <= tolerance + 1e-9 * Math.max(1, Math.abs(want));
}

/** Grades one result; never throws. */
export function grade(item: CorpusItem, result: ReasoningResult): Pick<Graded, 'outcome' | 'detail'> {
  const declined = result.success === false && result.declined !== undefined;
  if (!expectsValue(item)) {
    if (declined) return { outcome: 'correct', detail: `declined: ${result.declined?.reason}` };
    if (result.success || result.answer !== undefined) {
      return { outcome: 'wrong', detail: `answered ${result.answer?.value} (${result.answer?.quantity}) instead of declining` };
    }
    const failed = result.stages.find((s) => s.status === 'failed');
    return { outcome: 'undeclined', detail: `success=false without declined (stage ${failed?.name ?? '?'}: ${failed?.error ?? 'no error'})` };
  }
  const want = item.expect;
  if (declined) return { outcome: 'miss', detail: `declined: ${result.declined?.reason}` };
  if (!result.success) {
    const failed = result.stages.find((s) => s.status === 'failed');
    return { outcome: 'miss', detail: `failed at ${failed?.name ?? '?'}: ${failed?.error ?? 'no error'}` };
  }
  const got = result.answer?.value;
  if (got === undefined || !withinTolerance(got, want.value, want.tolerance)) {
    return {
      outcome: 'wrong',
      detail: `got ${got} (${result.answer?.quantity ?? 'no answer'}), want ${want.value} ± ${want.tolerance} (${want.quantity})`,
    };
  }
  if (want.interval !== undefined) {
    const interval = result.estimates[0]?.interval;
    const tol = want.intervalTolerance ?? want.tolerance;
    if (
      interval === undefined ||
      !withinTolerance(interval[0], want.interval[0], tol) ||
      !withinTolerance(interval[1], want.interval[1], tol)
    ) {
      return {
        outcome: 'wrong',
        detail: `interval ${JSON.stringify(interval)}, want [${want.interval.join(', ')}] ± ${tol}`,
      };
    }
  }
  return { outcome: 'correct', detail: `got ${got}` };
}

export interface FamilyRow {
  family: string;
  total: number;
  correct: number;
  wrong: number;
  miss: number;
  undeclined: number;
  accuracy: number;
}

/** One row per family present (in corpus order, declines last) and a final `ALL` row. */
export function tabulate(graded: readonly Graded[]): FamilyRow[] {
  const families = [...CORPUS_FAMILIES, 'decline'].filter((f) => graded.some((g) => g.item.family === f));
  const row = (family: string, rows: readonly Graded[]): FamilyRow => {
    const count = (o: Outcome): number => rows.filter((g) => g.outcome === o).length;
    return {
      family,
      total: rows.length,
      correct: count('correct'),
      wrong: count('wrong'),
      miss: count('miss'),
      undeclined: count('undeclined'),
      accuracy: rows.length === 0 ? 0 : count('correct') / rows.length,
    };
  };
  return [...families.map((f) => row(f, graded.filter((g) => g.item.family === f))), row('ALL', graded)];
}

/** The table printed at the end of the corpus run, followed by every question not answered correctly. */
export function formatReport(rows: readonly FamilyRow[], graded: readonly Graded[], wallMs: number, concurrency: number): string {
  const header = ['family', 'total', 'correct', 'wrong', 'miss', 'undecl', 'accuracy'];
  const lines = rows.map((r) => [
    r.family,
    String(r.total),
    String(r.correct),
    String(r.wrong),
    String(r.miss),
    String(r.undeclined),
    `${(100 * r.accuracy).toFixed(1)} %`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
  const fmt = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join('  ');
  const failures = graded
    .filter((g) => g.outcome !== 'correct')
    .map((g) => `  ${g.outcome.toUpperCase().padEnd(10)} ${g.item.id}: ${g.detail}\n             Q: ${g.item.question}`);
  const durations = graded.map((g) => g.durationMs).sort((a, b) => a - b);
  const median = durations[Math.floor(durations.length / 2)] ?? 0;
  return [
    '',
    `Question corpus: ${graded.length} questions in ${(wallMs / 1000).toFixed(1)} s (median ${median.toFixed(0)} ms per question, ${concurrency} at a time)`,
    fmt(header),
    fmt(widths.map((w) => '-'.repeat(w))),
    ...lines.map(fmt),
    failures.length > 0 ? `Not correct (${failures.length}):\n${failures.join('\n')}` : 'Every question correct.',
    '',
  ].join('\n');
}
