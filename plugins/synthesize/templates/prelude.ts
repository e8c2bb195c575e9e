/**
 * Shared pieces of every synthesized program: imports, the estimate helpers and the one result
 * line. Only numbers reach the code (through `py()`); no question text ever does.
 */

/** The marker that starts the one result line a program prints. */
export const RESULT_MARKER = 'RK_RESULT ';

/** A finite number as a Python literal. */
export function py(x: number): string {
  if (!Number.isFinite(x)) throw new Error(`refusing to embed a non-finite number (${x}) in a program`);
  return Number.isInteger(x) ? String(x) : String(x).replace(/^(-?)\./, '$10.');
}

/**
 * Python header: imports, the interval mass, the seed and the helpers. The posteriors are small
 * classes over \`scipy.special\` (regularised incomplete beta/gamma functions and Student's t):
 * the same closed forms as \`scipy.stats\`, whose import alone costs about a second of cold start.
 */
export function prelude(options: { intervalMass: number; seed: number }): string {
  return `import json
import math
import numpy as np
from scipy import special

MASS = ${py(options.intervalMass)}
SEED = ${py(options.seed)}


class Beta:
    def __init__(self, a, b):
        self.a = float(a)
        self.b = float(b)

    def mean(self):
        return self.a / (self.a + self.b)

    def var(self):
        s = self.a + self.b
        return self.a * self.b / (s * s * (s + 1.0))

    def std(self):
        return math.sqrt(self.var())

    def cdf(self, x):
        return float(special.betainc(self.a, self.b, x))

    def sf(self, x):
        return float(special.betaincc(self.a, self.b, x))

    def ppf(self, q):
        return float(special.betaincinv(self.a, self.b, q))

    def interval(self, mass):
        tail = (1.0 - mass) / 2.0
        return self.ppf(tail), self.ppf(1.0 - tail)

    def draw(self, size, rng):
        return rng.beta(self.a, self.b, size)


class Gamma:
    """Gamma(shape, rate)."""

    def __init__(self, shape, rate):
        self.shape = float(shape)
        self.rate = float(rate)

    def mean(self):
        return self.shape / self.rate

    def var(self):
        return self.shape / (self.rate * self.rate)

    def std(self):
        return math.sqrt(self.var())

    def cdf(self, x):
        return float(special.gammainc(self.shape, self.rate * x))

    def sf(self, x):
        return float(special.gammaincc(self.shape, self.rate * x))

    def ppf(self, q):
        return float(special.gammaincinv(self.shape, q)) / self.rate

    def interval(self, mass):
        tail = (1.0 - mass) / 2.0
        return self.ppf(tail), self.ppf(1.0 - tail)


class InvGamma:
    """Inverse-gamma(shape, scale): 1/X for X ~ Gamma(shape, rate=scale)."""

    def __init__(self, shape, scale):
        self.shape = float(shape)
        self.scale = float(scale)

    def mean(self):
        return self.scale / (self.shape - 1.0) if self.shape > 1.0 else math.inf

    def std(self):
        if self.shape <= 2.0:
            return math.inf
        return self.scale / ((self.shape - 1.0) * math.sqrt(self.shape - 2.0))

    def ppf(self, q):
        return self.scale / float(special.gammainccinv(self.shape, q))

    def interval(self, mass):
        tail = (1.0 - mass) / 2.0
        return self.ppf(tail), self.ppf(1.0 - tail)


class StudentT:
    def __init__(self, df, loc, scale):
        self.df = float(df)
        self.loc = float(loc)
        self.scale = float(scale)

    def cdf(self, x):
        return float(special.stdtr(self.df, (x - self.loc) / self.scale))

    def sf(self, x):
        return float(special.stdtr(self.df, (self.loc - x) / self.scale))

    def ppf(self, q):
        return self.loc + self.scale * float(special.stdtrit(self.df, q))

    def interval(self, mass):
        tail = (1.0 - mass) / 2.0
        return self.ppf(tail), self.ppf(1.0 - tail)


def finite(x, fallback):
    x = float(x)
    return x if math.isfinite(x) else float(fallback)


def summarize(name, description, dist, scale=1.0):
    lo, hi = dist.interval(MASS)
    mean = float(dist.mean()) * scale
    sd = finite(dist.std() * scale, 0.0)
    return {"name": name, "description": description, "mean": mean, "sd": sd,
            "interval": [float(lo) * scale, float(hi) * scale], "intervalMass": MASS}


def point(name, description, value):
    value = float(value)
    return {"name": name, "description": description, "mean": value, "sd": 0.0,
            "interval": [value, value], "intervalMass": MASS}


def emit(estimates, value, diagnostics):
    print("${RESULT_MARKER}" + json.dumps({"estimates": estimates, "answer": {"value": float(value)},
                                     "diagnostics": diagnostics}))
`;
}
