import { describe, expect, it } from 'vitest';
import { declineOf, problemOf } from '../../helpers/parse-question.js';


describe('parseQuestion: the bias as a parameter', () => {
  it.each([
    'Out of 20 coin flips, 14 came up heads. Estimate the bias of the coin.',
    'Out of 20 tosses, 14 turned out heads. What is the bias of the coin?',
    'Of 20 flips, 14 were heads. Estimate the coin\'s bias.',
    'My coin landed heads 14 times in 20 tosses. What is its true bias?',
    'Out of 20 coin flips, 6 came up tails. Estimate the bias of the coin towards heads.',
  ])('reads %j as the posterior mean of p(heads) with k = 14, n = 20', (q) => {
    expect(problemOf(q)).toMatchObject({ family: 'binomial', successes: 14, trials: 20, successLabel: 'heads', target: { kind: 'mean' } });
  });

  it('takes the bias of the outcome named in the data, for other trial nouns', () => {
    expect(problemOf('Out of 30 spins, 12 turned out red. Estimate the bias of the spinner.')).toMatchObject({ successes: 12, trials: 30, target: { kind: 'mean' } });
    expect(problemOf('Out of 50 rolls of a trick coin, 35 came up tails. Estimate the bias.')).toMatchObject({ successes: 35, trials: 50, successLabel: 'tails' });
  });

  it('keeps a threshold on the bias as P(p > x)', () => {
    expect(problemOf('A coin landed heads 14 times in 20 flips. What is the probability that the bias is above 0.6?')).toMatchObject({
      family: 'binomial',
      target: { kind: 'prob-p', comparison: 'greater', threshold: 0.6 },
    });
  });

  it('still reads "is it biased?" as the model comparison', () => {
    expect(problemOf('A coin gave 14 heads in 20 flips. Is the coin biased?')).toMatchObject({ family: 'model-comparison', hypothesis: 'biased' });
    expect(problemOf('A coin gave 14 heads in 20 flips. What is the probability that the coin is fair?')).toMatchObject({ family: 'model-comparison', hypothesis: 'fair' });
  });
});

describe('parseQuestion: "favors heads" is P(p > 0.5)', () => {
  it.each([
    'We observed 14 heads in 20 tosses. What is the probability that the coin favors heads?',
    'We observed 14 heads in 20 tosses. What is the probability that the coin is biased towards heads?',
    'A coin came up heads 14 times out of 20 flips. How likely is it that it is more likely to land heads than tails?',
    'Out of 20 tosses, 6 came up tails. What is the chance that the coin favours heads?',
    'We saw 14 heads and 6 tails. What is the probability the coin prefers heads?',
  ])('%j', (q) => {
    const problem = problemOf(q);
    expect(problem).toMatchObject({ family: 'binomial', trials: 20, target: { kind: 'prob-p', threshold: 0.5 } });
    if (problem.family !== 'binomial' || problem.target.kind !== 'prob-p') throw new Error('not a threshold question');
    // P(p_heads > 0.5), whichever outcome the parser counts.
    const headsGreater = problem.successLabel === 'heads' ? problem.target.comparison === 'greater' && problem.successes === 14 : problem.target.comparison === 'less' && problem.successes === 6;
    expect(headsGreater).toBe(true);
  });

  it('reads "favors tails" and "less likely to land heads" as P(p_heads < 0.5)', () => {
    for (const q of [
      'We observed 14 heads in 20 tosses. What is the probability that the coin favors tails?',
      'We observed 14 heads in 20 tosses. What is the probability that the coin is less likely to land heads than tails?',
    ]) {
      const problem = problemOf(q);
      if (problem.family !== 'binomial' || problem.target.kind !== 'prob-p') throw new Error(`not a threshold question: ${q}`);
      const pHeadsLess = problem.successLabel === 'heads' ? problem.target.comparison === 'less' : problem.target.comparison === 'greater' && problem.successes === 6;
      expect(pHeadsLess).toBe(true);
    }
  });

  it('declines a favoured outcome that the data do not count', () => {
    expect(declineOf('A die-shaped spinner landed on red 14 times in 20 spins. What is the probability that it favors the house?')).toMatch(/favoured|house/);
  });
});

describe('parseQuestion: two groups without a comparison', () => {
  it.each([
    'Store one sold 30 of 100 units and store two sold 45 of 120 units. Estimate the sell-through rate.',
    'Variant A converted 120 of 1000 visitors and variant B converted 145 of 1000 visitors. What is the conversion rate?',
    'Clinic North cured 88 of 110 patients; Clinic South cured 95 of 130 patients. What is the cure rate?',
    '60 of 800 users upgraded with the old flow and 84 of 790 with the new flow. Estimate the upgrade rate.',
  ])('declines %j as ambiguous', (q) => {
    expect(declineOf(q)).toMatch(/two groups/);
  });

  it.each([
    ['Store one sold 30 of 100 units and store two sold 45 of 120 units. What is the sell-through rate of store two?', 45, 120],
    ['Variant A converted 120 of 1000 visitors and variant B converted 145 of 1000 visitors. Estimate the conversion rate of variant B.', 145, 1000],
    ['Ward A: 14 of 90 patients readmitted. Ward B: 9 of 85 patients readmitted. What is the readmission rate of ward A?', 14, 90],
  ] as const)('answers %j with the named group\'s own rate', (q, successes, trials) => {
    expect(problemOf(q)).toMatchObject({ family: 'binomial', successes, trials, target: { kind: 'mean' } });
  });

  it.each([
    ['Store one sold 30 of 100 units and store two sold 45 of 120 units. Which store has the higher sell-through rate?', { kind: 'prob-greater', first: 1, second: 0 }],
    ['Store one sold 30 of 100 units and store two sold 45 of 120 units. Is store one better?', { kind: 'prob-greater', first: 0, second: 1 }],
    ['Variant A converted 120 of 1000 visitors and variant B converted 145 of 1000 visitors. What is the difference in conversion rate?', { kind: 'difference' }],
    ['Variant A converted 120 of 1000 visitors and variant B converted 145 of 1000 visitors.', { kind: 'prob-greater', first: 1, second: 0 }],
  ] as const)('still compares when asked to: %j', (q, target) => {
    expect(problemOf(q)).toMatchObject({ family: 'two-proportions', target });
  });
});
