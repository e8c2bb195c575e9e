import type { ProblemOf } from '../../problem.js';
import { py } from './prelude.js';

/** Reference prior: mu | x ~ Student-t(n - 1, mean(x), s / sqrt(n)), exact. */
export function normalMeanProgram(problem: ProblemOf<'normal-mean'>): string {
  const t = problem.target;
  const value = t.kind === 'mean' ? 'xbar' : t.comparison === 'greater' ? `post.sf(${py(t.threshold)})` : `post.cdf(${py(t.threshold)})`;
  return `
x = np.array([${problem.values.map(py).join(', ')}], dtype=float)
n = x.size
xbar = float(x.mean())
s = float(x.std(ddof=1))
scale = s / math.sqrt(n)
df = n - 1
post = StudentT(df, xbar, scale)
lo, hi = post.interval(MASS)
# The t posterior has a finite sd only for df > 2; below that report its scale.
sd = scale * math.sqrt(df / (df - 2.0)) if df > 2 else scale
estimates = [{"name": "mu", "description": "posterior of the mean", "mean": xbar, "sd": sd,
              "interval": [float(lo), float(hi)], "intervalMass": MASS}]
value = ${value}
emit(estimates, value, {"method": "closed-form", "posterior": "Student-t", "df": df, "scale": scale, "sdIsScale": df <= 2})
`;
}
