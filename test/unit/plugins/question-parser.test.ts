import { describe, expect, it } from 'vitest';
import { parseQuestion } from '../../../plugins/parse/question-parser.js';
import { declineOf, problemOf } from '../../helpers/parse-question.js';


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

  describe('patterns found by the held-out corpus (phrasings not in the corpus)', () => {
    it('keeps prefixed and inflected words instead of "correcting" them into their opposite', () => {
      expect(problemOf('Out of 40 flips a coin gave 26 heads. What is the probability that the coin is unbiased?')).toMatchObject({ family: 'model-comparison', hypothesis: 'fair' });
      const r = parseQuestion('The kiln averaged 3 cracks per day over 10 days. What is the expected number of cracks per day?');
      expect(r.kind === 'understood' && r.output.corrections).toEqual([]);
    });

    it('never answers a fair-or-biased question with the posterior mean of p', () => {
      expect(problemOf('My coin showed heads 31 times out of 45. How likely is it that the coin is loaded?')).toMatchObject({ family: 'model-comparison', hypothesis: 'biased' });
    });

    it('reads a rate over an exposure as rate x exposure events ("averaged 5 per hour over 12 hours")', () => {
      expect(problemOf('The hotline averaged 5 calls per hour over 12 hours. What is the expected number of calls per hour?')).toMatchObject({ family: 'poisson', events: 60, exposure: 12, unit: 'hour' });
      expect(declineOf('The hotline averaged 2.5 calls per hour over 3 hours. What is the call rate per hour?')).toMatch(/not a whole number/);
    });

    it('takes one unit of exposure from "last year", "in the past week", "in a month"', () => {
      expect(problemOf('The bridge needed repairs 6 times in the past year. What is the expected number of repairs per month?')).toMatchObject({ family: 'poisson', events: 6, exposure: 12, unit: 'month' });
      expect(problemOf('Our team shipped 9 releases in a month. What is the release rate per month?')).toMatchObject({ events: 9, exposure: 1 });
    });

    it('answers "at least one event in the next window" as its own quantity', () => {
      expect(problemOf('A help desk gets 30 tickets in 5 days. What is the probability of at least one ticket in the next 4 hours?')).toMatchObject({
        family: 'poisson',
        events: 30,
        exposure: 120,
        unit: 'hour',
        target: { kind: 'prob-at-least-one', window: 4 },
      });
    });

    it('answers "fails within / before t" for exponential durations, and reads an average duration times a count', () => {
      expect(problemOf('Assuming exponential lifetimes, what is the chance that the next fan fails within 300 hours? Four fans lasted 900, 1,100, 700 and 1,300 hours.')).toMatchObject({
        family: 'exponential',
        count: 4,
        totalTime: 4000,
        target: { kind: 'prob-shorter', duration: 300 },
      });
      expect(problemOf('Six pumps had an average lifetime of 250 days. Assuming exponential lifetimes, what is the probability that the next pump lasts less than 100 days?')).toMatchObject({
        count: 6,
        totalTime: 1500,
        target: { kind: 'prob-shorter', duration: 100 },
      });
      expect(problemOf('Five waits added up to 40 minutes. Assuming exponential waits, what is the mean wait?')).toMatchObject({ count: 5, totalTime: 40, target: { kind: 'mean-lifetime' } });
    });

    it('answers several die faces at once: parity, comparisons, complements, "x or y"', () => {
      const rolls = 'A die was rolled 60 times: 8 ones, 12 twos, 10 threes, 9 fours, 11 fives and 10 sixes.';
      expect(problemOf(`${rolls} What is the probability of an even number?`)).toMatchObject({ family: 'categorical', askedCount: 31, askedCategories: 3 });
      expect(problemOf(`${rolls} What is the probability of rolling at least 5?`)).toMatchObject({ askedCount: 21, askedCategories: 2 });
      expect(problemOf(`${rolls} What is the probability that the next roll is not a 1?`)).toMatchObject({ askedCount: 52, askedCategories: 5 });
      expect(problemOf(`${rolls} What is the probability of a 2 or a 3?`)).toMatchObject({ askedCount: 22, askedCategories: 2 });
      expect(problemOf('In 20 rolls of a die we saw three 1s, four 2s, two 3s, five 4s, three 5s and three 6s. What is the probability of a number below 3?')).toMatchObject({ askedCount: 7, askedCategories: 2 });
      expect(declineOf(`${rolls} What is the probability of rolling less than 1?`)).toMatch(/no face/);
    });

    it('reads "out of N trials, k <outcome>" when the question names the outcome', () => {
      expect(problemOf('Out of 120 loans issued, 18 defaulted. What is the probability that the default rate is below 20%?')).toMatchObject({ family: 'binomial', successes: 18, trials: 120 });
    });

    it('recognises the complement of a condition written as "<condition>-free"', () => {
      expect(problemOf('A condition has 10% prevalence; the test has 80% sensitivity and 90% specificity. After a negative test, what is the probability that the patient is condition-free?')).toMatchObject({ family: 'bayes-rule', result: 'negative', complement: true });
    });

    it('declines instead of ignoring numbers: in the question sentence, or in a clause joined by ";"', () => {
      expect(declineOf('Exponential lifetimes: what is the probability that a pump breaks in fewer than 2 weeks or after 9 weeks? Pumps lasted 3, 5 and 8 weeks.')).toMatch(/account for/);
      expect(declineOf('Of 200 drivers, 30 had an accident; of 250 cyclists, 20 did. What is the probability that drivers have a higher accident rate?')).toMatch(/account for|two groups|both groups/);
    });

    it('declines deterministic tasks that merely contain numbers', () => {
      expect(declineOf('Order these from largest to smallest: 12, 7, 30, 2.')).toMatch(/not a probabilistic/);
      expect(declineOf('Add up 4, 8, 15 and 16.')).toMatch(/not a probabilistic/);
    });
  });

  describe('round 3: unlabelled groups, ratios, negation, list totals (phrasings not in the corpus)', () => {
    it('splits two unlabelled k-of-n groups at a clause joint and finds the group the question names', () => {
      const p = problemOf('In the spring cohort 33 of 210 students dropped out, while in the autumn cohort 21 of 190 did. What is the probability that the autumn cohort has a lower dropout rate?');
      expect(p.family).toBe('two-proportions');
      if (p.family !== 'two-proportions') return;
      expect(p.groups.map((g) => [g.successes, g.trials])).toEqual([[33, 210], [21, 190]]);
      // autumn (second) lower = spring (first) higher.
      expect(p.target).toEqual({ kind: 'prob-greater', first: 0, second: 1 });
    });

    it('reads the question before the data and ignores the data clauses when ordering the groups', () => {
      const p = problemOf('How likely is it that the redesign beats the original, given original: 70 of 900 and redesign: 95 of 910?');
      if (p.family !== 'two-proportions') throw new Error(p.family);
      expect(p.groups.map((g) => g.successes)).toEqual([70, 95]);
      expect(p.target).toEqual({ kind: 'prob-greater', first: 1, second: 0 });
    });

    it('declines rather than answer from one group when a second group cannot be read', () => {
      // "the west one" turns into a number ("1"), so the second group does not parse cleanly.
      expect(declineOf('Our east warehouse shipped 18 of 600 orders late; the west one shipped 30 of 640 late. Is the east warehouse more reliable?')).toMatch(/two groups/);
    });

    it('reads "2 in 5 of the 150" as 60 successes and declines a ratio that is not a whole count', () => {
      const p = problemOf('2 in 5 of the 150 applicants were shortlisted. Estimate the shortlisting rate.');
      expect(p).toMatchObject({ family: 'binomial', successes: 60, trials: 150 });
      expect(parseQuestion('1 in 7 of our 100 leads signed. What is the signing rate?').kind).toBe('declined');
    });

    it('uses the complement when the question negates the counted outcome', () => {
      const p = problemOf('The press rejected 9 of the last 120 sheets. What is the probability that the next sheet is not rejected?');
      expect(p).toMatchObject({ family: 'binomial', successes: 111, trials: 120, target: { kind: 'predictive' } });
    });

    it('reads "n items ..., of which k" and skips years', () => {
      expect(problemOf('The clinic booked 250 appointments in 2021, of which 35 were no-shows. What is the no-show rate?')).toMatchObject({ successes: 35, trials: 250 });
      expect(problemOf('Of the 60 orders placed in 2019, 9 arrived damaged. What is the probability that an order arrives damaged?')).toMatchObject({ successes: 9, trials: 60 });
    });

    it('treats a list-introducing count equal to the sum of the list as the total, not a category', () => {
      const p = problemOf('We sampled 40 beans from the jar: 25 brown, 10 white and 5 black. What is the probability the next bean is white?');
      expect(p).toMatchObject({ family: 'categorical', categoryCount: 3, total: 40, askedCount: 10 });
    });

    it('reads "fewer than a quarter" as a threshold and declines a comparison it cannot read', () => {
      expect(problemOf('Of 90 trial users, 27 renewed. What is the probability that fewer than a quarter of users renew?')).toMatchObject({
        target: { kind: 'prob-p', comparison: 'less', threshold: 0.25 },
      });
      expect(declineOf("Of 90 trial users, 27 renewed. Is the renewal rate higher than last year's?")).toMatch(/threshold/);
    });

    it('declines arithmetic on a fraction and a one-group answer that would ignore a second group', () => {
      expect(declineOf('Convert 12 out of 40 to a percentage.')).toMatch(/not a probabilistic/);
      const wards = parseQuestion('Ward one discharged 40 of 200 patients early and ward two 55 of 210 early; what was the early discharge rate?');
      expect(wards.kind === 'understood' ? wards.output.problem.family : 'declined').not.toBe('binomial');
    });
  });
});
