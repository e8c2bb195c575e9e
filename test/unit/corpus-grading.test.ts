/**
 * The corpus grader decides what counts as a confident wrong answer, so it is tested on its own with
 * hand-built results (real `ReasoningResult` values, no kernel).
 */
import { describe, expect, it } from 'vitest';
import type { ReasoningResult } from '../../src/kernel/contracts.js';
import type { CorpusItem } from '../corpus/corpus.js';
import { type Graded, formatReport, grade, tabulate, withinTolerance } from '../corpus/grading.js';

const coin: CorpusItem = {
  id: 'binomial-01',
  family: 'binomial',
  question: 'A coin is flipped 20 times with 14 heads observed',
  expect: { value: 0.6818181818, tolerance: 0.002, quantity: 'posterior mean of p, Beta(15, 7)' },
  data: { k: 14, n: 20, ask: 'mean' },
};

const coinInterval: CorpusItem = {
  ...coin,
  id: 'binomial-08',
  expect: { ...coin.expect, interval: [0.4782488818, 0.8541230577], intervalMass: 0.95, intervalTolerance: 0.002 },
  data: { k: 14, n: 20, ask: 'interval' },
};

const capital: CorpusItem = {
  id: 'decline-01',
  family: 'decline',
  question: 'What is the capital of France?',
  expect: { declined: true },
  data: { reason: 'not_probabilistic' },
};

/** A result as the kernel shapes it; `overrides` set what a case varies. */
function result(overrides: Partial<ReasoningResult>): ReasoningResult {
  return {
    id: 'run-1',
    query: 'q',
    success: true,
    overallConfidence: 0.9,
    estimates: [],
    stages: [],
    backend: { reasoning: 'embedded', sandbox: 'local' },
    durationMs: 12,
    createdAt: '2025-01-01T00:00:00.000Z',
    ...overrides,
  };
}

const answered = (value: number, interval?: [number, number]): ReasoningResult =>
  result({
    answer: { text: 't', value, quantity: 'posterior mean' },
    estimates: interval ? [{ name: 'p', description: 'd', mean: value, sd: 0.1, interval, intervalMass: 0.95 }] : [],
  });
const declined = result({ success: false, declined: { reason: 'not a probabilistic question' } });
const failed = result({
  success: false,
  stages: [{ name: 'infer', status: 'failed', durationMs: 3, confidence: 0, error: 'program exited 1' }],
});

describe('corpus grading', () => {
  it('accepts a value inside the tolerance and rejects one just outside', () => {
    expect(grade(coin, answered(0.6818)).outcome).toBe('correct');
    expect(grade(coin, answered(0.6838)).outcome).toBe('correct');
    expect(grade(coin, answered(0.6840)).outcome).toBe('wrong');
    expect(grade(coin, answered(0.9608)).outcome).toBe('wrong');
  });

  it('counts a non-finite answer and a success without an answer as wrong', () => {
    expect(grade(coin, answered(Number.NaN)).outcome).toBe('wrong');
    expect(grade(coin, result({})).outcome).toBe('wrong');
  });

  it('counts a decline or a failure on an answerable question as a miss, not a wrong answer', () => {
    expect(grade(coin, declined).outcome).toBe('miss');
    const graded = grade(coin, failed);
    expect(graded.outcome).toBe('miss');
    expect(graded.detail).toContain('program exited 1');
  });

  it('checks the credible interval when the item expects one', () => {
    expect(grade(coinInterval, answered(0.6818, [0.4782, 0.8541])).outcome).toBe('correct');
    expect(grade(coinInterval, answered(0.6818, [0.45, 0.8541])).outcome).toBe('wrong');
    expect(grade(coinInterval, answered(0.6818)).outcome).toBe('wrong');
  });

  it('requires declines to be declined: an answer is wrong, a bare failure is undeclined', () => {
    expect(grade(capital, declined).outcome).toBe('correct');
    expect(grade(capital, answered(0.5)).outcome).toBe('wrong');
    expect(grade(capital, failed).outcome).toBe('undeclined');
  });

  it('compares with a tolerance that is inclusive and scale-aware only in the last digits', () => {
    expect(withinTolerance(1.002, 1, 0.002)).toBe(true);
    expect(withinTolerance(1.00201, 1, 0.002)).toBe(false);
    expect(withinTolerance(Number.POSITIVE_INFINITY, 1, 10)).toBe(false);
  });

  it('tabulates accuracy per family with an ALL row and lists what was not correct', () => {
    const graded: Graded[] = [
      { item: coin, ...grade(coin, answered(0.6818)), durationMs: 10 },
      { item: coinInterval, ...grade(coinInterval, declined), durationMs: 10 },
      { item: capital, ...grade(capital, declined), durationMs: 5 },
    ];
    const rows = tabulate(graded);
    expect(rows.map((r) => r.family)).toEqual(['binomial', 'decline', 'ALL']);
    expect(rows[0]).toMatchObject({ total: 2, correct: 1, miss: 1, accuracy: 0.5 });
    expect(rows[1]).toMatchObject({ total: 1, correct: 1, accuracy: 1 });
    expect(rows[2]).toMatchObject({ total: 3, correct: 2, wrong: 0, miss: 1 });
    const text = formatReport(rows, graded, 1234, 4);
    expect(text).toContain('binomial-08');
    expect(text).not.toContain('binomial-01:');
    expect(text).toMatch(/ALL\s+3\s+2\s+0\s+1\s+0\s+66\.7 %/);
  });
});
