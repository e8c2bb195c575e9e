import { describe, expect, it } from 'vitest';
import { LEGIT_PROGRAMS, largeRealisticProgram } from '../../fixtures/legit-programs.js';
import { loadValidatorPolicy } from '../../../src/sandbox/validator/policy.js';
import { TreeSitterValidator } from '../../../src/sandbox/validator/tree-sitter-validator.js';
import { DEFAULT_ALLOWED, makeValidator } from './validator-fixture.js';

const SNIPPETS: { name: string; code: string }[] = [
  { name: 'f-string with spec and conversion', code: 'x = 1.5\nprint(f"{x:.3f} {x!r} {x:>{8}}")\n' },
  { name: 'str.format with specs on a literal', code: 'print("{:.2f} {0:>5} {name:<3}".format(1.0, name="a"))\n' },
  { name: 'main guard with single quotes', code: "def main():\n    pass\n\nif __name__ == '__main__':\n    main()\n" },
  { name: 'eval and open in strings and comments', code: '# never call eval or open here\nmsg = "eval(open(x))"\nprint(msg)\n' },
  { name: 'rng seeded', code: 'import numpy as np\nrng = np.random.default_rng(42)\nprint(rng.normal())\n' },
  { name: 'scipy beta ppf', code: 'import scipy.stats\nprint(scipy.stats.beta(15, 7).ppf(0.025))\n' },
  { name: 'json dumps', code: 'import json\nprint(json.dumps({"a": 1}))\n' },
  { name: 'comprehensions and lambdas', code: 'xs = [i * i for i in range(5)]\nf = lambda v: v + 1\nprint(sorted(xs, key=lambda v: -v), f(1))\n' },
  { name: 'super().__init__ in a subclass', code: 'class A:\n    def __init__(self, x):\n        self.x = x\n\nclass B(A):\n    def __init__(self):\n        super().__init__(1)\n' },
  { name: 'future annotations', code: 'from __future__ import annotations\n\ndef f(x: int) -> int:\n    return x\n' },
  { name: 'non-ASCII identifiers that NFKC keeps', code: 'σ = 2.0\nμ = 0.5\nprint(μ + σ)\n' },
  { name: 'LaTeX-like string with braces', code: 'label = r"$\\frac{1}{2}\\mathbb{E}[X]$"\nprint(label)\n' },
  { name: 'docstring mentioning __init__', code: 'def f():\n    """Like __init__ but lazy."""\n    return 1\n' },
  { name: 'CRLF line endings', code: 'x = 1\r\nprint(x)\r\n' },
  { name: 'utf-8 coding cookie', code: '# -*- coding: utf-8 -*-\nprint(1)\n' },
  { name: 'one-argument type', code: 'print(type(1))\n' },
];

describe('TreeSitterValidator: legitimate programs', () => {
  const validator = makeValidator();

  it('has at least 28 realistic fixtures', () => {
    expect(LEGIT_PROGRAMS.length).toBeGreaterThanOrEqual(28);
  });

  it.each(LEGIT_PROGRAMS.map((p) => ({ name: p.name, code: p.code })))('accepts fixture $name', ({ code }) => {
    const report = validator.validate(code, { allowedImports: DEFAULT_ALLOWED });
    expect(report.violations).toEqual([]);
    expect(report.ok).toBe(true);
  });

  it.each(SNIPPETS)('accepts $name', ({ code }) => {
    const report = validator.validate(code, { allowedImports: DEFAULT_ALLOWED });
    expect(report.violations).toEqual([]);
  });

  it('accepts a 1,000-line program built from the fixtures', () => {
    const code = largeRealisticProgram(1000);
    expect(code.split('\n').length).toBeGreaterThanOrEqual(1000);
    expect(validator.validate(code, { allowedImports: DEFAULT_ALLOWED }).violations).toEqual([]);
  });

  it('gives the same report from its cache', () => {
    const cached = new TreeSitterValidator(loadValidatorPolicy());
    const bad = 'import os\n';
    const first = cached.validate(bad, { allowedImports: DEFAULT_ALLOWED });
    const second = cached.validate(bad, { allowedImports: DEFAULT_ALLOWED });
    expect(second.violations).toEqual(first.violations);
    expect(cached.validate(bad, { allowedImports: ['os'] }).ok).toBe(true);
  });
});
