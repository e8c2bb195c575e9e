/**
 * Runs the whole question corpus (test/corpus/*.json) through the public API, embedded reasoner and
 * real local sandbox, and reports accuracy per family. The expected values were computed
 * independently by test/corpus/compute_expected.py; see /work/notes/answer-spec.md for their meaning.
 *
 * Outcomes (correct / wrong / miss / undeclined) are defined in test/corpus/grading.ts.
 *
 * `CORPUS_ONLY=binomial,decline npx vitest run test/integration/corpus.test.ts` runs a subset while
 * working on one family; thresholds then apply to the families that ran. `CORPUS_ONLY=holdout` runs
 * only the held-out file (test/corpus/holdout.json: other phrasings, written without looking at the
 * parser), whose table is also printed separately on a full run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKernel } from '../../src/index.js';
import type { ReasoningKernel } from '../../src/index.js';
import { type CorpusItem, expectsValue, loadCorpus } from '../corpus/corpus.js';
import { type FamilyRow, type Graded, formatReport, grade, tabulate } from '../corpus/grading.js';

/**
 * Quality bar, measured over the whole corpus including the held-out file (test/corpus/holdout.json).
 * Set just below what the embedded reasoner reaches; the lead raises them as it improves and never
 * lowers them to pass. A threshold applies only when every question it covers ran (not on a
 * CORPUS_ONLY subset that leaves some out).
 */
const THRESHOLDS = {
  /** Fraction of all questions answered correctly (declines included); reached 0.890 (780/876). */
  overallAccuracy: 0.89,
  /** Fraction correct within each family (and within the declines), just below what is reached. */
  familyAccuracy: {
    binomial: 0.81, // 135/165
    two_proportions: 0.84, // 110/130
    poisson_rate: 0.87, // 72/82
    normal_mean: 0.96, // 63/65
    bayes_rule: 0.86, // 65/75
    categorical: 0.79, // 73/92
    exponential: 0.93, // 59/63
    model_comparison: 0.98, // 59/60
    decline: 0.99, // all
  } as Record<string, number>,
  /** Fraction of the held-out questions answered correctly; reached 0.908 (118/130). */
  heldOutAccuracy: 0.9,
  /** Same for the second held-out file (test/corpus/holdout2.json); reached 0.838 (88/105), 0.457 before the parser changes. */
  heldOut2Accuracy: 0.83,
  /**
   * Same for the third held-out file (test/corpus/holdout3.json); reached 0.989 (91/92) after the
   * parser changes of its round, 0.696 (64/92, 3 confidently wrong) when it was written.
   */
  heldOut3Accuracy: 0.98,
  /**
   * Same for the fourth held-out file (test/corpus/holdout4.json); reached 0.967 (88/91) after the parser
   * changes of its round, 0.538 (49/91, 14 confidently wrong) when it was written.
   */
  heldOut4Accuracy: 0.96,
  /**
   * Same for the fifth held-out file (test/corpus/holdout5.json: traps for a pattern-matching parser);
   * reached 0.670 (61/91, 0 confidently wrong) after the parser changes of its round, 0.560 (51/91,
   * 9 confidently wrong) when it was written.
   */
  heldOut5Accuracy: 0.66,
  /**
   * Same for the sixth held-out file (test/corpus/holdout6.json: unseen phrasings, non-native English,
   * odds, ratios, "x in every y", mixed-unit durations); reached 0.738 (62/84, 0 confidently wrong) after the parser
   * changes of its round, 0.655 (55/84, 7 confidently wrong) when it was written.
   */
  heldOut6Accuracy: 0.73,
  /** Confident wrong numbers tolerated across the corpus (answers outside tolerance, answered declines). */
  maxConfidentWrong: 0,
} as const;

/** Questions in flight at once (the machine has 2 cores; the sandbox queues beyond its own limit). */
const CONCURRENCY = 4;
/** Per-question guard so one hung run cannot stall the suite; counted as a failure, not a hang. */
const QUESTION_TIMEOUT_MS = 60_000;
const SUITE_TIMEOUT_MS = 15 * 60_000;

async function runOne(kernel: ReasoningKernel, item: CorpusItem): Promise<Graded> {
  const started = performance.now();
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), QUESTION_TIMEOUT_MS);
  try {
    const result = await kernel.reason(item.question, { prior: item.prior ?? 'uniform', signal: controller.signal });
    return { item, ...grade(item, result), durationMs: performance.now() - started };
  } catch (e) {
    // reason() must not throw for a question; a throw is never a correct outcome.
    const message = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    return {
      item,
      outcome: expectsValue(item) ? 'miss' : 'undeclined',
      detail: `threw ${message}`,
      durationMs: performance.now() - started,
    };
  } finally {
    clearTimeout(timer);
  }
}

/** Runs `work` over `items` with at most `limit` in flight, keeping the input order. */
async function mapPool<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      out[index] = await work(items[index]);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}

