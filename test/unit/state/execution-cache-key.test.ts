import { describe, expect, it } from 'vitest';
import { canonicalJson, executionCacheKey } from '../../../src/state/execution-cache-key.js';
import { buildSandboxSettings } from '../../helpers/fixtures.js';

describe('executionCacheKey', () => {
  const code = 'print(1)\n';

  it('is a sha256 hex digest, stable for the same inputs', () => {
    const key = executionCacheKey(code, buildSandboxSettings(), 'local');
    expect(key).toMatch(/^[0-9a-f]{64}$/);
    expect(executionCacheKey(code, buildSandboxSettings(), 'local')).toBe(key);
  });

  it('does not depend on the order of settings keys', () => {
    const settings = buildSandboxSettings();
    const reordered = Object.fromEntries(Object.entries(settings).reverse()) as typeof settings;
    expect(executionCacheKey(code, reordered, 'local')).toBe(executionCacheKey(code, settings, 'local'));
  });

  it('changes with any byte of the code, any setting, or the executor kind', () => {
    const base = executionCacheKey(code, buildSandboxSettings(), 'local');
    const variants = [
      executionCacheKey('print(1) \n', buildSandboxSettings(), 'local'),
      executionCacheKey(code, buildSandboxSettings({ memoryLimitMb: 513 }), 'local'),
      executionCacheKey(code, buildSandboxSettings({ executionTimeoutS: 31 }), 'local'),
      executionCacheKey(code, buildSandboxSettings({ allowedImports: ['math', 'numpy'] }), 'local'),
      executionCacheKey(code, buildSandboxSettings(), 'daytona'),
    ];
    expect(new Set([base, ...variants]).size).toBe(variants.length + 1);
  });

  it('sorts keys at every depth and keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, 1], c: null } })).toBe('{"a":{"c":null,"d":[2,1]},"b":1}');
  });
});
