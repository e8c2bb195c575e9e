/**
 * Checks the question corpus itself (test/corpus/*.json): the quality bar is only as good as its
 * data. The values are written by test/corpus/compute_expected.py; this suite needs no Python.
 */
import { describe, expect, it } from 'vitest';
import {
  CORPUS_FAMILIES,
  type CorpusItem,
  DECLINE_REASONS,
  type ValueExpectation,
  expectsValue,
  loadCorpus,
} from '../corpus/corpus.js';

const MIN_TOTAL = 240;
const MIN_PER_FAMILY = 20;
const MIN_DECLINES = 40;
/** Each decline reason must be exercised by a few phrasings. */
const MIN_PER_DECLINE_REASON = 3;
/** Distinct data sets asked in several phrasings ("many phrasings of the same data"). */
const MIN_REPHRASED_DATA_SETS = 20;

const items = loadCorpus();
const valued = items.filter(expectsValue);
const data = (item: CorpusItem): Record<string, unknown> => item.data;

/** Whether an item's expected value is a probability (vs a rate, count, mean or difference). */
function isProbability(item: CorpusItem & { expect: ValueExpectation }): boolean {
  const ask = data(item).ask;
  switch (item.family) {
    case 'binomial':
    case 'bayes_rule':
    case 'categorical':
    case 'model_comparison':
      return true;
    case 'two_proportions':
      return ask === 'B>A' || ask === 'A>B';
    case 'poisson_rate':
      return ask !== 'rate' && ask !== 'count';
    case 'normal_mean':
      return ask === 'greater' || ask === 'less';
    case 'exponential':
      return ask === 'longer' || ask === 'shorter';
    default:
      return false;
  }
}