/** Held-out questions (test/corpus/holdout.json) are recognised by their id prefix. */
const isHeldOut = (item: CorpusItem): boolean => item.id.startsWith('holdout-');
/** Second held-out file (test/corpus/holdout2.json): two proportions, binomial, categorical, declines. */
const isHeldOut2 = (item: CorpusItem): boolean => item.id.startsWith('holdout_two-');
/** Third held-out file (test/corpus/holdout3.json): all eight families and declines. */
const isHeldOut3 = (item: CorpusItem): boolean => item.id.startsWith('holdout_three-');
/** Fourth held-out file (test/corpus/holdout4.json): all eight families and declines, other voices. */
const isHeldOut4 = (item: CorpusItem): boolean => item.id.startsWith('holdout_four-');
/** Fifth held-out file (test/corpus/holdout5.json): all eight families and declines, parser traps. */
const isHeldOut5 = (item: CorpusItem): boolean => item.id.startsWith('holdout_five-');
/** Sixth held-out file (test/corpus/holdout6.json): all eight families and declines, unseen phrasings. */
const isHeldOut6 = (item: CorpusItem): boolean => item.id.startsWith('holdout_six-');

const allItems = loadCorpus();

function selectedItems(): CorpusItem[] {
  const all = allItems;
  const only = process.env.CORPUS_ONLY?.split(',').map((s) => s.trim()).filter(Boolean);
  if (!only || only.length === 0) return all;
  return all.filter(
    (item) =>
      only.includes(item.family) ||
      (only.includes('holdout') && isHeldOut(item)) ||
      (only.includes('holdout2') && isHeldOut2(item)) ||
      (only.includes('holdout3') && isHeldOut3(item)) ||
      (only.includes('holdout4') && isHeldOut4(item)) ||
      (only.includes('holdout5') && isHeldOut5(item)) ||
      (only.includes('holdout6') && isHeldOut6(item)),
  );
}

