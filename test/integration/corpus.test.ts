/**
 * Runs the whole question corpus (test/corpus/*.json) through the public API, embedded reasoner and
 * real local sandbox, and reports accuracy per family. The expected values were computed
 * independently by test/corpus/compute_expected.py; see /work/notes/answer-spec.md for their meaning.
 *
 * Outcomes (correct / wrong / miss / undeclined) are defined in test/corpus/grading.ts.
 *
 * `CORPUS_ONLY=binomial,decline npx vitest run test/integration/corpus.test.ts` runs a subset while
 * working on one family; thresholds then apply to the families that ran.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKernel } from '../../src/index.js';
import type { ReasoningKernel } from '../../src/index.js';
import { type CorpusItem, expectsValue, loadCorpus } from '../corpus/corpus.js';
import { type FamilyRow, type Graded, formatReport, grade, tabulate } from '../corpus/grading.js';

/** Quality bar. The lead tunes these as the reasoner improves; never lower them to pass. */
const THRESHOLDS = {
  /** Fraction of all questions answered correctly (declines included). */
  overallAccuracy: 0.9,
  /** Fraction correct within each family (and within the declines). */
  familyAccuracy: 0.8,
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

function selectedItems(): CorpusItem[] {
  const all = loadCorpus();
  const only = process.env.CORPUS_ONLY?.split(',').map((s) => s.trim()).filter(Boolean);
  return only && only.length > 0 ? all.filter((item) => only.includes(item.family)) : all;
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
    rows = tabulate(graded);
    console.log(formatReport(rows, graded, performance.now() - started, CONCURRENCY));
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
    const all = rows.find((r) => r.family === 'ALL');
    expect(all?.accuracy ?? 0).toBeGreaterThanOrEqual(THRESHOLDS.overallAccuracy);
  });

  it(`answers at least ${100 * THRESHOLDS.familyAccuracy} % correctly in every family`, () => {
    const below = rows
      .filter((r) => r.family !== 'ALL' && r.accuracy < THRESHOLDS.familyAccuracy)
      .map((r) => `${r.family}: ${(100 * r.accuracy).toFixed(1)} % (${r.correct}/${r.total})`);
    expect(below).toEqual([]);
  });
});
