/**
 * Phrasings the embedded parser learned from the fourth held-out file (test/corpus/holdout4.json):
 * questions typed by product managers, nurses, students, QA engineers, sports fans, pollsters and
 * reliability engineers. Each pattern is tested with wording other than the corpus question, and
 * with the declines that keep a misreading from becoming a confident wrong number.
 */
import { describe, expect, it } from 'vitest';
import { declineOf, problemOf } from '../../helpers/parse-question.js';

describe('parseQuestion: other voices', () => {
  describe('numbers a story mentions in passing are not data', () => {
    it.each([
      ['Release review (notes due 21 Nov): of the 1,400 users who tried the wizard, 380 finished it. What completion rate should I report?', 380, 1400],
      ['Survey of 900 adults (fieldwork 2-4 June, margin of error 3 points): 52% support the plan. What is the probability support is above 50%?', 468, 900],
      ['Signup export dated 2023-11-05:\n- sent: 2,000\n- opened: 450\nWhat is the open rate?', 450, 2000],
    ])('reads %j', (question, successes, trials) => {
      expect(problemOf(question)).toMatchObject({ family: 'binomial', successes, trials });
    });

    it('skips an age, a bed number and a batch id before a list of measurements', () => {
      expect(problemOf("Readings for the patient in bed 4 (he's 71): 130, 126, 138, 133 mmHg. Probability his mean pressure exceeds 128?")).toMatchObject({
        family: 'normal-mean',
        values: [130, 126, 138, 133],
        target: { kind: 'prob-mean', comparison: 'greater', threshold: 128 },
      });
      expect(problemOf('Weights from lot #5521: 20.1, 19.8, 20.4 and 20.0 kg. Estimate the mean weight.')).toMatchObject({ values: [20.1, 19.8, 20.4, 20.0] });
    });

    it('reads a number glued to letters as a name ("50p coin", "200m times")', () => {
      expect(problemOf('I tossed a 10p coin 40 times and got 27 heads. Is it fair?')).toMatchObject({ family: 'model-comparison', successes: 27, trials: 40, hypothesis: 'fair' });
      expect(problemOf('His 200m times: 24.1, 23.8, 24.5 and 24.0 seconds. Estimate his mean time.')).toMatchObject({ family: 'normal-mean', values: [24.1, 23.8, 24.5, 24.0] });
    });

    it('ignores a date in a Poisson story', () => {
      expect(problemOf('The clinic saw 45 walk-ins during a 5-hour session on 12 May. Probability of no walk-ins in the next 5 minutes?')).toMatchObject({
        family: 'poisson',
        events: 45,
        target: { kind: 'prob-none', window: 5 },
      });
    });
  });

  describe('binomial outcomes written away from the count', () => {
    it('takes the outcome written after the trials and answers its complement', () => {
      expect(problemOf('Nightly run: 9 out of 300 checks failed. What is the probability that the pass rate is above 95%?')).toMatchObject({
        successes: 291,
        trials: 300,
        target: { kind: 'prob-p', comparison: 'greater', threshold: 0.95 },
      });
    });

    it('reads "everyone else" as the rest of the trials', () => {
      expect(problemOf('A poll of 60 teachers found that 14 did not like the timetable and everyone else approved of it. What share approve of the timetable?')).toMatchObject({ successes: 46, trials: 60 });
    });

    it('declines a count of a negated outcome when the question names neither it nor its opposite', () => {
      expect(declineOf('Out of 50 patients, 10 did not respond. What proportion were satisfied?')).toMatch(/negated outcome/);
    });

    it('answers the complement when the question names the negated outcome (holdout5 round)', () => {
      expect(problemOf('Out of 50 patients, 10 did not respond. What proportion responded?')).toMatchObject({ successes: 40, trials: 50 });
    });

    it('reads "made K of them" against the trials of the sentence before', () => {
      expect(problemOf('He attempted 40 penalty kicks this year. He made 31 of them. Chance he scores the next one?')).toMatchObject({ successes: 31, trials: 40, target: { kind: 'predictive' } });
    });

    it('reads a threshold written as a ratio ("more than 1 in 5")', () => {
      expect(problemOf('Out of 90 trains, 21 were late. What is the probability that more than 1 in 5 trains are late?')).toMatchObject({
        successes: 21,
        trials: 90,
        target: { kind: 'prob-p', comparison: 'greater', threshold: 0.2 },
      });
    });

    it('counts trials named by a participle or a label', () => {
      expect(problemOf('Newsletter: 3,000 delivered, 420 clicked. Estimate the click rate.')).toMatchObject({ successes: 420, trials: 3000 });
      expect(problemOf('Campaign:\n- sent: 1,200\n- opened: 300\nWhat is the probability the open rate exceeds 20%?')).toMatchObject({ successes: 300, trials: 1200 });
    });

    it('takes an unknown noun as the trials when a smaller count with an outcome follows', () => {
      expect(problemOf('We soaked 250 capacitors and 6 failed. Probability the failure rate is below 4%?')).toMatchObject({
        successes: 6,
        trials: 250,
        target: { kind: 'prob-p', comparison: 'less', threshold: 0.04 },
      });
    });

    it('declines "which is better?" when only one group has complete counts', () => {
      expect(declineOf('Control: 30 of 400 signed up. Variant: 41 signed up. Which is better?')).toMatch(/only one group/i);
    });
  });

  describe('two groups: direction and labels', () => {
    it('does not read the article in "has a lower rate" as group A', () => {
      const problem = problemOf('Ward A used the old protocol: 20 of 100 patients fell. Ward B used the new protocol: 9 of 95 fell. Probability that the new protocol has a lower fall rate?');
      expect(problem).toMatchObject({ family: 'two-proportions', target: { kind: 'prob-greater', first: 0, second: 1 } });
    });

    it('finds the group the question names by a word of its description', () => {
      expect(problemOf('Site A ran the old checkout: 50 of 1,000 bought. Site B ran the new checkout: 70 of 1,000 bought. Probability the new checkout converts better?')).toMatchObject({
        target: { kind: 'prob-greater', first: 1, second: 0 },
      });
    });

    it('reads "group 57 out of 140" as a count, not a group called 57', () => {
      expect(problemOf('In the tutoring group 40 out of 90 students passed; in the control group 28 out of 95 students passed. Probability the tutoring group has the higher pass rate?')).toMatchObject({
        groups: [{ successes: 40, trials: 90 }, { successes: 28, trials: 95 }],
        target: { kind: 'prob-greater', first: 0, second: 1 },
      });
    });

    it('reads "better" and "more reliable" as a LOWER rate of an unwanted outcome', () => {
      expect(problemOf('The old servers failed 14 out of 300 health checks, the new servers failed 6 out of 310 health checks. Probability that the new servers are more reliable?')).toMatchObject({
        target: { kind: 'prob-greater', first: 0, second: 1 },
      });
      expect(problemOf('Is supplier X better than supplier Y? Supplier X sent 500 units with 12 defective; supplier Y sent 450 units with 20 defective.')).toMatchObject({
        target: { kind: 'prob-greater', first: 1, second: 0 },
      });
    });

    it('declines "Is X better than Y?" when it cannot tell which counts are X\'s', () => {
      expect(declineOf('Is vendor X better than vendor Y? Vendor X sent 500 units with 12 defective; vendor Y sent 450 units with 20 defective.')).toMatch(/compares/);
    });

    it('takes an explicit rate direction literally even for an unwanted outcome', () => {
      expect(problemOf('Group A: 30 of 200 failed; group B: 20 of 210 failed. Probability that B has a higher failure rate?')).toMatchObject({
        target: { kind: 'prob-greater', first: 1, second: 0 },
      });
    });

    it('declines "which is better?" when the counted outcome may be an unwanted one', () => {
      expect(declineOf('Clinic A had 12 of 300 patients readmitted and clinic B had 20 of 310. Which is better?')).toMatch(/unwanted outcome/);
    });

    it('reads "went up" as the later group against the earlier one', () => {
      expect(problemOf('In the first quarter 300 of 800 members renewed; in the second quarter 340 of 820 renewed. What is the probability that renewals went up?')).toMatchObject({
        target: { kind: 'prob-greater', first: 1, second: 0 },
      });
    });

    it('reads "v1 minus v2" with letter-and-digit labels', () => {
      expect(problemOf('Form v1 had 90 errors out of 600 submissions; form v2 had 60 errors out of 620 submissions. Estimate the difference in error rate, v1 minus v2.')).toMatchObject({
        target: { kind: 'difference', minuend: 0, subtrahend: 1 },
      });
    });

    it('reads "Control: ... Variant: ..." and numbered subject lines', () => {
      expect(problemOf('Control: 5,000 visitors, 200 purchases. Variant: 5,100 visitors, 240 purchases. Probability the variant beats control?')).toMatchObject({
        groups: [{ successes: 200, trials: 5000 }, { successes: 240, trials: 5100 }],
        target: { kind: 'prob-greater', first: 1, second: 0 },
      });
      expect(problemOf('Subject 1 - 1,000 sent, 150 opened. Subject 2 - 1,000 sent, 180 opened. Probability subject 2 has the higher open rate?')).toMatchObject({
        groups: [{ successes: 150, trials: 1000 }, { successes: 180, trials: 1000 }],
      });
    });
  });

  describe('rates', () => {
    it('reads a fortnight as two weeks', () => {
      expect(problemOf('The ward logged 6 falls over the past fortnight. Expected falls per week?')).toMatchObject({ family: 'poisson', events: 6, exposure: 2, unit: 'week' });
      expect(problemOf('We had 5 outages in 20 weeks. How many outages per fortnight should we expect?')).toMatchObject({ target: { kind: 'rate', window: 2 }, unit: 'week' });
    });

    it('reads "per 1,000 hours" as the expected count in 1,000 hours', () => {
      expect(problemOf('We logged 4 trips in 8,000 running hours. What is the expected number of trips per 1,000 hours?')).toMatchObject({
        events: 4,
        exposure: 8000,
        target: { kind: 'rate', window: 1000 },
      });
    });

    it('declines a rate per something that is not a time unit', () => {
      expect(declineOf('We got 120 crashes in 30 days. What is the expected number of crashes per install?')).toMatch(/per install/);
    });

    it('reads "at least once during the next ..." and declines other probabilities about counts', () => {
      expect(problemOf('The printer jammed 5 times in 50 hours. Chance it jams at least once during the next 4-hour shift?')).toMatchObject({ target: { kind: 'prob-at-least-one', window: 4 } });
      expect(declineOf('The printer jammed 5 times in 50 hours. Chance it jams at least twice in the next 4 hours?')).toBeTruthy();
    });
  });

  describe('Bayes rule', () => {
    it('takes the role word written right after a rate', () => {
      expect(problemOf('A programme for a disease with 1% prevalence uses a test with 90% sensitivity and 95% specificity. If someone tests positive, what is the probability they have the disease?')).toMatchObject({
        prevalence: 0.01,
        sensitivity: 0.9,
      });
    });

    it('answers the absence when the question names the group of the false positive rate', () => {
      expect(problemOf('About 30% of reviews are fake. The detector flags 90% of fake reviews and wrongly flags 5% of honest reviews. A review was flagged. What is the probability it is honest?')).toMatchObject({
        complement: true,
        result: 'positive',
      });
    });
  });

  describe('categories', () => {
    it('sums the other categories for "not <category>"', () => {
      expect(problemOf('Last 100 orders: pizza 50, pasta 30, salad 20. Probability the next order is not pizza?')).toMatchObject({ askedCount: 50, askedCategories: 2, total: 100 });
    });

    it('declines "not <category>" when the categories are not all listed', () => {
      expect(() => problemOf('Votes: red 10, blue 20, green 30 and some others. Probability the next vote is not blue?')).toThrow(/declined/);
    });

    it('pairs parallel lists written with "respectively"', () => {
      expect(problemOf('Candidates X, Y and Z received 40, 35 and 25 votes respectively. What is the probability the next vote goes to Z?')).toMatchObject({
        family: 'categorical',
        counts: [40, 35, 25],
        askedCount: 25,
      });
    });

    it('reads category shares of a total written once before them', () => {
      expect(problemOf('A cafe served 200 drinks today: 50% coffee, 30% tea and the rest juice. Probability the next drink is juice?')).toMatchObject({ counts: [100, 60, 40], askedCount: 40 });
      expect(problemOf('Poll (n = 1,000): Green 40%, Blue 35%, Other 25%. Probability a respondent backs Blue?')).toMatchObject({ total: 1000, askedCount: 350 });
    });

    it('reads letter-and-digit labels ("P1: 15") and never "corrects" a word into a number ("severity")', () => {
      expect(problemOf('Incidents by severity:\n- S1: 4\n- S2: 16\n- S3: 80\nEstimate the probability that the next incident is S2.')).toMatchObject({ counts: [4, 16, 80], askedCount: 16 });
    });
  });

  describe('measurements and lifetimes', () => {
    it('reads a bulleted list and the scale of scores', () => {
      expect(problemOf('Readings:\n- 5.2\n- 5.6\n- 5.1\n- 5.4\nProbability the mean is below 5.5?')).toMatchObject({ family: 'normal-mean', values: [5.2, 5.6, 5.1, 5.4] });
      expect(problemOf('Quiz marks were 14, 17, 12 and 16 out of 20. Estimate my average mark.')).toMatchObject({ family: 'normal-mean', values: [14, 17, 12, 16] });
    });

    it('reads "does not last t" as a duration at most t', () => {
      expect(problemOf('Exponential lifetimes: the fans lasted 300, 450, 380 and 520 days. Probability the next fan does not last 200 days?')).toMatchObject({
        family: 'exponential',
        target: { kind: 'prob-shorter', duration: 200 },
      });
    });

    it('reads "total time on test" several words before the total', () => {
      expect(problemOf('Total time on test was 8,000 hours with 5 failures. Assuming exponential lifetimes, probability a unit survives beyond 1,000 hours?')).toMatchObject({
        count: 5,
        totalTime: 8000,
        target: { kind: 'prob-longer', duration: 1000 },
      });
    });

    it('declines another negated comparison of durations', () => {
      expect(() => problemOf('Exponential lifetimes: 300, 450, 380 and 520 days. Probability the next fan does not fail within 200 days?')).toThrow(/declined/);
    });
  });

  describe('negated comparisons', () => {
    it.each([
      ['Readings: 10.1, 9.8, 10.4, 10.0. What is the probability that the mean does not exceed 10.2?', { family: 'normal-mean', target: { comparison: 'less', threshold: 10.2 } }],
      ['Out of 200 users, 30 churned. Probability the churn rate is no more than 20%?', { family: 'binomial', target: { comparison: 'less', threshold: 0.2 } }],
      ['We had 20 calls in 4 hours. Probability the hourly rate is not above 6?', { family: 'poisson', target: { comparison: 'less', threshold: 6 } }],
      ['Bulbs (exponential) lasted 800, 950, 1100 hours. Probability the next one does not last longer than 900 hours?', { family: 'exponential', target: { kind: 'prob-shorter', duration: 900 } }],
    ])('reads %j as the other side of the threshold', (question, expected) => {
      expect(problemOf(question)).toMatchObject(expected);
    });

    it('declines a category question whose negation it cannot place', () => {
      expect(declineOf('Orders today: 48 lattes, 30 cappuccinos, 22 espressos. What is the chance the next customer does not order a latte?')).toMatch(/negates/);
    });
  });

  describe('fair or biased, negated', () => {
    it.each([
      ['A coin gave 30 tails in 50 tosses. What is the probability it is not a fair coin?', 'biased'],
      ['14 heads in 20 flips. Probability the coin is not biased?', 'fair'],
    ])('reads %j', (question, hypothesis) => {
      expect(problemOf(question)).toMatchObject({ family: 'model-comparison', hypothesis });
    });
  });
});
