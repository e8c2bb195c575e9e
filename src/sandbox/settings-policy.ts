import type { AppConfig } from '../config/schema.js';
import { sandboxSettingsFields } from '../config/schema.js';
import { z } from 'zod';
import type { RunLimits, SandboxSettings } from '../kernel/contracts.js';
import { KernelError } from '../errors.js';

/** Partial settings as a caller may send them (validated here, not trusted). */
export const sandboxSettingsPatchSchema = z.object(sandboxSettingsFields).partial().strict();

/**
 * Checks a caller's settings (a `PUT /config` patch or a request's `config`) against the
 * operator's ceiling. Throws one `CONFIG_NOT_ALLOWED` error listing every refused value.
 */
export function checkAgainstCeiling(settings: Partial<SandboxSettings>, config: Readonly<AppConfig>): void {
  const c = config.ceiling;
  const problems: string[] = [];
  if (settings.cpuLimit !== undefined && settings.cpuLimit > c.maxCpuLimit) {
    problems.push(`cpu_limit ${settings.cpuLimit} exceeds the operator's maximum ${c.maxCpuLimit} (RK_CEILING_MAX_CPU_LIMIT)`);
  }
  if (settings.memoryLimitMb !== undefined && settings.memoryLimitMb > c.maxMemoryLimitMb) {
    problems.push(`memory_limit_mb ${settings.memoryLimitMb} exceeds the operator's maximum ${c.maxMemoryLimitMb} (RK_CEILING_MAX_MEMORY_LIMIT_MB)`);
  }
  if (settings.executionTimeoutS !== undefined && settings.executionTimeoutS > c.maxExecutionTimeoutS) {
    problems.push(`execution_timeout ${settings.executionTimeoutS} exceeds the operator's maximum ${c.maxExecutionTimeoutS} s (RK_CEILING_MAX_EXECUTION_TIMEOUT)`);
  }
  if (settings.tempStorageMb !== undefined && settings.tempStorageMb > c.maxTempStorageMb) {
    problems.push(`temp_storage_mb ${settings.tempStorageMb} exceeds the operator's maximum ${c.maxTempStorageMb} (RK_CEILING_MAX_TEMP_STORAGE_MB)`);
  }
  if (settings.enableNetworking === true && !c.allowNetworking) {
    problems.push('enable_networking=true is refused: the operator did not allow networking at startup (RK_ALLOW_NETWORKING=true)');
  }
  if (settings.enableAstValidation === false && !c.allowDisableValidation) {
    problems.push('enable_ast_validation=false is refused: the operator did not allow turning validation off (RK_ALLOW_DISABLE_VALIDATION=true)');
  }
  if (settings.allowedImports) {
    const importable = new Set(c.importableModules);
    const refused = settings.allowedImports.filter((m) => !importable.has(m));
    if (refused.length > 0) {
      problems.push(`allowed_imports may only contain modules the operator allows (RK_IMPORTABLE_MODULES); refused: ${refused.join(', ')}`);
    }
  }
  if (problems.length > 0) {
    throw new KernelError('CONFIG_NOT_ALLOWED', problems.join('; '), { details: problems });
  }
}

/** Parses an untrusted partial settings object, throwing `INVALID_INPUT` naming each bad field. */
export function parseSettingsPatch(input: unknown): Partial<SandboxSettings> {
  const parsed = sandboxSettingsPatchSchema.safeParse(input ?? {});
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.') || 'config'}: ${i.message}`);
    throw new KernelError('INVALID_INPUT', `Invalid sandbox settings: ${problems.join('; ')}`, { details: problems });
  }
  return parsed.data;
}

/** The limits an executor applies, from effective settings. */
export function toRunLimits(settings: SandboxSettings, config: Readonly<AppConfig>): RunLimits {
  return {
    timeoutMs: Math.round(settings.executionTimeoutS * 1000),
    memoryLimitMb: settings.memoryLimitMb,
    cpuLimit: settings.cpuLimit,
    tempStorageMb: settings.tempStorageMb,
    maxOutputBytes: config.local.maxOutputBytes,
    enableNetworking: settings.enableNetworking,
  };
}
