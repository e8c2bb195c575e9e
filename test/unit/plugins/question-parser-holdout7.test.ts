/**
 * Phrasings the embedded parser learned from the seventh held-out file (test/corpus/holdout7.json):
 * the first four groups were confidently wrong numbers before the fix; key=value data was declined.
 */
import { describe, expect, it } from 'vitest';
import { normalizeQuestion } from '../../../plugins/parse/normalize-question.js';
import { declineOf, problemOf } from '../../helpers/parse-question.js';

describe('parseQuestion: seventh held-out round', () => {
  describe('a question that negates the counted outcome ("without an outage", "no delay")', () => {
    it('asks about the complement of the count', () => {
      expect(problemOf('Incident report: 14 of the 90 deploys this quarter caused an outage. What is the probability the next deploy goes without an outage?')).toMatchObject({ family: 'binomial', successes: 76, trials: 90 });
      expect(problemOf("Of 120 flights, 18 had a delay. What's the probability the next flight has no delay?")).toMatchObject({ family: 'binomial', successes: 102, trials: 120 });
    });

    it('keeps the count when the question names the outcome without negating it', () => {
      expect(problemOf("Of 120 flights, 18 had a delay. What's the probability the next flight has a delay?")).toMatchObject({ family: 'binomial', successes: 18, trials: 120 });
    });
  });

  describe('"misses X% of cases" is the false negative rate', () => {
    it('takes 1 - X as the sensitivity', () => {
      expect(problemOf('You test positive on a screen that misses 10% of true cases and wrongly flags 5% of healthy people. If 3% of people like you have the disease, how likely is it that you have it?')).toMatchObject({ family: 'bayes-rule', prevalence: 0.03, sensitivity: 0.9, falsePositiveRate: 0.05, result: 'positive' });
      expect(problemOf('The scanner fails to detect 20% of infected people and flags 4% of uninfected ones; 5% of people are infected. A person is flagged. What is the probability they are infected?')).toMatchObject({ family: 'bayes-rule', prevalence: 0.05, sensitivity: 0.8, falsePositiveRate: 0.04 });
    });
  });

  describe('numbers written after "#" are identifiers', () => {
    it('never takes a ticket number as the event count', () => {
      expect(declineOf("Ticket #4471: the customer says the app crashed a few times this week. What's the crash rate per day?")).toBeTruthy();
      expect(declineOf('Case #902: the pump jammed several times over the last month. Expected jams per week?')).toBeTruthy();
    });
  });

  describe('a threshold on the mean of listed durations', () => {
    it('is the normal mean when no exponential model is stated', () => {
      expect(problemOf("Commute durations this week were 45min, 52min, 38min, 41min and 49min. What's the probability that the mean commute is over 40 minutes?")).toMatchObject({
        family: 'normal-mean',
        values: [45, 52, 38, 41, 49],
        target: { kind: 'prob-mean', comparison: 'greater', threshold: 40 },
      });
    });

    it('declines under an exponential model (no such quantity), but still answers the next duration', () => {
      expect(declineOf('Assume exponential lifetimes. Durations: 30, 45, 25 and 60 hours. What is the probability that the average lifetime exceeds 40 hours?')).toBeTruthy();
      expect(problemOf('Assume exponential lifetimes. Four bulbs lasted 18, 24, 9 and 15 months. What is the probability a new bulb lasts more than 2 years?')).toMatchObject({ family: 'exponential', target: { kind: 'prob-longer' } });
    });
  });

  describe('key=value data', () => {
    it('rewrites two or more pairs as prose, "n" as trials and a unit-bearing value as an exposure', () => {
      expect(normalizeQuestion('n=40, positives=7. Estimate the positive rate.').text).toContain('40 trials, 7 positives.');
      expect(normalizeQuestion('incidents=18, period=6 months.').text).toContain('18 incidents, over 6 months');
      expect(normalizeQuestion('base_rate=0.2, result=negative.').text).toContain('0.2 base rate, negative result');
    });

    it('leaves a single "p = 0.5" alone', () => {
      expect(normalizeQuestion('Is p = 0.5 after 30 heads in 50 flips?').text).toContain('p = 0.5');
    });

    it('reads the families from key=value data', () => {
      expect(problemOf('Lab notebook, assay B: n=40, positives=7. Estimate the positive rate.')).toMatchObject({ family: 'binomial', successes: 7, trials: 40 });
      expect(problemOf('tosses=120, heads=71. Probability the coin is biased?')).toMatchObject({ family: 'model-comparison', successes: 71, trials: 120, hypothesis: 'biased' });
      expect(problemOf('incidents=18, period=6 months. What is the probability the monthly incident rate exceeds 2?')).toMatchObject({ family: 'poisson', events: 18, exposure: 6, target: { kind: 'prob-rate', comparison: 'greater', threshold: 2 } });
      expect(problemOf('sensitivity=0.75, false_positive_rate=0.1, base_rate=0.2, result=negative. What is the probability of the condition given the result?')).toMatchObject({ family: 'bayes-rule', prevalence: 0.2, sensitivity: 0.75, falsePositiveRate: 0.1, result: 'negative' });
      expect(problemOf('attempts=64 made=41. What is the probability the next attempt is made?')).toMatchObject({ family: 'binomial', successes: 41, trials: 64, target: { kind: 'predictive' } });
      expect(declineOf('n=30, positives=34. Estimate the positive rate.')).toMatch(/more successes/);
    });
  });
});