describe('question corpus through reason()', () => {
  const items = selectedItems();
  let kernel: ReasoningKernel | undefined;
  let graded: Graded[] = [];
  let rows: FamilyRow[] = [];

  beforeAll(async () => {
    // An empty environment: embedded reasoner (no LLM), local sandbox, in-memory state, whatever the
    // host exports; only the interpreter is taken from the test environment.
    kernel = await createKernel({
      env: { RK_PYTHON: process.env.RK_PYTHON ?? 'python3' },
      config: { log: { level: 'silent' } },
    });
    const started = performance.now();
    const k = kernel;
    graded = await mapPool(items, CONCURRENCY, (item) => runOne(k, item));
    const wallMs = performance.now() - started;
    rows = tabulate(graded);
    console.log(formatReport(rows, graded, wallMs, CONCURRENCY));
    const heldOut = graded.filter((g) => isHeldOut(g.item));
    if (heldOut.length > 0 && heldOut.length < graded.length) {
      console.log(`Held-out subset (test/corpus/holdout.json):${formatReport(tabulate(heldOut), heldOut, wallMs, CONCURRENCY)}`);
    }
    const heldOut2 = graded.filter((g) => isHeldOut2(g.item));
    if (heldOut2.length > 0 && heldOut2.length < graded.length) {
      console.log(`Held-out subset (test/corpus/holdout2.json):${formatReport(tabulate(heldOut2), heldOut2, wallMs, CONCURRENCY)}`);
    }
    const heldOut3 = graded.filter((g) => isHeldOut3(g.item));
    if (heldOut3.length > 0 && heldOut3.length < graded.length) {
      console.log(`Held-out subset (test/corpus/holdout3.json):${formatReport(tabulate(heldOut3), heldOut3, wallMs, CONCURRENCY)}`);
    }
    const heldOut4 = graded.filter((g) => isHeldOut4(g.item));
    if (heldOut4.length > 0 && heldOut4.length < graded.length) {
      console.log(`Held-out subset (test/corpus/holdout4.json):${formatReport(tabulate(heldOut4), heldOut4, wallMs, CONCURRENCY)}`);
    }
    const heldOut5 = graded.filter((g) => isHeldOut5(g.item));
    if (heldOut5.length > 0 && heldOut5.length < graded.length) {
      console.log(`Held-out subset (test/corpus/holdout5.json):${formatReport(tabulate(heldOut5), heldOut5, wallMs, CONCURRENCY)}`);
    }
    const heldOut6 = graded.filter((g) => isHeldOut6(g.item));
    if (heldOut6.length > 0 && heldOut6.length < graded.length) {
      console.log(`Held-out subset (test/corpus/holdout6.json):${formatReport(tabulate(heldOut6), heldOut6, wallMs, CONCURRENCY)}`);
    }
  }, SUITE_TIMEOUT_MS);

  afterAll(async () => {
    await kernel?.close();
  });

  it('ran every selected question', () => {
    expect(items.length).toBeGreaterThan(0);
    expect(graded).toHaveLength(items.length);
  });

  it('declines every question that must be declined', () => {
    const notDeclined = graded
      .filter((g) => !expectsValue(g.item) && g.outcome !== 'correct')
      .map((g) => `${g.item.id}: ${g.detail}`);
    expect(notDeclined).toEqual([]);
  });

  it(`gives at most ${THRESHOLDS.maxConfidentWrong} confident wrong answers`, () => {
    const wrong = graded.filter((g) => g.outcome === 'wrong').map((g) => `${g.item.id}: ${g.detail}`);
    expect(wrong.length, wrong.join('\n')).toBeLessThanOrEqual(THRESHOLDS.maxConfidentWrong);
  });

  it(`answers at least ${100 * THRESHOLDS.overallAccuracy} % of all questions correctly`, () => {
    if (items.length < allItems.length) return; // a subset ran: the overall bar does not apply
    const all = rows.find((r) => r.family === 'ALL');
    expect(all?.accuracy ?? 0).toBeGreaterThanOrEqual(THRESHOLDS.overallAccuracy);
  });

  it('reaches its accuracy threshold in every family that ran in full', () => {
    const below = rows
      .filter((r) => r.family !== 'ALL' && r.total === allItems.filter((i) => i.family === r.family).length)
      .filter((r) => r.accuracy < (THRESHOLDS.familyAccuracy[r.family] ?? 1))
      .map((r) => `${r.family}: ${(100 * r.accuracy).toFixed(1)} % (${r.correct}/${r.total}) < ${100 * (THRESHOLDS.familyAccuracy[r.family] ?? 1)} %`);
    expect(below).toEqual([]);
  });

  it(`answers at least ${100 * THRESHOLDS.heldOut2Accuracy} % of the second held-out file correctly`, () => {
    const heldOut2 = graded.filter((g) => isHeldOut2(g.item));
    if (heldOut2.length === 0 || heldOut2.length < allItems.filter(isHeldOut2).length) return;
    const correct = heldOut2.filter((g) => g.outcome === 'correct').length;
    expect(correct / heldOut2.length).toBeGreaterThanOrEqual(THRESHOLDS.heldOut2Accuracy);
  });

  it(`answers at least ${100 * THRESHOLDS.heldOut3Accuracy} % of the third held-out file correctly`, () => {
    const heldOut3 = graded.filter((g) => isHeldOut3(g.item));
    if (heldOut3.length === 0 || heldOut3.length < allItems.filter(isHeldOut3).length) return;
    const correct = heldOut3.filter((g) => g.outcome === 'correct').length;
    expect(correct / heldOut3.length).toBeGreaterThanOrEqual(THRESHOLDS.heldOut3Accuracy);
  });

  it(`answers at least ${100 * THRESHOLDS.heldOut4Accuracy} % of the fourth held-out file correctly`, () => {
    const heldOut4 = graded.filter((g) => isHeldOut4(g.item));
    if (heldOut4.length === 0 || heldOut4.length < allItems.filter(isHeldOut4).length) return;
    const correct = heldOut4.filter((g) => g.outcome === 'correct').length;
    expect(correct / heldOut4.length).toBeGreaterThanOrEqual(THRESHOLDS.heldOut4Accuracy);
  });

  it(`answers at least ${100 * THRESHOLDS.heldOut5Accuracy} % of the fifth held-out file correctly`, () => {
    const heldOut5 = graded.filter((g) => isHeldOut5(g.item));
    if (heldOut5.length === 0 || heldOut5.length < allItems.filter(isHeldOut5).length) return;
    const correct = heldOut5.filter((g) => g.outcome === 'correct').length;
    expect(correct / heldOut5.length).toBeGreaterThanOrEqual(THRESHOLDS.heldOut5Accuracy);
  });

  it(`answers at least ${100 * THRESHOLDS.heldOut6Accuracy} % of the sixth held-out file correctly`, () => {
    const heldOut6 = graded.filter((g) => isHeldOut6(g.item));
    if (heldOut6.length === 0 || heldOut6.length < allItems.filter(isHeldOut6).length) return;
    const correct = heldOut6.filter((g) => g.outcome === 'correct').length;
    expect(correct / heldOut6.length).toBeGreaterThanOrEqual(THRESHOLDS.heldOut6Accuracy);
  });

  it(`answers at least ${100 * THRESHOLDS.heldOutAccuracy} % of the held-out questions correctly`, () => {
    const heldOut = graded.filter((g) => isHeldOut(g.item));
    if (heldOut.length === 0 || heldOut.length < allItems.filter(isHeldOut).length) return;
    const correct = heldOut.filter((g) => g.outcome === 'correct').length;
    expect(correct / heldOut.length).toBeGreaterThanOrEqual(THRESHOLDS.heldOutAccuracy);
  });
});
