import type { ProblemOf } from '../../problem.js';
import { py } from './prelude.js';

/** Beta-Binomial: posterior Beta(k + a, n - k + b), exact. */
export function binomialProgram(problem: ProblemOf<'binomial'>, prior: { alpha: number; beta: number }): string {
  const t = problem.target;
  const value =
    t.kind === 'prob-p' ? (t.comparison === 'greater' ? `post.sf(${py(t.threshold)})` : `post.cdf(${py(t.threshold)})`) : 'post.mean()';
  return `
k = ${py(problem.successes)}
n = ${py(problem.trials)}
a = ${py(prior.alpha)} + k
b = ${py(prior.beta)} + n - k
post = Beta(a, b)
estimates = [summarize("p", "posterior of the success probability", post)]
estimates.append(point("P(p > 0.5)", "posterior probability that p exceeds 0.5", post.sf(0.5)))
value = ${value}
emit(estimates, value, {"method": "closed-form", "posterior": "Beta", "a": a, "b": b})
`;
}

/** Fair (p = 0.5) against biased (p ~ Beta(a, b)), prior odds 1:1, exact Bayes factor. */
export function modelComparisonProgram(problem: ProblemOf<'model-comparison'>, prior: { alpha: number; beta: number }): string {
  return `
k = ${py(problem.successes)}
n = ${py(problem.trials)}
a0 = ${py(prior.alpha)}
b0 = ${py(prior.beta)}
log_bf01 = n * math.log(0.5) - (special.betaln(k + a0, n - k + b0) - special.betaln(a0, b0))
p_fair = float(special.expit(log_bf01))
post = Beta(k + a0, n - k + b0)
estimates = [
    point("P(fair | data)", "posterior probability that p = 0.5", p_fair),
    point("BF01", "Bayes factor of fair against biased", math.exp(log_bf01)),
    summarize("p | biased", "posterior of p under the biased hypothesis", post),
]
value = ${problem.hypothesis === 'fair' ? 'p_fair' : '1.0 - p_fair'}
emit(estimates, value, {"method": "closed-form", "logBayesFactor01": float(log_bf01)})
`;
}
