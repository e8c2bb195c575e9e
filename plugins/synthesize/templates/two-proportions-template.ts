import type { ProblemOf } from '../../problem.js';
import { py } from './prelude.js';

/** Draws used only for the interval of the difference (its mean is exact). */
export const DIFFERENCE_DRAWS = 200_000;

/**
 * Two independent Beta posteriors. P(p_i > p_j) by quadrature over the quantiles of p_i (a
 * bounded integrand, also for Jeffreys priors); the difference's mean and sd are exact, its
 * interval comes from seeded draws. A Monte Carlo estimate of the probability is a cross-check.
 */
export function twoProportionsProgram(problem: ProblemOf<'two-proportions'>, prior: { alpha: number; beta: number }): string {
  const [g0, g1] = problem.groups;
  const t = problem.target;
  const [i, j] = t.kind === 'prob-greater' ? [t.first, t.second] : [t.minuend, t.subtrahend];
  return `
from scipy import integrate

posts = [
    Beta(${py(prior.alpha)} + ${py(g0.successes)}, ${py(prior.beta)} + ${py(g0.trials - g0.successes)}),
    Beta(${py(prior.alpha)} + ${py(g1.successes)}, ${py(prior.beta)} + ${py(g1.trials - g1.successes)}),
]
first = posts[${i}]
second = posts[${j}]
prob, quad_error = integrate.quad(lambda u: second.cdf(first.ppf(u)), 0.0, 1.0, limit=200, epsabs=1e-12)
prob = min(1.0, max(0.0, prob))
rng = np.random.default_rng(SEED)
draws = ${py(DIFFERENCE_DRAWS)}
d = first.draw(draws, rng) - second.draw(draws, rng)
prob_mc = float(np.mean(d > 0))
mc_se = math.sqrt(max(prob_mc * (1.0 - prob_mc), 1.0 / draws) / draws)
lo, hi = np.quantile(d, [(1.0 - MASS) / 2.0, 1.0 - (1.0 - MASS) / 2.0])
diff_mean = float(first.mean() - second.mean())
diff_sd = math.sqrt(float(first.var() + second.var()))
estimates = [
    summarize("p0", "posterior of the first group's rate", posts[0]),
    summarize("p1", "posterior of the second group's rate", posts[1]),
    {"name": "difference", "description": "posterior of the difference of the compared rates", "mean": diff_mean,
     "sd": diff_sd, "interval": [float(lo), float(hi)], "intervalMass": MASS},
    point("P(greater)", "posterior probability that the first compared rate is the larger", prob),
]
value = ${t.kind === 'prob-greater' ? 'prob' : 'diff_mean'}
emit(estimates, value, {"method": "quadrature", "quadratureError": float(quad_error), "mcDraws": draws,
                        "mcStandardError": mc_se, "mcCheck": abs(prob_mc - prob)})
`;
}
