/**
 * Answer quantity and text for a problem: what the number is, the prior it assumes and the
 * credible interval of the main estimate. Pure.
 */
import type { Estimate } from '../../src/kernel/contracts.js';
import type { Problem } from '../problem.js';

/** Formats a value with 3 significant digits (4 for values >= 10). */
export function fmt(x: number): string {
  if (x === 0) return '0';
  const digits = Math.abs(x) >= 10 ? 4 : 3;
  return String(Number(x.toPrecision(digits)));
}

function cmp(c: 'greater' | 'less'): string {
  return c === 'greater' ? 'greater than' : 'less than';
}

/** Whether the answer must be a probability in [0, 1]. */
export function answerIsProbability(problem: Problem): boolean {
  switch (problem.family) {
    case 'binomial':
    case 'model-comparison':
    case 'bayes-rule':
    case 'categorical':
      return true;
    case 'two-proportions':
      return problem.target.kind === 'prob-greater';
    case 'poisson':
      return problem.target.kind !== 'rate';
    case 'normal-mean':
      return problem.target.kind !== 'mean';
    case 'exponential':
      return problem.target.kind === 'prob-longer' || problem.target.kind === 'prob-shorter';
  }
}

/** The answer's quantity ("posterior mean of the heads probability") and its sentence. */
export function describeAnswer(problem: Problem, value: number, priorLabel: string, estimates: Estimate[]): { quantity: string; text: string } {
  const main = estimates[0];
  const ci = main ? `${Math.round(main.intervalMass * 100)}% credible interval ${fmt(main.interval[0])}–${fmt(main.interval[1])}` : '';
  const v = fmt(value);
  switch (problem.family) {
    case 'binomial': {
      const label = problem.successLabel === 'success' ? 'success' : problem.successLabel;
      const t = problem.target;
      if (t.kind === 'prob-p') {
        const quantity = `posterior probability that the ${label} probability is ${cmp(t.comparison)} ${fmt(t.threshold)}`;
        return { quantity, text: `The probability that the ${label} probability is ${cmp(t.comparison)} ${fmt(t.threshold)} is ${v} (${priorLabel} prior; ${problem.successes} of ${problem.trials}).` };
      }
      if (t.kind === 'predictive') {
        const quantity = `posterior predictive probability that the next trial is a ${label}`;
        return { quantity, text: `The probability that the next trial is a ${label} is ${v} (posterior predictive, ${priorLabel} prior; ${ci}).` };
      }
      const quantity = `posterior mean of the ${label} probability`;
      return { quantity, text: `Posterior mean of the ${label} probability is ${v} (${priorLabel} prior; ${ci}).` };
    }
    case 'model-comparison': {
      const bf = estimates.find((e) => e.name === 'BF01')?.mean;
      const quantity = `posterior probability that the coin is ${problem.hypothesis}`;
      return { quantity, text: `The posterior probability that it is ${problem.hypothesis} is ${v} (Bayes factor fair:biased ${bf === undefined ? '?' : fmt(bf)}; ${priorLabel}).` };
    }
    case 'two-proportions': {
      const t = problem.target;
      const names = problem.groups.map((g) => g.label);
      if (t.kind === 'prob-greater') {
        const quantity = `posterior probability that ${names[t.first]}'s rate exceeds ${names[t.second]}'s`;
        return { quantity, text: `The probability that ${names[t.first]} has a higher rate than ${names[t.second]} is ${v} (${priorLabel}).` };
      }
      const diff = estimates.find((e) => e.name === 'difference');
      const dci = diff ? `; ${Math.round(diff.intervalMass * 100)}% credible interval ${fmt(diff.interval[0])}–${fmt(diff.interval[1])}` : '';
      const quantity = `posterior mean of the rate of ${names[t.minuend]} minus the rate of ${names[t.subtrahend]}`;
      return { quantity, text: `The posterior mean difference (${names[t.minuend]} minus ${names[t.subtrahend]}) is ${v} (${priorLabel}${dci}).` };
    }
    case 'poisson': {
      const t = problem.target;
      if (t.kind === 'rate') {
        const quantity = t.window === 1 ? `posterior mean of the ${problem.eventLabel} rate per ${problem.unit}` : `posterior mean of the expected number of ${problem.eventLabel} in ${fmt(t.window)} ${problem.unit}s`;
        return { quantity, text: `The ${quantity} is ${v} (${priorLabel}; rate ${ci} per ${problem.unit}).` };
      }
      if (t.kind === 'prob-rate') {
        const quantity = `posterior probability that the rate is ${cmp(t.comparison)} ${fmt(t.threshold)} per ${problem.unit}`;
        return { quantity, text: `The probability that the ${problem.eventLabel} rate is ${cmp(t.comparison)} ${fmt(t.threshold)} per ${problem.unit} is ${v} (${priorLabel}).` };
      }
      const what = t.kind === 'prob-none' ? 'no' : 'at least one';
      const quantity = `posterior predictive probability of ${what} ${problem.eventLabel} in ${fmt(t.window)} ${problem.unit}${t.window === 1 ? '' : 's'}`;
      return { quantity, text: `The probability of ${what} ${problem.eventLabel} in the next ${fmt(t.window)} ${problem.unit}${t.window === 1 ? '' : 's'} is ${v} (${priorLabel}).` };
    }
    case 'normal-mean': {
      const unit = problem.unit ? ` ${problem.unit}` : '';
      if (problem.target.kind === 'mean') {
        return { quantity: 'posterior mean of the mean', text: `Posterior mean of the mean is ${v}${unit} (${priorLabel}; ${ci}).` };
      }
      const quantity = `posterior probability that the mean is ${cmp(problem.target.comparison)} ${fmt(problem.target.threshold)}`;
      return { quantity, text: `The probability that the mean is ${cmp(problem.target.comparison)} ${fmt(problem.target.threshold)}${unit} is ${v} (${priorLabel}; ${ci}).` };
    }
    case 'bayes-rule': {
      const quantity = `probability of ${problem.complement ? 'not having ' : ''}${problem.conditionLabel} given a ${problem.result} result`;
      return { quantity, text: `By Bayes' rule the ${quantity} is ${v} (base rate ${fmt(problem.prevalence)}, true positive rate ${fmt(problem.sensitivity)}, false positive rate ${fmt(problem.falsePositiveRate)}).` };
    }
    case 'categorical': {
      const quantity = `posterior mean probability of ${problem.askedLabel}`;
      return { quantity, text: `The posterior mean probability of ${problem.askedLabel} is ${v} (${priorLabel} over ${problem.categoryCount} categories; ${ci}).` };
    }
    case 'exponential': {
      const t = problem.target;
      if (t.kind === 'rate') return { quantity: `posterior mean of the rate per ${problem.unit}`, text: `Posterior mean of the rate is ${v} per ${problem.unit} (${priorLabel}; ${ci}).` };
      if (t.kind === 'mean-lifetime') return { quantity: `posterior mean of the mean lifetime in ${problem.unit}s`, text: `Posterior mean of the mean lifetime is ${v} ${problem.unit}s (${priorLabel}).` };
      const how = t.kind === 'prob-longer' ? 'lasts longer than' : 'ends within';
      return { quantity: `posterior predictive probability that the next one ${how} ${fmt(t.duration)} ${problem.unit}s`, text: `The probability that the next one ${how} ${fmt(t.duration)} ${problem.unit}s is ${v} (${priorLabel}).` };
    }
  }
}
