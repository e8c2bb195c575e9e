import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load-config.js';
import { checkAgainstCeiling, parseSettingsPatch, toRunLimits } from '../../../src/sandbox/settings-policy.js';
import { isKernelError } from '../../../src/errors.js';

const config = loadConfig({ env: {} });

function codeOf(fn: () => void): string | undefined {
  try {
    fn();
  } catch (e) {
    return isKernelError(e) ? e.code : 'OTHER';
  }
  return undefined;
}

describe('settings policy', () => {
  it('accepts values within the ceiling', () => {
    expect(codeOf(() => checkAgainstCeiling({ cpuLimit: 4, memoryLimitMb: 2048, executionTimeoutS: 120, allowedImports: ['numpy', 'random'] }, config))).toBeUndefined();
  });

  it('refuses networking, disabled validation and values above the ceiling, listing each', () => {
    let message = '';
    try {
      checkAgainstCeiling({ enableNetworking: true, enableAstValidation: false, memoryLimitMb: 999_999, allowedImports: ['os', 'numpy'] }, config);
    } catch (e) {
      expect(isKernelError(e, 'CONFIG_NOT_ALLOWED')).toBe(true);
      message = (e as Error).message;
    }
    expect(message).toContain('RK_ALLOW_NETWORKING');
    expect(message).toContain('RK_ALLOW_DISABLE_VALIDATION');
    expect(message).toContain('memory_limit_mb');
    expect(message).toContain('os');
  });

  it('allows what the operator opened at startup', () => {
    const open = loadConfig({ env: { RK_ALLOW_NETWORKING: 'true', RK_ALLOW_DISABLE_VALIDATION: 'true' } });
    expect(codeOf(() => checkAgainstCeiling({ enableNetworking: true, enableAstValidation: false }, open))).toBeUndefined();
  });

  it('rejects unknown fields and wrong types with INVALID_INPUT', () => {
    expect(codeOf(() => parseSettingsPatch({ cpuLimit: 'two' }))).toBe('INVALID_INPUT');
    expect(codeOf(() => parseSettingsPatch({ bogus: 1 }))).toBe('INVALID_INPUT');
    expect(codeOf(() => parseSettingsPatch({ allowedImports: ['os.path'] }))).toBe('INVALID_INPUT');
    expect(parseSettingsPatch(undefined)).toEqual({});
  });

  it('turns settings into executor limits with units', () => {
    const limits = toRunLimits({ ...config.sandbox, executionTimeoutS: 1.5 }, config);
    expect(limits).toMatchObject({ timeoutMs: 1500, memoryLimitMb: 512, cpuLimit: 2, tempStorageMb: 50, enableNetworking: false });
    expect(limits.maxOutputBytes).toBe(1024 * 1024);
  });
});
