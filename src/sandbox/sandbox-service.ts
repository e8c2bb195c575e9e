import { inject, injectable } from 'inversify';
import type { AppConfig } from '../config/schema.js';
import { KernelError, isKernelError } from '../errors.js';
import type { ExecutionResult, ExecutorStatus, SandboxInfo, SandboxSettings, ValidationReport } from '../kernel/contracts.js';
import {
  type CodeValidator,
  type ExecuteRequest,
  type Logger,
  type SandboxExecutor,
  type SandboxService,
  type StateStore,
  TOKENS,
} from '../kernel/tokens.js';
import { executionCacheKey } from '../state/execution-cache-key.js';
import { checkAgainstCeiling, parseSettingsPatch, toRunLimits } from './settings-policy.js';

/**
 * The one way untrusted code runs: input checks, effective settings within the ceiling,
 * static validation, optional result cache, then the bound executor.
 */
@injectable()
export class DefaultSandboxService implements SandboxService {
  private readonly log: Logger;
  /** Last settings read from the store, used while the store is unreachable. */
  private lastKnownSettings: SandboxSettings;

  constructor(
    @inject(TOKENS.Config) private readonly config: Readonly<AppConfig>,
    @inject(TOKENS.Logger) logger: Logger,
    @inject(TOKENS.CodeValidator) private readonly validator: CodeValidator,
    @inject(TOKENS.SandboxExecutor) private readonly executor: SandboxExecutor,
    @inject(TOKENS.StateStore) private readonly store: StateStore,
  ) {
    this.log = logger.child({ component: 'sandbox-service' });
    this.lastKnownSettings = cloneSettings(config.sandbox);
  }

  async execute(request: ExecuteRequest): Promise<ExecutionResult> {
    const { settings, cacheKey } = await this.prepare(request);
    const report = settings.enableAstValidation ? this.runValidator(request.code, settings) : undefined;
    if (report && !report.ok) return this.refused(report);

    if (cacheKey) {
      const cached = await this.store.getCachedExecution(cacheKey).catch((e: unknown) => this.cacheFailure(e));
      if (cached) return { ...cached, metadata: { ...cached.metadata, cache: 'hit' } };
    }
    const result = await this.executor.run({ code: request.code, limits: toRunLimits(settings, this.config), signal: request.signal });
    if (cacheKey) {
      result.metadata.cache = 'miss';
      if (result.status === 'completed' && !result.metadata.fallback) {
        await this.store
          .setCachedExecution(cacheKey, result, this.config.state.cacheTtlSeconds)
          .catch((e: unknown) => this.cacheFailure(e));
      }
    }
    return result;
  }

