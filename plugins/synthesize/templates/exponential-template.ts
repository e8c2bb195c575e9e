import type { ProblemOf } from '../../problem.js';
import { py } from './prelude.js';

/** Gamma-Exponential: rate | data ~ Gamma(n + offset, rate = S), exact. */
export function exponentialProgram(problem: ProblemOf<'exponential'>, prior: { shapeOffset: number }): string {
  const t = problem.target;
  const value =
    t.kind === 'rate'
      ? 'post.mean()'
      : t.kind === 'mean-lifetime'
        ? 'S / (shape - 1.0)'
        : t.kind === 'prob-longer'
          ? `(S / (S + ${py(t.duration)})) ** shape`
          : `1.0 - (S / (S + ${py(t.duration)})) ** shape`;
  const lifetime = `if shape > 1.0:
    estimates.append(summarize("mean lifetime", "posterior of the mean lifetime 1/rate", InvGamma(shape, S)))
`;
  return `
n = ${py(problem.count)}
S = ${py(problem.totalTime)}
shape = n + ${py(prior.shapeOffset)}
post = Gamma(shape, S)
estimates = [summarize("rate", "posterior of the rate per unit", post)]
${lifetime}value = ${value}
emit(estimates, value, {"method": "closed-form", "posterior": "Gamma", "shape": shape, "rate": S})
`;
}
