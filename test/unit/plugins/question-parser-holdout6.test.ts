/**
 * Phrasings the embedded parser learned from the sixth held-out file (test/corpus/holdout6.json):
 * each case was a confidently wrong number before the fix (or, for durations, a wrong exposure).
 */
import { describe, expect, it } from 'vitest';
import { normalizeQuestion } from '../../../plugins/parse/normalize-question.js';
import { declineOf, problemOf } from '../../helpers/parse-question.js';

describe('parseQuestion: sixth held-out round', () => {
  describe('durations written in two parts', () => {
    it('sums "a day and a half", "2 hours 30 minutes" and "1 year and 6 months" in the smaller unit', () => {
      expect(normalizeQuestion('In a day and a half the desk got 90 tickets.').text).toContain('1.5 days');
      expect(normalizeQuestion('Over 2 hours 30 minutes we counted 75 cars.').text).toContain('150 minutes');
      expect(normalizeQuestion('It crashed 6 times in 1 year and 6 months.').text).toContain('18 months');
    });

    it('uses the whole duration as the exposure', () => {
      expect(problemOf('In a day and a half, the help line got 90 tickets. Expected tickets per hour?')).toMatchObject({ family: 'poisson', events: 90, exposure: 36 });
      expect(problemOf('Over 3 hours 15 minutes we counted 65 buses. What is the expected number of buses per minute?')).toMatchObject({ family: 'poisson', events: 65, exposure: 195 });
    });
  });

  it('reads "B\'s rate" as the rate of group B in a reversed comparison', () => {
    expect(problemOf("Is B's rate lower than A's? A: 45 of 300 clicked. B: 30 of 280 clicked.")).toMatchObject({
      family: 'two-proportions',
      target: { kind: 'prob-greater', first: 0, second: 1 },
    });
  });

  it('does not read "Plant 1/2" as one success in two trials', () => {
    const reason = (() => {
      try {
        return JSON.stringify(problemOf('Plant 1/2 comparison. Plant 1: 14 defects in 700 units. Plant 2: 9 defects in 720 units. What is the probability that Plant 2 has the lower defect rate?'));
      } catch (e) {
        return String(e);
      }
    })();
    expect(reason).not.toMatch(/"successes":1,"trials":2/);
  });

  it('reads a detector that does not go off as a negative result', () => {
    expect(problemOf('Among passengers, one in a thousand carries contraband. The dog alerts on 90% of carriers and on 2% of non-carriers. The dog does not alert on a passenger. What is the probability the passenger carries contraband?')).toMatchObject({
      family: 'bayes-rule',
      result: 'negative',
    });
  });

  it('ignores an earlier period\'s figure ("up from 180") among category counts', () => {
    expect(problemOf('Customer ratings this month (up from 180 the month before): good 80, neutral 30, bad 10. What is the probability the next rating is good?')).toMatchObject({
      family: 'categorical',
      counts: [80, 30, 10],
    });
  });

  it('complements a count whose outcome (tails) follows it at a distance when heads are asked', () => {
    expect(problemOf('Fifty-one out of ninety-nine coin flips came up tails. What is the probability that the chance of heads is less than one half?')).toMatchObject({
      family: 'binomial',
      successes: 48,
      trials: 99,
      target: { kind: 'prob-p', comparison: 'less', threshold: 0.5 },
    });
  });

  it('declines when the question asks about an outcome the data never count ("bounced" vs "delivered")', () => {
    expect(declineOf('Out of 150 emails we sent, 12 bounced. What is the probability that the next email is delivered?')).toMatch(/delivered/);
    // The counted outcome itself, or a coin hypothesis, is still answered.
    expect(problemOf('Out of 150 emails we sent, 12 bounced. What is the probability that the next email is bounced?')).toMatchObject({ successes: 12, trials: 150 });
    expect(problemOf('A coin gave 62 tails in 100 tosses. What is the probability that it is biased?')).toMatchObject({ family: 'model-comparison' });
  });
});
