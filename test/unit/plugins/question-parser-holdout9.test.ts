/**
 * Phrasings the embedded parser learned from the ninth held-out file (test/corpus/holdout9.json), written in
 * the voices of embedded reason() users: "NPV" / "PPV" name the evidence and the side asked, "MTBF" asks the
 * mean lifetime, "within a week" is a duration bound of one unit, and domain words name the complement of a
 * counted outcome (defects vs yield, goals conceded vs saves, churned vs retained).
 */
import { describe, expect, it } from 'vitest';
import { problemOf } from '../../helpers/parse-question.js';

describe('parseQuestion: ninth held-out round', () => {
  describe('predictive values', () => {
    it('reads "NPV" as P(no condition | negative)', () => {
      expect(problemOf('Sensitivity 0.8, specificity 0.95, prevalence 5%. What is the NPV of the test?')).toMatchObject({ family: 'bayes-rule', result: 'negative', complement: true, prevalence: 0.05 });
      expect(problemOf('Prevalence 20%, sensitivity 90%, specificity 90%. Give the negative predictive value.')).toMatchObject({ family: 'bayes-rule', result: 'negative', complement: true });
    });

    it('reads "PPV" as P(condition | positive)', () => {
      expect(problemOf("Prevalence 1%, sensitivity 0.95, specificity 0.9. What's the PPV?")).toMatchObject({ family: 'bayes-rule', result: 'positive', complement: false });
    });
  });

  describe('reliability wording', () => {
    it('reads "MTBF" as the mean lifetime', () => {
      expect(problemOf('Four motors failed at 1,200, 900, 1,500 and 1,100 hours. Assuming exponential lifetimes, estimate the MTBF.')).toMatchObject({ family: 'exponential', target: { kind: 'mean-lifetime' } });
    });

    it('reads "within a week" as a bound of one week', () => {
      expect(problemOf('Days between failures: 10, 14, 9, 20. Assuming exponential waits, what is the probability the next failure comes within a week?')).toMatchObject({
        family: 'exponential',
        unit: 'week',
        target: { kind: 'prob-shorter', duration: 1 },
      });
    });
  });

  describe('domain complements of a counted outcome', () => {
    it('reads the yield as the complement of the defects', () => {
      expect(problemOf("Lot #42: 8 defective out of 300 units. What's the probability the yield is above 95%?")).toMatchObject({ family: 'binomial', successes: 292, trials: 300 });
    });

    it('keeps the count when the question asks about defects', () => {
      expect(problemOf("Lot #42: 8 defective out of 300 units. What's the probability the defect rate is below 5%?")).toMatchObject({ family: 'binomial', successes: 8, trials: 300 });
    });

    it('reads the save percentage as the complement of goals conceded', () => {
      expect(problemOf("The goalie faced 120 shots and conceded 9 goals. What's his save percentage?")).toMatchObject({ family: 'binomial', successes: 111, trials: 120 });
    });

    it('reads retention as the complement of churn', () => {
      expect(problemOf("Of 400 customers, 36 churned last quarter. What's the probability the retention rate is above 90%?")).toMatchObject({ family: 'binomial', successes: 364, trials: 400 });
    });
  });

  describe('shorthand of the five user families', () => {
    it('reads "71-for-85" as 71 made of 85', () => {
      expect(problemOf("He's 42-for-60 from the line this year. What's his free-throw %?")).toMatchObject({ family: 'binomial', successes: 42, trials: 60 });
    });

    it('reads "CTR" as the click-through rate', () => {
      expect(problemOf("The ad got 2,000 impressions and 50 clicks. What's the CTR?")).toMatchObject({ family: 'binomial', successes: 50, trials: 2000 });
    });

    it('reads "patient-days" and "device-hours" as exposure in days and hours', () => {
      expect(problemOf('The unit recorded 4 infections in 2,000 patient-days. What is the expected number of infections per 1,000 patient-days?')).toMatchObject({
        family: 'poisson',
        events: 4,
        exposure: 2000,
        unit: 'day',
        target: { kind: 'rate', window: 1000 },
      });
      expect(problemOf("A fleet had 5 failures in 20,000 device-hours. What's the failure rate per hour?")).toMatchObject({ family: 'poisson', events: 5, exposure: 20000, unit: 'hour' });
    });
  });
});
