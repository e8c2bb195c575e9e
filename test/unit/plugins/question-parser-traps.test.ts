/**
 * Phrasings the embedded parser learned from the fifth held-out file (test/corpus/holdout5.json), whose
 * questions are traps for a pattern-matching parser: each case was a confident wrong number before.
 */
import { describe, expect, it } from 'vitest';
import { declineOf, problemOf } from '../../helpers/parse-question.js';

describe('parseQuestion: traps for a pattern matcher', () => {
  describe('thresholds named by a noun', () => {
    it('resolves "exceeds the target" to the number the data give the target', () => {
      expect(problemOf('Of 400 seeds planted, 310 germinated. Our target is a 70% germination rate. Probability the germination rate exceeds the target?')).toMatchObject({
        family: 'binomial',
        successes: 310,
        trials: 400,
        target: { kind: 'prob-p', comparison: 'greater', threshold: 0.7 },
      });
      expect(problemOf('Load times were 2.1, 2.4, 1.9 and 2.2 s (the target is 2.3 s). Probability the mean load time is below the target?')).toMatchObject({
        family: 'normal-mean',
        target: { kind: 'prob-mean', comparison: 'less', threshold: 2.3 },
      });
    });

    it('declines when the named reference has no number', () => {
      expect(declineOf('Of 400 seeds planted, 310 germinated. What is the probability the germination rate exceeds the target?')).toMatch(/the target/);
    });
  });

  describe('negated outcomes', () => {
    it('answers the complement when the question names the outcome the count negates', () => {
      expect(problemOf('An inspector checked 300 valves and found 288 without leaks. Probability the next valve leaks?')).toMatchObject({ successes: 12, trials: 300 });
      expect(problemOf('A trial enrolled 900 volunteers; 873 showed no side effects. Probability that the rate of side effects exceeds 5%?')).toMatchObject({ successes: 27, trials: 900 });
    });

    it('reads "fails to <verb>" as the negation of the counted outcome', () => {
      expect(problemOf('The goalkeeper made 20 saves from 90 penalties faced. Probability he fails to save the next penalty?')).toMatchObject({ successes: 70, trials: 90, target: { kind: 'predictive' } });
    });

    it('declines when the question repeats the counted verb with another object', () => {
      expect(declineOf('Of 400 parcels sent, 380 landed at the depot. What is the probability that a parcel lands at the wrong address?')).toMatch(/another outcome/);
    });
  });

  describe('two groups', () => {
    it('does not take "arm 20" for a label when "20 of 52" follows', () => {
      expect(problemOf('Drug arm: 10 of 50 relapsed. Placebo arm: 20 of 52 relapsed. What is the probability the drug arm has a lower relapse rate?')).toMatchObject({
        family: 'two-proportions',
        groups: [{ successes: 10, trials: 50 }, { successes: 20, trials: 52 }],
        target: { kind: 'prob-greater', first: 1, second: 0 },
      });
    });

    it('declines "better" when the counts are of something a group allowed or conceded', () => {
      expect(declineOf('Two pitchers: Ortiz allowed hits to 60 of 210 batters; Park allowed hits to 45 of 200 batters. Probability that Park is the better pitcher?')).toMatch(/unwanted outcome/);
    });
  });

  it('reads "accurate for uninfected people" as the specificity', () => {
    expect(problemOf('1% of people are infected. The test is 95% accurate for infected people and 90% accurate for uninfected people. A person tests positive. Probability they are infected?')).toMatchObject({
      family: 'bayes-rule',
      prevalence: 0.01,
      sensitivity: 0.95,
      falsePositiveRate: expect.closeTo(0.1, 9),
    });
  });

  describe('windows and thresholds written in words', () => {
    it('reads "half an hour", "a quarter of an hour" and "a decade"', () => {
      expect(problemOf('We logged 40 meteors in 80 minutes. Expected number in the next half hour?')).toMatchObject({ target: { kind: 'rate', window: 30 }, unit: 'minute' });
      expect(problemOf('We had 4 floods in 20 years. Expected floods per decade?')).toMatchObject({ target: { kind: 'rate', window: 10 }, unit: 'year' });
    });

    it('reads "more than a week" as a threshold of one week', () => {
      expect(problemOf('Exponential gaps between outages: 2, 5, 3 and 4 days. Probability of going more than a week without an outage?')).toMatchObject({
        family: 'exponential',
        target: { kind: 'prob-longer', duration: 1 },
        unit: 'week',
      });
    });
  });
});
