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

/** Python header: imports, the interval mass, the seed and the helpers. */
export function prelude(options: { intervalMass: number; seed: number }): string {
  return `import json
import math
import numpy as np
from scipy import integrate, special, stats

MASS = ${py(options.intervalMass)}
SEED = ${py(options.seed)}


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
