import { describe, expect, it } from 'vitest';
import { TierRouter, importedModules } from '../../../../src/sandbox/local/pool-routing.js';

describe('importedModules', () => {
  it.each([
    ['import numpy', ['numpy']],
    ['import numpy as np, json', ['numpy', 'json']],
    ['import scipy.stats as st', ['scipy.stats']],
    ['from scipy import stats', ['scipy']],
    ['from scipy.special import gammaln, betaln', ['scipy.special']],
    ['x = 1; import math', ['math']],
    ['if True: import random', ['random']],
    ['def f():\n    from collections import Counter\n    import numpy.linalg\n', ['collections', 'numpy.linalg']],
    ['\timport json', ['json']],
    ['print("no imports here")', []],
    ['important = 1\nfromage = 2\n', []],
    ['from . import sibling', []],
  ])('%j -> %j', (code, expected) => {
    expect(importedModules(code).sort()).toEqual([...expected].sort());
  });
});

describe('TierRouter', () => {
  const stdlib = new Set(['json', 'math', 'random', 'collections', 'os', 'sys', 'csv', 'itertools', 'statistics']);
  const full = { loaded: new Set(['numpy', 'numpy.linalg', 'scipy', 'scipy.special', 'scipy.stats', 'json', 'math', 'os', 'sys', '_ctypes']), stdlib };
  const light = { loaded: new Set(['json', 'math', 'random', 'collections', 'os', 'sys']), stdlib };
  const router = new TierRouter(full, light);

  it.each([
    ['print(1)', false],
    ['import json, math\nprint(json.dumps(math.pi))', false],
    ['import csv  # standard library the light tier has not imported yet', false],
    ['from statistics import mean\nprint(mean([1, 2]))', false],
    ['import numpy as np', true],
    ['from scipy.special import gammaln', true],
    ['import scipy.stats', true],
    ['x = __import__("numpy")  # no import statement, still numpy', true],
    ['import jax  # third-party the light tier lacks: the full tier has numpy for it', true],
    ['import pandas as pd', true],
    ['s = "numpyro"  # a longer word', false],
    ['numbers = [1, 2]\nprint(sum(numbers))', false],
  ])('%j -> full: %s', (code, wantsFull) => {
    expect(router.wantsFull(code)).toBe(wantsFull);
  });

  it('routes by the configured lists before any interpreter has reported', () => {
    const early = new TierRouter({ loaded: new Set(['numpy', 'scipy', 'json']), stdlib: new Set() }, { loaded: new Set(['json', 'math']), stdlib: new Set() });
    expect(early.wantsFull('import numpy')).toBe(true);
    expect(early.wantsFull('import json\nprint(1)')).toBe(false);
    expect(early.wantsFull('print(1)')).toBe(false);
  });
});
