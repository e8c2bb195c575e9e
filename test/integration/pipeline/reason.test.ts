/** `reason()` through the real kernel: embedded reasoner, real local sandbox, memory state. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKernel, type ReasoningKernel } from '../../../src/index.js';

describe('reason() with the embedded reasoner', () => {
  let kernel: ReasoningKernel;

  beforeAll(async () => {
    kernel = await createKernel({ env: { RK_PYTHON: process.env.RK_PYTHON ?? 'python3' }, config: { log: { level: 'silent' } } });
  });

  afterAll(async () => {
    await kernel?.close();
  });

  it('answers the coin question with Beta(15, 7)', async () => {
    const result = await kernel.reason('A coin is flipped 20 times with 14 heads observed');
    expect(result.success).toBe(true);
    expect(result.answer?.value).toBeCloseTo(0.6818, 4);
    const p = result.estimates.find((e) => e.name === 'p')!;
    expect(p.interval[0]).toBeCloseTo(0.478, 3);
    expect(p.interval[1]).toBeCloseTo(0.854, 3);
    expect(result.estimates.find((e) => e.name === 'P(p > 0.5)')?.mean).toBeCloseTo(0.961, 3);
    expect(result.stages.map((s) => [s.name, s.status])).toEqual([
      ['parse', 'completed'],
      ['retrieve', 'completed'],
      ['graph', 'completed'],
      ['synthesize', 'completed'],
      ['infer', 'completed'],
    ]);
    expect(result.program?.code).toContain('RK_RESULT');
    expect(result.backend.reasoning).toBe('embedded');
    expect(result.overallConfidence).toBeGreaterThan(0.9);
  }, 60_000);

  it('answers P(p > 0.5) when asked, and uses the Jeffreys prior when told', async () => {
    const asked = await kernel.reason('A coin is flipped 20 times with 14 heads observed. What is the probability that p > 0.5?');
    expect(asked.answer?.value).toBeCloseTo(0.9608, 3);
    const jeffreys = await kernel.reason('A coin is flipped 20 times with 14 heads observed', { prior: 'jeffreys' });
    expect(jeffreys.answer?.value).toBeCloseTo(14.5 / 21, 4);
    expect(jeffreys.answer?.text).toMatch(/Jeffreys/);
  }, 60_000);

  it('lowers the confidence for a distractor and a typo', async () => {
    const clean = await kernel.reason('A coin is flipped 20 times with 14 heads observed');
    const messy = await kernel.reason('I have 3 cats. A coin was fliped 20 times with 14 heads observed.');
    expect(messy.answer?.value).toBeCloseTo(clean.answer!.value, 9);
    expect(messy.overallConfidence).toBeLessThan(clean.overallConfidence);
  }, 60_000);

  it.each([
    ['What is the capital of France?', /not a probabilistic/],
    ['A coin was flipped 10 times and landed heads 14 times.', /more successes/],
  ])('declines %j', async (question, reason) => {
    const result = await kernel.reason(question);
    expect(result.success).toBe(false);
    expect(result.answer).toBeUndefined();
    expect(result.declined?.reason).toMatch(reason);
  }, 60_000);
});
