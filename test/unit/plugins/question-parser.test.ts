import { describe, expect, it } from 'vitest';
import { parseQuestion } from '../../../plugins/parse/question-parser.js';
import type { Problem } from '../../../plugins/problem.js';

function problemOf(question: string): Problem {
  const result = parseQuestion(question);
  if (result.kind !== 'understood') throw new Error(`declined: ${result.reason}`);
  return result.output.problem;
}

function declineOf(question: string): string {
  const result = parseQuestion(question);
  if (result.kind !== 'declined') throw new Error(`answered: ${JSON.stringify(result.output.problem)}`);
  return result.reason;
}

describe('parseQuestion', () => {
  describe('binomial', () => {
    it.each([
      'A coin is flipped 20 times with 14 heads observed',
      'A coin was flipped twenty times and landed heads fourteen times. What is the probability of heads?',
      'We saw 14 heads in 20 flips.',
      '14 heads and 6 tails. Estimate the probability of heads.',
      'Hey, quick one: my coin came up heads 14 times out of 20 flips. Probability of heads?',
      'Out of 20 tosses, 6 were tails. What is the probability of heads?',
    ])('reads k = 14 of n = 20 from %j', (q) => {
      expect(problemOf(q)).toMatchObject({ family: 'binomial', successes: 14, trials: 20 });
    });

    it('uses the complement when the data count the other outcome', () => {
      expect(problemOf('11 tails out of 30 tosses. What is the probability of heads?')).toMatchObject({ successes: 19, trials: 30, successLabel: 'heads' });
      expect(problemOf('She has taken fifty free throws and missed thirteen of them. What is the chance that her true free-throw percentage is above 70%?')).toMatchObject({
        successes: 37,
        trials: 50,
        target: { kind: 'prob-p', comparison: 'greater', threshold: 0.7 },
      });
    });

    it('reads percentages, thousands separators and thresholds', () => {
      expect(problemOf('In a survey of 1,204 people, 640 said yes. What is the probability that the true proportion is above 50%?')).toMatchObject({
        successes: 640,
        trials: 1204,
        target: { kind: 'prob-p', comparison: 'greater', threshold: 0.5 },
      });
      expect(problemOf('Out of 400 respondents, 12.5% said yes. Estimate the rate.')).toMatchObject({ successes: 50, trials: 400 });
      expect(problemOf('In a survey of 400 voters, 212 said they support it. What is the probability that a majority support it?')).toMatchObject({
        target: { kind: 'prob-p', comparison: 'greater', threshold: 0.5 },
      });
      expect(problemOf('A coin gave 14 heads in 20 flips. What is the probability that p is less than 0.4?')).toMatchObject({
        target: { kind: 'prob-p', comparison: 'less', threshold: 0.4 },
      });
    });

    it('recognises the next-trial and interval questions', () => {
      expect(problemOf('A player made 7 of 10 free throws. What is the probability she makes the next one?')).toMatchObject({ target: { kind: 'predictive' } });
      expect(problemOf('We saw 14 heads and 6 tails. Give a 90% credible interval for p.')).toMatchObject({ target: { kind: 'interval' } });
      const r = parseQuestion('We saw 14 heads and 6 tails. Give a 90% credible interval for p.');
      expect(r.kind === 'understood' && r.output.requestedIntervalMass).toBe(0.9);
    });

    it('corrects typos and says so', () => {
      const r = parseQuestion('A coin was fliped 20 times with 14 heads. What is the probabilty of heads?');
      expect(r.kind).toBe('understood');
      if (r.kind !== 'understood') return;
      expect(r.output.corrections.map((c) => c.to)).toEqual(expect.arrayContaining(['flipped', 'probability']));
      expect(r.confidence).toBeLessThan(1);
    });

    it('ignores a distractor sentence and lowers the confidence', () => {
      const r = parseQuestion('I have 3 cats. A coin is flipped 20 times with 14 heads. What is the probability that p > 0.5?');
      expect(r.kind).toBe('understood');
      if (r.kind !== 'understood') return;
      expect(r.output.problem).toMatchObject({ successes: 14, trials: 20 });
      expect(r.output.quantities).toContainEqual(expect.objectContaining({ text: '3', role: 'ignored distractor' }));
      expect(r.confidence).toBeLessThan(1);
      expect(r.confidence).toBeGreaterThan(0.8);
    });

    it('gives full confidence to a clean question, and less when no question is asked', () => {
      const asked = parseQuestion('A coin is flipped 20 times with 14 heads observed. What is the probability of heads?');
      expect(asked.kind === 'understood' && asked.confidence).toBe(1);
      const bare = parseQuestion('A coin is flipped 20 times with 14 heads observed');
      expect(bare.kind === 'understood' && bare.confidence).toBeCloseTo(0.95, 10);
    });
  });

  describe('two proportions', () => {
    it('defaults to P(p_B > p_A) and reverses for "is A better than B"', () => {
      const base = 'Variant A had 120 conversions out of 1,000 visitors; variant B had 150 conversions out of 1,000 visitors.';
      expect(problemOf(`${base} What is the probability that B is better than A?`)).toMatchObject({
        family: 'two-proportions',
        groups: [{ successes: 120, trials: 1000 }, { successes: 150, trials: 1000 }],
        target: { kind: 'prob-greater', first: 1, second: 0 },
      });
      expect(problemOf(`${base} Is A better than B?`)).toMatchObject({ target: { kind: 'prob-greater', first: 0, second: 1 } });
      expect(problemOf(`${base} Is B worse than A?`)).toMatchObject({ target: { kind: 'prob-greater', first: 0, second: 1 } });
    });

    it('reads differences as phrased', () => {
      expect(problemOf('Control: 30/500, treatment: 45/480. What is the difference in rates?')).toMatchObject({ target: { kind: 'difference', minuend: 1, subtrahend: 0 } });
      expect(problemOf('In an A/B test, variant A converted 120 of 1,000 visitors and variant B converted 145 of 1,000. What is the expected difference, B minus A?')).toMatchObject({
        target: { kind: 'difference', minuend: 1, subtrahend: 0 },
      });
    });

    it('reads percentages of group sizes', () => {
      expect(problemOf('Email campaign A went to 2,000 recipients and 5% of them clicked. Campaign B went to 1,500 recipients and 6.2% clicked. What is the probability that campaign B has the higher click rate?')).toMatchObject({
        groups: [{ successes: 100, trials: 2000 }, { successes: 93, trials: 1500 }],
      });
    });
  });

  describe('poisson', () => {
    it('converts the exposure to the asked unit', () => {
      expect(problemOf('A call center received 18 calls in 6 hours. What is the rate per minute?')).toMatchObject({
        family: 'poisson',
        events: 18,
        exposure: 360,
        unit: 'minute',
        target: { kind: 'rate', window: 1 },
      });
    });
    it('reads windows, thresholds and "no event"', () => {
      expect(problemOf('We got 18 calls over 6 hours. How many calls do we expect in the next 2 hours?')).toMatchObject({ exposure: 6, target: { kind: 'rate', window: 2 } });
      expect(problemOf('18 calls in 6 hours. What is the probability the rate exceeds 4 per hour?')).toMatchObject({ target: { kind: 'prob-rate', comparison: 'greater', threshold: 4 } });
      expect(problemOf('A call center received 18 calls in 6 hours. What is the probability of no calls in the next 10 minutes?')).toMatchObject({
        exposure: 360,
        target: { kind: 'prob-none', window: 10 },
      });
    });
  });

  describe('normal mean, Bayes, categorical, exponential, model comparison', () => {
    it('reads listed measurements and a threshold', () => {
      expect(problemOf('The weights were 12.1 g, 11.8 g, 12.4 g and 12.0 g. What is the probability the mean exceeds 12?')).toMatchObject({
        family: 'normal-mean',
        values: [12.1, 11.8, 12.4, 12],
        target: { kind: 'prob-mean', comparison: 'greater', threshold: 12 },
      });
    });
    it('gives each rate its role in Bayes questions', () => {
      expect(problemOf('A disease affects 1% of the population. The test has 90% sensitivity and a 5% false positive rate. If a person tests positive, what is the probability they have the disease?')).toMatchObject({
        family: 'bayes-rule',
        prevalence: 0.01,
        sensitivity: 0.9,
        result: 'positive',
      });
      const p = problemOf('The prevalence is 2%, sensitivity 95%, specificity 90%. A patient tests negative. What is the probability they have the disease?');
      expect(p).toMatchObject({ prevalence: 0.02, sensitivity: 0.95, result: 'negative' });
      expect(p.family === 'bayes-rule' && p.falsePositiveRate).toBeCloseTo(0.1, 12);
      expect(problemOf('85% of the cabs are green and 15% are blue. A witness says the cab was blue. The witness is 80% reliable. What is the probability the cab was blue?')).toMatchObject({
        prevalence: 0.15,
        sensitivity: 0.8,
      });
      expect(problemOf('1 in 1,000 people have the condition. The test has a true positive rate of 99% and a false positive rate of 2%. Given a positive test, what is the probability of having the condition?')).toMatchObject({
        prevalence: 0.001,
      });
    });
    it('reads category counts with K from the object', () => {
      expect(problemOf('A die is rolled 60 times and we see 12 sixes. What is the probability of rolling a six?')).toMatchObject({ family: 'categorical', categoryCount: 6, total: 60, askedCount: 12 });
      expect(problemOf('In a poll with three options, A got 40 votes, B got 35 and C got 25. What is the probability the next voter chooses C?')).toMatchObject({
        categoryCount: 3,
        total: 100,
        askedCount: 25,
      });
      expect(problemOf('Among 80 pets registered at a vet: 38 dogs, 30 cats and 12 rabbits. What is the probability that the next registered pet is a cat?')).toMatchObject({
        categoryCount: 3,
        total: 80,
        askedCount: 30,
      });
    });
    it('reads lifetimes and converts units', () => {
      expect(problemOf('Five light bulbs lasted 800, 950, 1,100, 700 and 1,000 hours. What is the mean lifetime?')).toMatchObject({ family: 'exponential', count: 5, totalTime: 4550, target: { kind: 'mean-lifetime' } });
      expect(problemOf('10 components failed after a total of 5,000 hours. What is the failure rate per day?')).toMatchObject({ count: 10, unit: 'day' });
    });
    it('names the hypothesis the question asks about', () => {
      expect(problemOf('A coin lands heads 60 times in 100 flips. Is the coin fair?')).toMatchObject({ family: 'model-comparison', successes: 60, trials: 100, hypothesis: 'fair' });
      expect(problemOf("A coin showed 12 heads in 30 tosses. Comparing 'fair' against 'biased', what is the posterior probability that it is biased?")).toMatchObject({ hypothesis: 'biased' });
    });
  });

  describe('declines', () => {
    it.each([
      ['What is the capital of France?', /not a probabilistic/],
      ['A coin was flipped some times, what is p?', /missing/i],
      ['A coin was flipped 10 times and landed heads 14 times.', /more successes/],
      ['A coin was flipped 10 times with -3 heads.', /negative/],
      ['In a survey, 120% of people said yes out of 50.', /above 100/],
      ['In a poll of 100 respondents, 50 chose A, 30 chose B and 40 chose C. What is the probability that the next respondent chooses C?', /add up/],
      ['Variant A converted 120 of 1,000 visitors. What is the probability that variant B is better?', /both groups/],
      ['Five bulbs lasted 800, 950 and 1,100 hours. What is the mean lifetime?', /do not add up/],
    ])('declines %j', (q, reason) => {
      expect(declineOf(q)).toMatch(reason);
    });

    it('declines rather than guess when a number beside the data is unexplained', () => {
      expect(declineOf('Machine 1 made 400 parts with 8 defects and 3 jams, 2 stops. What is the defect rate?')).toMatch(/could not account/);
    });
  });
});
