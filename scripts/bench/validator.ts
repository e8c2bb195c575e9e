import Parser from 'tree-sitter';
import Python from 'tree-sitter-python';
import { DEFAULT_EXTRA_IMPORTS, SEED_ALLOWED_IMPORTS } from '../../src/config/schema.js';
import { loadValidatorPolicy } from '../../src/sandbox/validator/policy.js';
import { TreeSitterValidator } from '../../src/sandbox/validator/tree-sitter-validator.js';
import { type BenchRow, measure } from './bench-kit.js';

const SMALL_PROGRAM = `import json
from scipy import stats

heads, flips = 15, 20
posterior = stats.beta(1 + heads, 1 + flips - heads)
lo, hi = posterior.ppf([0.025, 0.975])
print("RESULT " + json.dumps({"mean": posterior.mean(), "lo": lo, "hi": hi}))
`;

/** A realistic program of about `lines` lines: numpy/scipy functions like the synthesized ones. */
export function realisticProgram(lines = 1000): string {
  const out = ['import json', 'import math', 'import numpy as np', 'from scipy import stats', 'from dataclasses import dataclass', ''];
  for (let i = 0; out.length < lines; i++) {
    out.push(
      '@dataclass',
      `class Summary${i}:`,
      '    mean: float',
      '    lo: float',
      '    hi: float',
      '',
      '    def __repr__(self):',
      `        return f"Summary${i}(mean={self.mean:.4f}, ci=[{self.lo:.3f}, {self.hi:.3f}])"`,
      '',
      '',
      `def posterior_${i}(successes, trials, prior_a=1.0, prior_b=1.0, seed=${i}):`,
      '    """Beta-binomial posterior with a Monte Carlo check."""',
      '    a = prior_a + successes',
      '    b = prior_b + trials - successes',
      '    dist = stats.beta(a, b)',
      '    lo, hi = dist.ppf([0.025, 0.975])',
      '    rng = np.random.default_rng(seed)',
      '    draws = rng.beta(a, b, size=10_000)',
      '    mc_error = abs(draws.mean() - dist.mean())',
      '    if mc_error > 0.01:',
      '        raise ValueError("Monte Carlo check failed")',
      '    values = [float(x) for x in np.quantile(draws, [0.1, 0.5, 0.9])]',
      '    scale = math.sqrt(a * b / ((a + b) ** 2 * (a + b + 1)))',
      '    print("{:.3f} {:.3f}".format(scale, values[1]))',
      '    return Summary' + i + '(float(dist.mean()), float(lo), float(hi))',
      '',
      '',
    );
  }
  out.push('if __name__ == "__main__":', '    print(json.dumps({"ok": True}))', '');
  return out.join('\n');
}

/** Validation time of a small and a 1,000-line program (warm, one validator, cache off and on). */
export async function benchValidator(): Promise<BenchRow[]> {
  const allowedImports = [...SEED_ALLOWED_IMPORTS, ...DEFAULT_EXTRA_IMPORTS];
  const policy = loadValidatorPolicy();
  const uncached = new TreeSitterValidator(policy, { cacheEntries: 0 });
  const cached = new TreeSitterValidator(policy);
  const large = realisticProgram(1000);
  const lineCount = large.split('\n').length;
  for (const code of [large, SMALL_PROGRAM]) {
    const report = uncached.validate(code, { allowedImports });
    if (!report.ok) throw new Error(`benchmark program refused: ${JSON.stringify(report.violations.slice(0, 3))}`);
  }
  const rows: BenchRow[] = [];
  const cpu0 = process.cpuUsage();
  const largeT = await measure(() => uncached.validate(large, { allowedImports }), { runs: 300, warmup: 30 });
  const cpu = process.cpuUsage(cpu0);
  // CPU time per run is less sensitive than wall time to other processes on a busy machine.
  const cpuMsPerRun = Math.round(((cpu.user + cpu.system) / 1000 / 330) * 1000) / 1000;
  const largeCached = await measure(() => cached.validate(large, { allowedImports }), { runs: 300, warmup: 5 });
  rows.push({
    group: 'validator',
    scenario: `validate ${lineCount}-line program (parse + walk, no cache)`,
    runs: largeT.runs,
    medianMs: largeT.medianMs,
    p95Ms: largeT.p95Ms,
    p99Ms: largeT.p99Ms,
    extra: { lines: lineCount, chars: large.length, cpuMsPerRun, cachedMedianMs: largeCached.medianMs, cachedP95Ms: largeCached.p95Ms },
  });
  // The floor under the validator: tree-sitter-python's parse of the same text, nothing else.
  const parser = new Parser();
  parser.setLanguage(Python as unknown as Parser.Language);
  const parseOnly = await measure(() => parser.parse(large), { runs: 100, warmup: 10 });
  rows.push({
    group: 'validator',
    scenario: `tree-sitter parse alone of the ${lineCount}-line program (floor)`,
    runs: parseOnly.runs,
    medianMs: parseOnly.medianMs,
    p95Ms: parseOnly.p95Ms,
    extra: { shareOfValidation: `${Math.round((parseOnly.medianMs / largeT.medianMs) * 100)}%` },
  });
  const smallT = await measure(() => uncached.validate(SMALL_PROGRAM, { allowedImports }), { runs: 500, warmup: 50 });
  rows.push({
    group: 'validator',
    scenario: `validate ${SMALL_PROGRAM.split('\n').length}-line program (no cache)`,
    runs: smallT.runs,
    medianMs: smallT.medianMs,
    p95Ms: smallT.p95Ms,
    p99Ms: smallT.p99Ms,
  });
  return rows;
}
