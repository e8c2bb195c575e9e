/**
 * Phrasings the embedded parser learned from the eighth held-out file (test/corpus/holdout8.json): ratios of
 * outcomes, shares of a total, odds as a base rate and rates per block of time are written as the counts
 * they stand for (normalize-question.ts resolveRatios); a ratio with no total to resolve it declines.
 */
import { describe, expect, it } from 'vitest';
import { resolveRatios } from '../../../plugins/parse/normalize-question.js';
import { declineOf, problemOf } from '../../helpers/parse-question.js';

describe('parseQuestion: eighth held-out round', () => {
  describe('a ratio of two outcomes with a total', () => {
    it('reads "a X for every b Y" as counts of the total', () => {
      expect(problemOf('Across 60 tosses the coin showed 2 heads for every tail. Estimate the probability of heads.')).toMatchObject({ family: 'binomial', successes: 40, trials: 60 });
      expect(problemOf('In 80 tosses we got 3 heads for every 5 tails. What is the probability that the chance of heads exceeds 0.5?')).toMatchObject({ family: 'binomial', successes: 30, trials: 80 });
    });

    it('reads "twice as many", "n times as often" and "outnumbered a to b"', () => {
      expect(problemOf('Over 60 flips there were twice as many heads as tails. Estimate the probability of heads.')).toMatchObject({ successes: 40, trials: 60 });
      expect(problemOf('Tails came up 3 times as often as heads in 80 flips. Is the coin fair? Give the posterior probability.')).toMatchObject({ family: 'model-comparison', trials: 80 });
      expect(problemOf("Failures outnumbered passes 3 to 2 in 50 runs. What's the pass rate?")).toMatchObject({ successes: 20, trials: 50 });
      expect(problemOf('Among 45 trials, failures were twice as common as successes. Estimate the success probability.')).toMatchObject({ successes: 15, trials: 45 });
    });

    it('reads "X to Y ran a to b"', () => {
      expect(problemOf("Defective to good units ran 1 to 4 over 150 units. What's the probability the defect rate is below 25%?")).toMatchObject({ successes: 30, trials: 150 });
    });

    it('leaves a ratio alone when the total does not split into whole counts', () => {
      expect(resolveRatios('in 51 tosses we got 3 heads for every 2 tails.')).toBe('in 51 tosses we got heads and tails in an unstated ratio.');
    });
  });

  describe('a ratio with no total', () => {
    it('declines instead of reading the ratio as the counts', () => {
      expect(declineOf('I get 3 heads for every 2 tails. Is my coin biased?')).toMatch(/missing/i);
      expect(declineOf("My coin lands heads twice as often as tails. What's the probability of heads?")).toMatch(/missing/i);
    });
  });

  describe('a share of a stated total', () => {
    it('reads "a third of the 90", "2 thirds of the 60", "half of the 64", "every fourth ... out of 160"', () => {
      expect(problemOf("Two thirds of the 60 respondents said yes. What's the probability the next respondent says yes?")).toMatchObject({ successes: 40, trials: 60 });
      expect(problemOf("Half of the 64 patients responded. What's the probability the response rate exceeds 40%?")).toMatchObject({ successes: 32, trials: 64 });
      expect(problemOf("Every fifth call out of 200 ended in a sale. What's the sale rate?")).toMatchObject({ successes: 40, trials: 200 });
    });

    it('takes "of them" after the share as a count of the share, so an impossible count declines', () => {
      expect(declineOf("A quarter of the 120 widgets were tested and 40 of them failed. What's the failure rate?")).toMatch(/more successes/i);
    });

    it('reads a share with no count after it as a percentage', () => {
      expect(problemOf("A fifth of the loans default. The model flags 80% of defaulting loans and 10% of genuine ones. A loan is flagged. What's the probability it defaults?")).toMatchObject({ family: 'bayes-rule', prevalence: 0.2, sensitivity: 0.8, falsePositiveRate: 0.1 });
    });
  });

  describe('odds for a condition are its base rate', () => {
    it('reads "odds of X are a to b" and "odds against X are a to b"', () => {
      expect(problemOf('The odds of having the condition are 1 to 9. The test has 80% sensitivity and 90% specificity. A patient tests positive. What is the probability of the condition?')).toMatchObject({ family: 'bayes-rule', prevalence: 0.1, sensitivity: 0.8 });
      expect(problemOf('The odds against a part being faulty are 19 to 1. The scanner flags 90% of faulty parts and 5% of good ones. A part is flagged; what is the probability it is faulty?')).toMatchObject({ family: 'bayes-rule', prevalence: 0.05 });
    });

    it('reads "turns up in X% of cases" as the sensitivity', () => {
      expect(problemOf("The prior odds of guilt are 1 to 3. The evidence turns up in 80% of guilty cases and in 10% of innocent ones. The evidence turned up. What's the probability of guilt?")).toMatchObject({ prevalence: 0.25, sensitivity: 0.8, falsePositiveRate: 0.1 });
    });
  });

  describe('categories in a stated ratio', () => {
    it('reads "a, b and c in the ratio 5:3:2 by N" as counts of N', () => {
      expect(problemOf("Red, green and blue were chosen in the ratio 2:5:3 by 50 visitors. What's the probability the next visitor picks blue?")).toMatchObject({ family: 'categorical', counts: [10, 25, 15] });
    });
  });

  describe('a rate per block of time over a stated period', () => {
    it('reads "3 every 10 minutes" over 2 hours as 36 events', () => {
      expect(problemOf("Over a 3-hour shift, orders came in at 4 every 15 minutes. What's the expected number of orders per hour?")).toMatchObject({ family: 'poisson', events: 48, exposure: 3 });
    });
  });

  describe('an asked outcome opposite to the counted one, not paired in the catalog', () => {
    it('declines instead of answering with the counted share', () => {
      expect(declineOf("30 of the 90 seedlings died. What's the probability the next seedling survives?")).toMatch(/survive/);
      expect(declineOf("Of 50 loan applications, 35 were accepted. What's the probability the next one is rejected?")).toBeTruthy();
    });

    it('keeps outcomes the question and the data share', () => {
      expect(problemOf("Of 60 seedlings, 48 survived. What's the probability the next seedling survives?")).toMatchObject({ successes: 48, trials: 60 });
    });
  });

  describe('a count of the listed values written with a unit or a longer noun phrase', () => {
    it('accounts for it when it matches the list', () => {
      expect(problemOf("Timed my run on 5 days: 31, 28, 35, 30, 33 minutes. Chance the true average is under 30 min?")).toMatchObject({ family: 'normal-mean', values: [31, 28, 35, 30, 33] });
      expect(problemOf('Lab results for 4 river water samples, nitrate in mg/L: 3.1, 2.7, 3.4, 2.9. Estimate the mean.')).toMatchObject({ family: 'normal-mean', values: [3.1, 2.7, 3.4, 2.9] });
    });
  });

  describe('"with a X% false positive rate" after another rate', () => {
    it('gives each rate its own clause', () => {
      expect(problemOf('The filter catches 95% of spam with a 3% false positive rate. Spam is 40% of all mail. A message is flagged; how likely is it spam?')).toMatchObject({ family: 'bayes-rule', prevalence: 0.4, sensitivity: 0.95, falsePositiveRate: 0.03 });
    });

    it('keeps "with a" + noun inside the clause', () => {
      expect(problemOf('A scan detects 90% of people with a tumour and flags 5% of healthy people. 1% of people have a tumour. A scan is positive; probability of a tumour?')).toMatchObject({ sensitivity: 0.9, falsePositiveRate: 0.05, prevalence: 0.01 });
    });
  });
});
