import type { ProblemOf } from '../../problem.js';
import { py } from './prelude.js';

/** Discrete Bayes' rule, exact. */
export function bayesRuleProgram(problem: ProblemOf<'bayes-rule'>): string {
  const positive = problem.result === 'positive';
  return `
prior = ${py(problem.prevalence)}
sensitivity = ${py(problem.sensitivity)}
fpr = ${py(problem.falsePositiveRate)}
like_c = ${positive ? 'sensitivity' : '1.0 - sensitivity'}
like_not = ${positive ? 'fpr' : '1.0 - fpr'}
evidence = like_c * prior + like_not * (1.0 - prior)
if evidence <= 0.0:
    raise SystemExit("the observed result has probability zero under the stated rates")
posterior = like_c * prior / evidence
estimates = [
    point("P(condition | result)", "posterior probability of the condition given the result", posterior),
    point("P(result)", "probability of the observed result", evidence),
]
value = ${problem.complement ? '1.0 - posterior' : 'posterior'}
emit(estimates, value, {"method": "closed-form"})
`;
}
