import type { ProblemOf } from '../../problem.js';
import { py } from './prelude.js';

/** Gamma-Poisson: rate | k ~ Gamma(k + offset, rate = exposure), exact. */
export function poissonProgram(problem: ProblemOf<'poisson'>, prior: { shapeOffset: number }): string {
  const t = problem.target;
  let value: string;
  if (t.kind === 'rate') value = `post.mean() * ${py(t.window)}`;
  else if (t.kind === 'prob-rate') value = t.comparison === 'greater' ? `post.sf(${py(t.threshold)})` : `post.cdf(${py(t.threshold)})`;
  else if (t.kind === 'prob-none') value = `(exposure / (exposure + ${py(t.window)})) ** shape`;
  else value = `1.0 - (exposure / (exposure + ${py(t.window)})) ** shape`;
  const windowEstimate =
    t.kind === 'rate' && t.window !== 1
      ? `estimates.append(summarize("expected count", "posterior of the expected count in the window", post, ${py(t.window)}))\n`
      : '';
  return `
k = ${py(problem.events)}
exposure = ${py(problem.exposure)}
shape = k + ${py(prior.shapeOffset)}
post = Gamma(shape, exposure)
estimates = [summarize("rate", "posterior of the event rate per unit", post)]
${windowEstimate}value = ${value}
emit(estimates, value, {"method": "closed-form", "posterior": "Gamma", "shape": shape, "rate": exposure})
`;
}