  async executeBatch(requests: ExecuteRequest[], options: { concurrency?: number } = {}): Promise<ExecutionResult[]> {
    const concurrency = Math.max(1, Math.min(options.concurrency ?? 4, 64));
    const results: ExecutionResult[] = new Array(requests.length);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < requests.length) {
        const index = next++;
        try {
          results[index] = await this.execute(requests[index]);
        } catch (e) {
          // One bad item must not sink the batch: report it as that item's result.
          results[index] = this.errorResult(e);
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, requests.length) }, worker));
    return results;
  }

  async validate(code: string, config?: Partial<SandboxSettings>): Promise<ValidationReport> {
    const { settings } = await this.prepare({ code, config });
    return this.runValidator(code, settings);
  }

  async getSettings(): Promise<SandboxSettings> {
    try {
      const stored = await this.store.getSandboxSettings();
      this.lastKnownSettings = stored ? { ...cloneSettings(this.config.sandbox), ...stored } : cloneSettings(this.config.sandbox);
    } catch (e) {
      if (!isKernelError(e, 'STATE_UNAVAILABLE')) throw e;
      this.log.warn({ err: e }, 'state store unavailable; using last known sandbox settings');
    }
    return cloneSettings(this.lastKnownSettings);
  }

  async updateSettings(patch: Partial<SandboxSettings>): Promise<SandboxSettings> {
    const parsed = parseSettingsPatch(patch);
    checkAgainstCeiling(parsed, this.config);
    const current = await this.getSettings();
    const next: SandboxSettings = { ...current, ...parsed };
    await this.store.setSandboxSettings(next);
    this.lastKnownSettings = cloneSettings(next);
    this.log.info({ changed: Object.keys(parsed) }, 'sandbox settings updated');
    return cloneSettings(next);
  }

  status(): Promise<ExecutorStatus> {
    return this.executor.status();
  }

  createSandbox(): Promise<SandboxInfo> {
    return this.executor.createSandbox();
  }

  destroySandbox(): Promise<boolean> {
    return this.executor.destroySandbox();
  }

  /** Input checks and effective settings for one request. */
  private async prepare(request: ExecuteRequest): Promise<{ settings: SandboxSettings; cacheKey?: string }> {
    const { code } = request;
    if (typeof code !== 'string') throw new KernelError('INVALID_INPUT', 'code must be a string of Python source');
    if (code.trim().length === 0) throw new KernelError('INVALID_INPUT', 'code is empty: send the Python program to run');
    const bytes = Buffer.byteLength(code, 'utf8');
    if (bytes > this.config.http.maxCodeBytes) {
      throw new KernelError(
        'INVALID_INPUT',
        `code is ${bytes} bytes, over the ${this.config.http.maxCodeBytes}-byte limit (RK_MAX_CODE_BYTES)`,
      );
    }
    const perRequest = parseSettingsPatch(request.config);
    if (request.timeoutS !== undefined) {
      if (typeof request.timeoutS !== 'number' || !Number.isFinite(request.timeoutS) || request.timeoutS <= 0) {
        throw new KernelError('INVALID_INPUT', 'timeout must be a positive number of seconds');
      }
      perRequest.executionTimeoutS = request.timeoutS;
    }
    checkAgainstCeiling(perRequest, this.config);
    const settings = { ...(await this.getSettings()), ...perRequest };
    const cacheKey = request.cache ? executionCacheKey(code, settings, this.executor.kind) : undefined;
    return { settings, cacheKey };
  }

  private runValidator(code: string, settings: SandboxSettings): ValidationReport {
    const allowedImports = [...new Set([...settings.allowedImports, ...this.config.extraAllowedImports])];
    return this.validator.validate(code, { allowedImports });
  }

  private refused(report: ValidationReport): ExecutionResult {
    this.log.info({ violations: report.violations.length, rules: [...new Set(report.violations.map((v) => v.rule))] }, 'program refused by validator');
    const stderr = report.violations.map((v) => `line ${v.line}:${v.column} [${v.rule}] ${v.message}`).join('\n');
    return { ...this.notRun('security_violation', stderr, 'refused by static validation before running'), violations: report.violations };
  }

  private errorResult(e: unknown): ExecutionResult {
    return this.notRun('error', e instanceof Error ? e.message : String(e), isKernelError(e) ? e.code : 'internal error');
  }

  /** A result for a program that never ran (refused, or the sandbox failed before it started). */
  private notRun(status: 'security_violation' | 'error', stderr: string, reason: string): ExecutionResult {
    return {
      exitCode: null,
      stdout: '',
      stderr,
      executionTime: 0,
      status,
      resourceUsage: { cpuUsagePercent: 0, memoryUsageMb: 0 },
      metadata: {
        sandboxType: this.executor.kind,
        sandboxId: null,
        isolation: 'none',
        truncated: false,
        fallback: false,
        streamsMerged: false,
        reason,
      },
    };
  }

  private cacheFailure(e: unknown): null {
    this.log.warn({ err: e }, 'execution cache unavailable; running without it');
    return null;
  }
}

function cloneSettings(s: SandboxSettings): SandboxSettings {
  return { ...s, allowedImports: [...s.allowedImports] };
}
