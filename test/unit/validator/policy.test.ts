import { Container } from 'inversify';
import { describe, expect, it } from 'vitest';
import { isKernelError } from '../../../src/errors.js';
import { TOKENS } from '../../../src/kernel/tokens.js';
import { compilePolicy, loadValidatorPolicy } from '../../../src/sandbox/validator/policy.js';
import { validatorModule } from '../../../src/sandbox/validator/validator-module.js';
import { TreeSitterValidator } from '../../../src/sandbox/validator/tree-sitter-validator.js';

describe('validator policy', () => {
  it('loads config/validator-policy.json with the walked re-exports', () => {
    const policy = loadValidatorPolicy();
    for (const path of ['typing.sys', 'dataclasses.builtins', 'dataclasses.inspect', 'numpy.ctypeslib', 'numpy.f2py', 'numpy.testing', 'random._os', 'collections._sys', 'numpy.load', 'scipy.io']) {
      expect(policy.deniedPaths.has(path), path).toBe(true);
    }
    expect(policy.modulePaths.has('scipy.stats')).toBe(true);
    expect(policy.forbiddenNames.has('eval')).toBe(true);
  });

  it('refuses a malformed policy with CONFIG_INVALID naming the key', () => {
    try {
      compilePolicy({ version: 1, limits: { maxSourceBytes: 10, maxViolations: 0 } }, 'test policy');
      expect.unreachable();
    } catch (e) {
      expect(isKernelError(e, 'CONFIG_INVALID')).toBe(true);
      expect((e as Error).message).toContain('limits.maxSourceBytes');
    }
  });

  it('binds TOKENS.CodeValidator as a singleton through validatorModule', () => {
    const container = new Container();
    container.load(validatorModule);
    const a = container.get(TOKENS.CodeValidator);
    expect(a).toBeInstanceOf(TreeSitterValidator);
    expect(container.get(TOKENS.CodeValidator)).toBe(a);
    expect(a.validate('import math\nprint(math.pi)\n', { allowedImports: ['math'] }).ok).toBe(true);
  });
});
