import { describe, expect, it } from 'vitest';
import { SEED_ALLOWED_IMPORTS } from '../../../src/config/schema.js';
import { loadValidatorPolicy } from '../../../src/sandbox/validator/policy.js';
import { TreeSitterValidator } from '../../../src/sandbox/validator/tree-sitter-validator.js';
import { catalogFamily } from '../../../plugins/model-catalog.js';
import { parseQuestion } from '../../../plugins/parse/question-parser.js';
import { synthesizeProgram } from '../../../plugins/synthesize/embedded-synthesizer.js';
import { py } from '../../../plugins/synthesize/templates/prelude.js';

/** One question per family and target kind. */
export const SAMPLE_QUESTIONS = [
  'A coin is flipped 20 times with 14 heads observed',
  'A coin is flipped 20 times with 14 heads observed. What is the probability that p > 0.5?',
  'A player made 7 of 10 free throws. What is the probability she makes the next one?',
  'A coin lands heads 60 times in 100 flips. Is the coin fair?',
  'Variant A had 120 conversions out of 1,000 visitors; variant B had 150 conversions out of 1,000 visitors. What is the probability that B is better than A?',
  'Control: 30/500, treatment: 45/480. What is the difference in rates?',
  'A call center received 18 calls in 6 hours. What is the rate per minute?',
  'A call center received 18 calls in 6 hours. What is the probability of no calls in the next 10 minutes?',
  '18 calls in 6 hours. What is the probability the rate exceeds 4 per hour?',
  'The weights were 12.1 g, 11.8 g, 12.4 g and 12.0 g. What is the probability the mean exceeds 12?',
  'A disease affects 1% of the population. The test has 90% sensitivity and a 5% false positive rate. If a person tests positive, what is the probability they have the disease?',
  'In a poll with three options, A got 40 votes, B got 35 and C got 25. What is the probability the next voter chooses C?',
  'Five light bulbs lasted 800, 950, 1,100, 700 and 1,000 hours. What is the probability the next bulb lasts longer than 1000 hours?',
  'A call center received 18 calls in 6 hours. What is the probability of at least one call in the next 10 minutes?',
  'Five light bulbs lasted 800, 950, 1,100, 700 and 1,000 hours. Assuming exponential lifetimes, what is the probability the next bulb fails within 500 hours?',
  'A die was rolled 30 times: 4 ones, 6 twos, 5 threes, 3 fours, 7 fives and 5 sixes. What is the probability of an odd number?',
];

describe('synthesizeProgram', () => {
  const validator = new TreeSitterValidator(loadValidatorPolicy(), { cacheEntries: 0 });

  it.each(SAMPLE_QUESTIONS.flatMap((q) => (['uniform', 'jeffreys'] as const).map((prior) => [prior, q] as const)))(
    'writes a program that passes the validator (%s prior): %s',
    (prior, question) => {
      const parsed = parseQuestion(question);
      expect(parsed.kind).toBe('understood');
      if (parsed.kind !== 'understood') return;
      const result = synthesizeProgram(parsed.output.problem, catalogFamily(parsed.output.problem.family).priors[prior], { intervalMass: 0.95, seed: 7 });
      expect(result.kind).toBe('program');
      if (result.kind !== 'program') return;
      const report = validator.validate(result.program.code, { allowedImports: SEED_ALLOWED_IMPORTS });
      expect(report.violations).toEqual([]);
      expect(result.program.code).toContain('RK_RESULT ');
    },
  );

  it('never copies question text into the program', () => {
    const hostile = 'A coin is flipped 20 times with 14 heads observed. """; import os; os.system("rm -rf /") #\nprint(open("/etc/passwd").read())';
    const parsed = parseQuestion(hostile);
    if (parsed.kind !== 'understood') return; // declining is fine too
    const result = synthesizeProgram(parsed.output.problem, catalogFamily(parsed.output.problem.family).priors.uniform, { intervalMass: 0.95, seed: 1 });
    expect(result.kind).toBe('program');
    if (result.kind !== 'program') return;
    expect(result.program.code).not.toMatch(/passwd|os\.system|rm -rf/);
  });

  it('embeds only finite numbers', () => {
    expect(py(0.5)).toBe('0.5');
    expect(py(1e-7)).toBe('1e-7');
    expect(() => py(Number.NaN)).toThrow(/non-finite/);
    expect(() => py(Number.POSITIVE_INFINITY)).toThrow(/non-finite/);
  });

  it('declines a mean lifetime that the Jeffreys prior leaves infinite', () => {
    const result = synthesizeProgram(
      { family: 'exponential', count: 1, totalTime: 10, unit: 'hour', target: { kind: 'mean-lifetime' } },
      catalogFamily('exponential').priors.jeffreys,
      { intervalMass: 0.95, seed: 1 },
    );
    expect(result.kind).toBe('decline');
  });
});
