import { inject, injectable } from 'inversify';
import type { AppConfig } from '../config/schema.js';
import { KernelError, isKernelError } from '../errors.js';
import type { ExecutionResult, ExecutorStatus, RunRequest, SandboxInfo, SandboxSettings, ValidationReport } from '../kernel/contracts.js';
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
    const ready = await this.admit(request);
    if ('result' in ready) return ready.result;
    return this.remember(ready.cacheKey, await this.executor.run(ready.run));
  }

  /**
   * Every item is checked, validated and looked up in the cache as `execute` would; the items left
   * run through the executor's batch (locally: the worker pool; on Daytona: parallel sandboxes).
   * Results come in request order; a refused, invalid or failed item is that item's result.
   */
  async executeBatch(requests: ExecuteRequest[], options: { concurrency?: number } = {}): Promise<ExecutionResult[]> {
    const concurrency = Math.max(1, Math.min(options.concurrency ?? 4, 64));
    const results: ExecutionResult[] = new Array(requests.length);
    const toRun: { index: number; run: RunRequest; cacheKey?: string }[] = [];
    await Promise.all(
      requests.map(async (request, index) => {
        try {
          const ready = await this.admit(request);
          if ('result' in ready) results[index] = ready.result;
          else toRun.push({ index, ...ready });
        } catch (e) {
          // One bad item must not sink the batch: report it as that item's result.
          results[index] = this.errorResult(e);
        }
      }),
    );
    toRun.sort((a, b) => a.index - b.index);
    let ran: ExecutionResult[];
    try {
      ran = await this.executor.runBatch(toRun.map((item) => item.run), { concurrency, onItemError: (e) => this.errorResult(e) });
    } catch (e) {
      ran = toRun.map(() => this.errorResult(e)); // the executor refused the whole batch (closed, say)
    }
    await Promise.all(toRun.map(async (item, j) => {
      results[item.index] = await this.remember(item.cacheKey, ran[j]);
    }));
    return results;
  }

  /** Input checks, settings, validation and the cache: a result already, or what to run. */
  private async admit(request: ExecuteRequest): Promise<{ result: ExecutionResult } | { run: RunRequest; cacheKey?: string }> {
    const { settings, cacheKey } = await this.prepare(request);
    const report = settings.enableAstValidation ? this.runValidator(request.code, settings) : undefined;
    if (report && !report.ok) return { result: this.refused(report) };
    if (cacheKey) {
      const cached = await this.store.getCachedExecution(cacheKey).catch((e: unknown) => this.cacheFailure(e));
      if (cached) return { result: { ...cached, metadata: { ...cached.metadata, cache: 'hit' } } };
    }
    return { run: { code: request.code, limits: toRunLimits(settings, this.config), signal: request.signal }, cacheKey };
  }

  /** Stores a fresh result under its cache key (when caching was asked for) and marks it a miss. */
  private async remember(cacheKey: string | undefined, result: ExecutionResult): Promise<ExecutionResult> {
    if (!cacheKey) return result;
    result.metadata.cache = 'miss';
    if (result.status === 'completed' && !result.metadata.fallback) {
      await this.store
        .setCachedExecution(cacheKey, result, this.config.state.cacheTtlSeconds)
        .catch((e: unknown) => this.cacheFailure(e));
    }
    return result;
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
