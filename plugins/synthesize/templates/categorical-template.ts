import type { ProblemOf } from '../../problem.js';
import { py } from './prelude.js';

/**
 * Dirichlet-Multinomial: theta_j | counts ~ Beta(c_j + a, N - c_j + (K - 1) a), exact. For m
 * categories asked together (aggregation property) their summed probability is
 * Beta(c + m a, N - c + (K - m) a), c the summed count.
 */
export function categoricalProgram(problem: ProblemOf<'categorical'>, prior: { alpha: number }): string {
  const all = problem.counts
    ? `counts = [${problem.counts.map(py).join(', ')}]
for j, cj in enumerate(counts):
    estimates.append(summarize("theta" + str(j + 1), "posterior of one category's probability",
                               Beta(cj + a, N - cj + (K - 1) * a)))
`
    : '';
  return `
K = ${py(problem.categoryCount)}
N = ${py(problem.total)}
c = ${py(problem.askedCount)}
m = ${py(problem.askedCategories ?? 1)}
a = ${py(prior.alpha)}
post = Beta(c + m * a, N - c + (K - m) * a)
estimates = [summarize("theta", "posterior of the asked category's probability", post)]
${all}value = (c + m * a) / (N + K * a)
emit(estimates, value, {"method": "closed-form", "posterior": "Dirichlet", "K": K})
`;
}
