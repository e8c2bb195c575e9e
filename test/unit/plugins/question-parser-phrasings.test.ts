/**
 * Phrasings the embedded parser learned from the third held-out file (test/corpus/holdout3.json):
 * one count beside its opposite, labels after the group data, category percentages, probability
 * notation, and the declines that must survive each new reading.
 */
import { describe, expect, it } from 'vitest';
import { parseQuestion } from '../../../plugins/parse/question-parser.js';
import { declineOf, problemOf } from '../../helpers/parse-question.js';

describe('parseQuestion: unseen phrasings', () => {
  describe('one count beside the count of its opposite', () => {
    it.each([
      ['Free throws this season - made: 61, missed: 24. Probability she makes the next one?', 61, 85, 'made'],
      ['Our club won 12, lost 8 this year. What is the probability we win the next match?', 12, 20, 'won'],
      ['Penalties - scored: 17, missed: 8. Chance he scores the next one?', 17, 25, 'scored'],
      ['QA results - passed: 188, failed: 12. Estimate the pass rate.', 188, 200, 'passed'],
    ])('reads %j', (question, successes, trials, label) => {
      expect(problemOf(question)).toMatchObject({ family: 'binomial', successes, trials, successLabel: label });
    });

    it('counts the outcome the question names, even the failing one', () => {
      expect(problemOf('Shipments: on time 188, late 22. What is the probability that the next shipment is late?')).toMatchObject({
        successes: 22,
        trials: 210,
        target: { kind: 'predictive' },
      });
    });

    it('ignores the data labels when the data sit in the question sentence', () => {
      expect(problemOf("yes: 140 / no: 85 - what's the probability that more than 60% of people would say yes?")).toMatchObject({
        successes: 140,
        trials: 225,
        target: { kind: 'prob-p', comparison: 'greater', threshold: 0.6 },
      });
    });

    it('reads the pair for the fair-or-biased question', () => {
      expect(problemOf('Heads: 52, tails: 48. Is the coin fair?')).toMatchObject({ family: 'model-comparison', successes: 52, trials: 100, hypothesis: 'fair' });
    });

    it('recognises "N makes and M misses" without cue words, skipping "three-point"', () => {
      const r = parseQuestion("She's at 44 makes and 19 misses from the three-point line. Estimate her true three-point percentage.");
      expect(r.kind === 'understood' && r.output.problem).toMatchObject({ family: 'binomial', successes: 44, trials: 63 });
    });

    it('declines when neither outcome is named nor a failure word', () => {
      expect(() => problemOf('Cats: 12, dogs: 8. Estimate the rate.')).toThrow(/declined/);
    });

    it('does not read two categories that are not opposite outcomes as trials', () => {
      expect(() => problemOf('Errors: 12, warnings: 30. What is the error rate?')).toThrow(/declined/);
    });

    it('declines two groups of paired counts asked for one unnamed rate', () => {
      expect(declineOf("Team A won 12, lost 8; team B won 15, lost 5. What's the win rate?")).toMatch(/two groups/);
    });

    it('keeps a negative count a decline', () => {
      expect(declineOf("Free throws - made: 30, missed: -4. What's her free-throw percentage?")).toMatch(/negative/);
    });
  });

  describe('binomial phrasings', () => {
    it('answers about "the rest" with the complement of the counted outcome', () => {
      expect(problemOf('Of 80 flights, 12 were delayed and the rest were on time. What is the probability the next flight is on time?')).toMatchObject({
        successes: 68,
        trials: 80,
        successLabel: 'on time',
      });
      expect(problemOf('Of 80 flights, 12 were delayed and the rest were on time. What is the probability the next flight is delayed?')).toMatchObject({ successes: 12, trials: 80 });
      expect(problemOf('Of 300 visitors, 52% chose A and the rest chose B. Probability the next visitor chooses B?')).toMatchObject({ successes: 144, trials: 300 });
    });

    it('does not read a dash after "quick one" as the count of "k of n"', () => {
      expect(problemOf('hey quick one - out of 350 people who started the trial, 42 converted to paid. whats the chance the conversion rate is over 10%?')).toMatchObject({
        successes: 42,
        trials: 350,
        target: { kind: 'prob-p', comparison: 'greater', threshold: 0.1 },
      });
    });

    it('treats "fraction" as a statistical question', () => {
      expect(problemOf('What fraction of our users turn on dark mode? In a sample of 800 users, 296 had it on.')).toMatchObject({ successes: 296, trials: 800 });
    });
  });

  describe('two proportions', () => {
    it('reads group labels written after the group data', () => {
      expect(problemOf('In the pilot, 14 out of 60 kids in school A improved vs 25 out of 65 in school B. Is school A better than school B?')).toMatchObject({
        family: 'two-proportions',
        groups: [{ successes: 14, trials: 60 }, { successes: 25, trials: 65 }],
        target: { kind: 'prob-greater', first: 0, second: 1 },
      });
    });

    it('takes any noun with two short labels as the groups, and "two <nouns>" as their number', () => {
      const r = parseQuestion('Two call scripts: script A closed 22 of 180 calls, script B closed 35 of 175 calls. How likely is it that script B is better than script A?');
      expect(r.kind === 'understood' && r.output.problem).toMatchObject({
        groups: [{ successes: 22, trials: 180 }, { successes: 35, trials: 175 }],
        target: { kind: 'prob-greater', first: 1, second: 0 },
      });
      expect(r.kind === 'understood' && r.output.quantities).toContainEqual(expect.objectContaining({ text: '2', role: 'number of groups compared' }));
    });

    it('reads "two <nouns>" alone in a preface sentence as the number of groups, not as a distractor', () => {
      const r = parseQuestion('We tested two button colours. Green: 96 clicks out of 1,500 views. Orange: 121 clicks out of 1,480 views. Probability orange has a higher click-through rate?');
      expect(r.kind === 'understood' && r.output.problem).toMatchObject({ groups: [{ successes: 96, trials: 1500 }, { successes: 121, trials: 1480 }] });
      expect(r.kind === 'understood' && r.output.quantities).toContainEqual(expect.objectContaining({ text: '2', role: 'number of groups compared' }));
    });

    it('accounts for group names that are numbers, in the data and in the question', () => {
      expect(problemOf('Clinic 1 had 9 infections in 300 procedures, clinic 2 had 4 in 310. Probability that clinic 2 has a lower infection rate?')).toMatchObject({
        groups: [{ successes: 9, trials: 300 }, { successes: 4, trials: 310 }],
        target: { kind: 'prob-greater', first: 0, second: 1 },
      });
    });

    it('reads the window that defines the outcome as no count', () => {
      expect(problemOf('Retention after 30 days: iOS 420/1000, Android 380/1000. Probability Android retention is lower than iOS?')).toMatchObject({
        groups: [{ successes: 420, trials: 1000 }, { successes: 380, trials: 1000 }],
        target: { kind: 'prob-greater', first: 0, second: 1 },
      });
    });

    it('reads a count after a comma as a count, not a group name ("old drug, 90 had")', () => {
      expect(problemOf('Out of 900 patients on the old drug, 90 had side effects; out of 880 on the new drug, 66 had side effects. What is the probability that the new drug has a lower side-effect rate?')).toMatchObject({
        groups: [{ successes: 90, trials: 900 }, { successes: 66, trials: 880 }],
        target: { kind: 'prob-greater', first: 0, second: 1 },
      });
    });

    it('reads each line of a table as its own sentence', () => {
      expect(problemOf('A: 27/300\nB: 41/310\nProbability that B beats A?')).toMatchObject({
        groups: [{ successes: 27, trials: 300 }, { successes: 41, trials: 310 }],
        target: { kind: 'prob-greater', first: 1, second: 0 },
      });
    });
  });

  describe("Bayes' rule", () => {
    it('reads probability notation', () => {
      expect(problemOf('P(D) = 0.05, P(+|D) = 0.9, P(+|not D) = 0.1. P(D|+) = ?')).toMatchObject({
        family: 'bayes-rule',
        prevalence: 0.05,
        sensitivity: 0.9,
        falsePositiveRate: 0.1,
        result: 'positive',
      });
      const negative = problemOf('P(D) = 0.05, P(+|D) = 0.9, P(-|not D) = 0.8. What is P(D|-)?');
      expect(negative).toMatchObject({ result: 'negative', sensitivity: 0.9 });
      expect(negative.family === 'bayes-rule' && negative.falsePositiveRate).toBeCloseTo(0.2, 12);
    });

    it('reads "a negative mammogram" as negative evidence', () => {
      expect(problemOf('Given a negative mammogram, what is the probability that the woman is cancer-free? Base rate 1%, sensitivity 85%, specificity 90%.')).toMatchObject({
        result: 'negative',
        complement: true,
      });
    });

    it('finds a negative result stated in a data sentence, and no other', () => {
      expect(problemOf('A negative test comes from a screening with 90% sensitivity and 95% specificity; prevalence is 2%. Probability the person is sick?')).toMatchObject({ result: 'negative' });
      expect(problemOf('The disease affects 3% of people. The test has a false negative rate of 10% and a false positive rate of 5%. Someone tests positive. Probability of disease?')).toMatchObject({
        result: 'positive',
        sensitivity: 0.9,
      });
    });

    it('reads "with no fault" as the false positive rate', () => {
      expect(problemOf('An alarm sounds for 98% of real faults, and it also sounds on 1% of shifts with no fault. Real faults happen in 0.2% of shifts. The alarm went off. Probability of a real fault?')).toMatchObject({
        prevalence: 0.002,
        sensitivity: 0.98,
        falsePositiveRate: 0.01,
      });
    });
  });

  describe('categorical', () => {
    it('turns category percentages into counts of the stated total, with "the rest"', () => {
      expect(problemOf('Of 500 survey responses, 52% chose A, 30% chose B and 18% chose C. What is the probability the next response is B?')).toMatchObject({
        family: 'categorical',
        counts: [260, 150, 90],
        askedCount: 150,
      });
      expect(problemOf("In an exit poll of 1,000 voters, 46% backed Lee, 41% backed Kim and the rest backed Ortiz. What is Ortiz's expected vote share?")).toMatchObject({
        counts: [460, 410, 130],
        askedCount: 130,
      });
    });

    it('declines percentages that exceed 100 % or fall short without "the rest"', () => {
      expect(declineOf('Of 500 survey responses, 60% chose A, 30% chose B and 25% chose C. What is the probability the next response is B?')).toMatch(/115 %/);
      expect(declineOf('Of 500 survey responses, 50% chose A, 30% chose B and 10% chose C. What is the probability the next response is B?')).toMatch(/90 %/);
    });

    it('reads category counts written after the question', () => {
      expect(problemOf('whats the chance the next customer orders a latte? today: 48 lattes, 30 cappuccinos, 22 espressos')).toMatchObject({ counts: [48, 30, 22], askedCount: 48 });
    });

    it('adds up categories joined by "or", and declines several without it', () => {
      const base = 'Survey (n=300): Very satisfied 120, Satisfied 105, Neutral 45, Unsatisfied 30.';
      expect(problemOf(`${base} What is the probability that the next respondent is satisfied or very satisfied?`)).toMatchObject({
        askedCount: 225,
        askedCategories: 2,
      });
      expect(problemOf(`${base} What is the probability that the next respondent is satisfied?`)).toMatchObject({ askedCount: 105 });
      expect(declineOf(`${base} Is satisfied more likely than very satisfied?`)).toMatch(/several categories/);
    });
  });

  describe('poisson and exponential', () => {
    it('reads "zero accidents" as no events and "at least one ... tomorrow" as a one-day window', () => {
      expect(problemOf("Twelve accidents happened at the crossing over the last 2 years. What's the probability of zero accidents next month?")).toMatchObject({
        family: 'poisson',
        events: 12,
        exposure: 24,
        target: { kind: 'prob-none', window: 1 },
      });
      expect(problemOf("Our pager went off 9 times in the last 30 days. What's the chance of at least one page tomorrow?")).toMatchObject({
        target: { kind: 'prob-at-least-one', window: 1 },
      });
    });

    it('reads a mean written several words before its value, and "one" as a pronoun', () => {
      expect(problemOf("The mean time between failures was 200 days across 5 failures (exponential model). What's the probability the next unit runs for more than 300 days?")).toMatchObject({
        family: 'exponential',
        count: 5,
        totalTime: 1000,
        target: { kind: 'prob-longer', duration: 300 },
      });
      expect(problemOf('exponential model: batteries lasted 20, 26, 18 and 31 months. probability one lasts longer than two years?')).toMatchObject({
        family: 'exponential',
        count: 4,
        unit: 'year',
        target: { kind: 'prob-longer', duration: 2 },
      });
    });
  });

  describe('normalisation', () => {
    it('does not "correct" real words into cue words', () => {
      const r = parseQuestion('The factory reported side effects in 12 of 400 patients. Estimate the side-effect rate.');
      expect(r.kind === 'understood' ? r.output.corrections : r.corrections).toEqual([]);
    });
  });
});