describe('question corpus integrity', () => {
  it(`holds at least ${MIN_TOTAL} questions with unique ids`, () => {
    expect(items.length).toBeGreaterThanOrEqual(MIN_TOTAL);
    const ids = items.map((i) => i.id);
    const duplicates = ids.filter((id, index) => ids.indexOf(id) !== index);
    expect(duplicates).toEqual([]);
  });

  it('gives every question a distinct text within its prior (no accidental duplicates)', () => {
    const keys = items.map((i) => `${i.prior ?? 'uniform'}|${i.question}`);
    const duplicates = keys.filter((k, index) => keys.indexOf(k) !== index);
    expect(duplicates).toEqual([]);
  });

  it.each(CORPUS_FAMILIES)(`has at least ${MIN_PER_FAMILY} questions for %s`, (family) => {
    expect(items.filter((i) => i.family === family).length).toBeGreaterThanOrEqual(MIN_PER_FAMILY);
  });

  it(`has at least ${MIN_DECLINES} declines, covering every reason`, () => {
    const declines = items.filter((i) => i.family === 'decline');
    expect(declines.length).toBeGreaterThanOrEqual(MIN_DECLINES);
    for (const item of declines) expect(item.expect, item.id).toEqual({ declined: true });
    const reasons = declines.map((i) => data(i).reason);
    for (const reason of reasons) expect(DECLINE_REASONS as readonly unknown[]).toContain(reason);
    for (const reason of DECLINE_REASONS.filter((r) => r !== 'zero_exposure')) {
      expect(reasons.filter((r) => r === reason).length, reason).toBeGreaterThanOrEqual(MIN_PER_DECLINE_REASON);
    }
  });

  it('expects a value for every non-decline question and a decline only for declines', () => {
    for (const item of items) expect(expectsValue(item), item.id).toBe(item.family !== 'decline');
  });

  it('gives every expected value a finite value and a positive, finite tolerance', () => {
    for (const item of valued) {
      expect(Number.isFinite(item.expect.value), item.id).toBe(true);
      expect(Number.isFinite(item.expect.tolerance), item.id).toBe(true);
      expect(item.expect.tolerance, item.id).toBeGreaterThan(0);
      expect(item.expect.quantity.length, item.id).toBeGreaterThan(0);
    }
  });

  it('keeps probabilities in [0, 1] and differences of proportions in [-1, 1]', () => {
    for (const item of valued) {
      if (isProbability(item)) {
        expect(item.expect.value, item.id).toBeGreaterThanOrEqual(0);
        expect(item.expect.value, item.id).toBeLessThanOrEqual(1);
      } else if (item.family === 'two_proportions') {
        expect(Math.abs(item.expect.value), item.id).toBeLessThanOrEqual(1);
      } else if (item.family !== 'normal_mean') {
        // Rates, counts and lifetimes are positive.
        expect(item.expect.value, item.id).toBeGreaterThan(0);
      }
    }
  });

  it('uses the agreed tolerances: 0.002 exact, 0.01 Monte Carlo, 0.5 % relative for rates and means', () => {
    for (const item of valued) {
      const { value, tolerance } = item.expect;
      if (item.family === 'two_proportions') expect(tolerance, item.id).toBeCloseTo(0.01, 12);
      else if (isProbability(item)) expect(tolerance, item.id).toBeCloseTo(0.002, 12);
      else expect(tolerance, item.id).toBeCloseTo(Math.max(0.005 * Math.abs(value), 1e-6), 9);
    }
  });

  it('gives interval questions an ordered interval around the expected value', () => {
    const withInterval = valued.filter((i) => i.expect.interval !== undefined);
    expect(withInterval.length).toBeGreaterThan(0);
    for (const item of withInterval) {
      const [lo, hi] = item.expect.interval ?? [Number.NaN, Number.NaN];
      expect(lo, item.id).toBeLessThan(item.expect.value);
      expect(hi, item.id).toBeGreaterThan(item.expect.value);
      expect(item.expect.intervalMass, item.id).toBe(0.95);
      expect(item.expect.intervalTolerance ?? 0, item.id).toBeGreaterThan(0);
    }
  });

  it('keeps the data of answerable questions consistent', () => {
    for (const item of valued) {
      const d = data(item);
      const nonNegInt = (v: unknown): boolean => Number.isInteger(v) && (v as number) >= 0;
      if (item.family === 'binomial' || item.family === 'model_comparison') {
        expect(nonNegInt(d.k) && nonNegInt(d.n) && (d.k as number) <= (d.n as number), item.id).toBe(true);
      } else if (item.family === 'two_proportions') {
        expect(nonNegInt(d.kA) && (d.kA as number) <= (d.nA as number), item.id).toBe(true);
        expect(nonNegInt(d.kB) && (d.kB as number) <= (d.nB as number), item.id).toBe(true);
      } else if (item.family === 'poisson_rate') {
        expect(nonNegInt(d.k) && (d.exposure as number) > 0, item.id).toBe(true);
      } else if (item.family === 'normal_mean') {
        expect((d.values as number[]).length, item.id).toBeGreaterThanOrEqual(2);
      } else if (item.family === 'categorical') {
        expect((d.counts as number[]).every(nonNegInt), item.id).toBe(true);
      } else if (item.family === 'bayes_rule') {
        for (const key of ['prevalence', 'sensitivity', 'fpr']) {
          expect(d[key] as number, `${item.id}.${key}`).toBeGreaterThanOrEqual(0);
          expect(d[key] as number, `${item.id}.${key}`).toBeLessThanOrEqual(1);
        }
      }
    }
  });

  it('contains the reference coin question and its variants with the reference values', () => {
    const coin = 'A coin is flipped 20 times with 14 heads observed';
    const plain = items.find((i) => i.question === coin && (i.prior ?? 'uniform') === 'uniform');
    expect(plain && expectsValue(plain) ? plain.expect.value : Number.NaN).toBeCloseTo(0.6818, 4);
    const above = valued.find((i) => i.question.startsWith(coin) && data(i).ask === 'greater' && data(i).x === 0.5);
    expect(above?.expect.value ?? Number.NaN).toBeCloseTo(0.9608, 4);
    const next = valued.find((i) => i.question.startsWith(coin) && data(i).ask === 'next' && data(i).k === 14);
    expect(next?.expect.value ?? Number.NaN).toBeCloseTo(0.6818, 4);
    const interval = valued.find((i) => i.question.startsWith(coin) && data(i).ask === 'interval');
    expect(interval?.expect.interval?.[0] ?? Number.NaN).toBeCloseTo(0.4782, 4);
    expect(interval?.expect.interval?.[1] ?? Number.NaN).toBeCloseTo(0.8541, 4);
  });

  it(`asks at least ${MIN_REPHRASED_DATA_SETS} data sets in several phrasings`, () => {
    // Same numbers (ignoring what is asked about them) in more than one question text.
    const askKeys = new Set(['ask', 'x', 'c', 'per', 't', 'tUnit', 'window', 'windowUnit', 'index', 'indices', 'result', 'target']);
    const phrasings = new Map<string, Set<string>>();
    for (const item of valued) {
      const numbers = Object.entries(data(item)).filter(([key]) => !askKeys.has(key));
      const key = `${item.family}|${JSON.stringify(numbers)}`;
      phrasings.set(key, (phrasings.get(key) ?? new Set()).add(item.question));
    }
    const rephrased = [...phrasings.values()].filter((questions) => questions.size >= 2).length;
    expect(rephrased).toBeGreaterThanOrEqual(MIN_REPHRASED_DATA_SETS);
  });

  it('uses the Jeffreys prior on some questions of every family it applies to', () => {
    for (const family of ['binomial', 'two_proportions', 'poisson_rate', 'categorical', 'exponential', 'model_comparison']) {
      expect(items.some((i) => i.family === family && i.prior === 'jeffreys'), family).toBe(true);
    }
  });
});
