import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import { inject, injectable, optional } from 'inversify';
// The one file that touches @daytonaio/sdk. Types only here; the module itself is imported on
// first use (about 250 ms and an OpenTelemetry graph), so a kernel without DAYTONA_API_KEY never
// loads it.
import type { CreateSandboxFromImageParams, CreateSandboxFromSnapshotParams, Daytona, Sandbox } from '@daytonaio/sdk';
import type { AppConfig } from '../../config/schema.js';
import { KernelError, isKernelError } from '../../errors.js';
import type { ExecutionResult, ExecutorStatus, RunLimits, RunRequest, SandboxInfo } from '../../kernel/contracts.js';
import { type Logger, type SandboxExecutor, type StateStore, TOKENS } from '../../kernel/tokens.js';
import { INDICATORS } from '../../logging/logger.js';
import { extractReport, wrapProgram } from './python-wrapper.js';
import { outcomeFromReport } from './report-outcome.js';
import { type RetryDecision, withRetry } from './retry.js';
import { SerialQueue } from './serial-queue.js';

type Sdk = typeof import('@daytonaio/sdk');

/** Label every sandbox of this application carries (the sweeper lists by it). */
export const APP_LABEL = 'reasoning-kernel';
/** Seconds the daemon's own timeout exceeds the wrapper's, so the wrapper reports first. */
export const WRAPPER_GRACE_S = 5;
/** Our wall-clock deadline beyond the daemon's timeout: network and proxy time. */
export const DEADLINE_MARGIN_MS = 10_000;
/** Deadline of a health probe (status, fallback recovery). */
export const PROBE_TIMEOUT_MS = 5_000;
/** Timeout of a delete call, seconds (SDK argument). */
const DELETE_TIMEOUT_S = 60;

/** Which SDK call an error came from; the fallback executor reads it from `KernelError.details`. */
export type DaytonaOperation = 'client' | 'create' | 'codeRun' | 'delete' | 'list' | 'get' | 'probe';

export interface DaytonaErrorDetails {
  operation: DaytonaOperation;
  httpStatus?: number;
  daytonaCode?: string;
}

interface CurrentSandbox {
  sandbox: Sandbox;
  id: string;
  name: string;
  createdAt: string;
  networkBlocked: boolean;
}

let sdkModule: Promise<Sdk> | undefined;
function loadSdk(): Promise<Sdk> {
  sdkModule ??= import('@daytonaio/sdk');
  return sdkModule;
}

/**
 * Runs programs in one persistent Daytona Cloud sandbox (design §2, seed "persistent sandboxes"):
 * created lazily (or by `createSandbox()`), reused behind a FIFO queue, deleted by
 * `destroySandbox()`, `close()` and after `RK_DAYTONA_IDLE_TIMEOUT_S` of idleness. Every program
 * runs inside a trusted wrapper that applies rlimits, kills its process group at the deadline and
 * reports CPU and peak memory; the report line is stripped from the output.
 *
 * `codeRun` merges stdout and stderr, so results carry everything in `stdout` with
 * `metadata.streamsMerged: true`. Infrastructure failures throw `KernelError` with
 * `details: DaytonaErrorDetails`; program failures and timeouts are results.
 */
@injectable()
export class DaytonaExecutor implements SandboxExecutor {
  readonly kind = 'daytona' as const;
  /** Identifies this service instance in sandbox names and labels (`RK_INSTANCE_ID`). */
  readonly instanceId: string;
  private readonly owner: string;
  private readonly log: Logger;
  private readonly queue = new SerialQueue();
  private sdk: Sdk | undefined;
  private client: Daytona | undefined;
  private current: CurrentSandbox | null = null;
  private creating: Promise<CurrentSandbox> | null = null;
  private swept = false;
  private closed = false;
  private idleTimer: NodeJS.Timeout | undefined;
  private lastUsedAt = 0;
  private lastPythonVersion: string | undefined;
  private resourceWarningLogged = false;

  constructor(
    @inject(TOKENS.Config) private readonly config: Readonly<AppConfig>,
    @inject(TOKENS.Logger) logger: Logger,
    @inject(TOKENS.StateStore) @optional() private readonly store?: StateStore,
  ) {
    this.instanceId = config.instanceId ?? randomBytes(4).toString('hex');
    this.owner = hostname().toLowerCase().replace(/[^a-z0-9.-]/g, '-').slice(0, 63) || 'unknown';
    this.log = logger.child({ component: 'daytona-executor', instanceId: this.instanceId });
  }

  /** Whether cpu/memory limits reach Daytona: only an image-based create accepts resources. */
  get resourcesApplied(): boolean {
    return this.config.daytona.image !== undefined;
  }

  async run(request: RunRequest): Promise<ExecutionResult> {
    this.assertOpen();
    return this.queue.run(() => this.runExclusive(request), request.signal);
  }

  /**
   * Programs share the one sandbox and run one at a time (see `SerialQueue`), so `concurrency` is
   * not used: more parallelism would need a second sandbox, which costs money and a cold start.
   */
  async runBatch(requests: RunRequest[]): Promise<ExecutionResult[]> {
    this.assertOpen();
    const results: ExecutionResult[] = [];
    for (const request of requests) results.push(await this.run(request));
    return results;
  }

  async createSandbox(): Promise<SandboxInfo> {
    this.assertOpen();
    const existing = this.current;
    if (existing) return { sandboxId: existing.id, sandboxType: 'daytona', createdAt: existing.createdAt, reused: true };
    const created = await this.mapErrors(() => this.ensureSandbox(this.defaultLimits()));
    this.lastUsedAt = Date.now();
    this.armIdleTimer();
    return { sandboxId: created.id, sandboxType: 'daytona', createdAt: created.createdAt, reused: false };
  }

  async destroySandbox(): Promise<boolean> {
    // Through the queue: a running program finishes before its sandbox goes away.
    return this.queue.run(async () => {
      if (this.creating) await this.creating.catch(() => undefined);
      return this.deleteCurrent('destroySandbox');
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.clearIdleTimer();
    // Not through the queue: on SIGTERM the sandbox must go now; a program still running in it
    // fails and its caller gets SHUTTING_DOWN.
    if (this.creating) await this.creating.catch(() => undefined);
    try {
      await this.deleteCurrent('close');
    } catch (error) {
      this.log.error({ err: error }, 'sandbox not deleted at close; the sweeper and the server-side backstops will remove it');
    }
    const client = this.client;
    this.client = undefined;
    await client?.[Symbol.asyncDispose]().catch(() => undefined);
  }

  async status(): Promise<ExecutorStatus> {
    const cfg = this.config.daytona;
    const base = {
      kind: 'daytona' as const,
      isolation: 'daytona' as const,
      sandboxActive: this.current !== null,
      sandboxId: this.current?.id ?? null,
      queueDepth: this.queue.waiting,
      running: this.queue.running,
      ...(this.lastPythonVersion ? { pythonVersion: this.lastPythonVersion } : {}),
      extra: {
        instanceId: this.instanceId,
        sandboxName: this.current?.name ?? null,
        apiUrl: cfg.apiUrl,
        target: cfg.target ?? null,
        image: cfg.image ?? null,
        snapshot: cfg.image ? null : (cfg.snapshot ?? null),
        resourcesApplied: this.resourcesApplied,
        apiKeyConfigured: cfg.apiKey !== undefined,
      },
    };
    const limitsNote = this.resourcesApplied
      ? `cpu/memory limits applied to the sandbox (image ${cfg.image})`
      : 'cpu/memory limits cannot be applied by Daytona to a snapshot-based sandbox (set RK_DAYTONA_IMAGE to size it); per-run rlimits still apply inside it';
    try {
      await this.probe();
      return { ...base, available: true, serviceStatus: 'operational', indicator: INDICATORS.daytona, detail: limitsNote };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      return { ...base, available: false, serviceStatus: 'unavailable', indicator: INDICATORS.unavailable, detail: `${message}; ${limitsNote}` };
    }
  }

  /**
   * One cheap authenticated call (the first page of this instance's sandboxes, limit 1) with a
   * short deadline. Throws the mapped `KernelError` when Daytona is unreachable or refuses us.
   */
  async probe(): Promise<void> {
    await this.mapErrors(async () => {
      const client = await this.getClient();
      const page = client.list({ labels: this.instanceLabels(), limit: 1 });
      try {
        await withDeadline(page.next(), PROBE_TIMEOUT_MS, 'probe', `Daytona did not answer a status probe within ${PROBE_TIMEOUT_MS} ms; check DAYTONA_API_URL and the network`);
      } finally {
        void page.return?.(undefined).catch(() => undefined);
      }
    }, 'probe');
  }

  /**
   * Deletes this instance's leftover sandboxes: those labelled `{app, instance}` and those the
   * state store recorded for this instance, except the one in use. Returns how many were deleted.
   */
  async sweep(): Promise<number> {
    return this.mapErrors(async () => {
      const client = await this.getClient();
      const keep = this.current?.id;
      const doomed = new Map<string, Sandbox | null>();
      for await (const sandbox of client.list({ labels: this.instanceLabels() })) {
        if (sandbox.id !== keep) doomed.set(sandbox.id, sandbox);
      }
      for (const record of await this.storeList()) {
        if (record.owner === this.instanceId && record.sandboxId !== keep && !doomed.has(record.sandboxId)) doomed.set(record.sandboxId, null);
      }
      let deleted = 0;
      for (const [id, found] of doomed) {
        try {
          const sandbox = found ?? (await this.getOrNull(id));
          if (sandbox) {
            await this.deleteWithRetry(sandbox);
            deleted++;
          }
          await this.storeUnregister(id);
        } catch (error) {
          this.log.warn({ err: error, sandboxId: id }, 'leftover sandbox not deleted');
        }
      }
      if (deleted > 0) this.log.info({ deleted }, 'swept leftover Daytona sandboxes');
      return deleted;
    }, 'list');
  }

  // -------------------------------------------------------------------------------------------
  // Execution

  private async runExclusive(request: RunRequest): Promise<ExecutionResult> {
    this.assertOpen();
    this.clearIdleTimer();
    try {
      return await this.mapErrors(async () => {
        const sandbox = await this.ensureSandbox(request.limits);
        try {
          return await this.execute(sandbox, request);
        } catch (error) {
          if (!this.isNotFound(error) || this.closed) throw error;
          // Deleted behind our back (auto-stop/TTL backstop, an operator, a sweeper): recreate once.
          this.log.warn({ sandboxId: sandbox.id }, 'sandbox disappeared; recreating it and running the program again');
          this.forget(sandbox.id);
          return this.execute(await this.ensureSandbox(request.limits), request);
        }
      }, 'codeRun');
    } finally {
      this.lastUsedAt = Date.now();
      this.armIdleTimer();
    }
  }

  private async execute(current: CurrentSandbox, request: RunRequest): Promise<ExecutionResult> {
    const { limits } = request;
    const wrapped = wrapProgram(request.code, limits);
    const daemonTimeoutS = Math.ceil(limits.timeoutMs / 1000) + WRAPPER_GRACE_S;
    const deadlineMs = daemonTimeoutS * 1000 + DEADLINE_MARGIN_MS;
    const started = performance.now();
    let response: { exitCode: number; result: string };
    try {
      response = await withDeadline(
        withRetry(() => current.sandbox.process.codeRun(wrapped.source, {}, daemonTimeoutS), {
          ...this.retryPolicy(),
          onRetry: (err, attempt, delayMs) => this.log.warn({ err: describe(err), attempt, delayMs }, 'codeRun failed; retrying'),
        }),
        deadlineMs,
        'codeRun',
        `The Daytona sandbox did not answer within ${deadlineMs} ms (program timeout ${limits.timeoutMs} ms); it may be overloaded or unreachable`,
        request.signal,
      );
    } catch (error) {
      // The daemon's own 408: the program outran even the wrapper's kill. A result, not a fault.
      if (this.isDaemonTimeout(error)) return this.timeoutResult(current, started);
      throw error;
    }
    const { output, report } = extractReport(response.result, wrapped.marker);
    const executionTime = round((performance.now() - started) / 1000, 4);
    const metadata = {
      sandboxType: 'daytona' as const,
      sandboxId: current.id,
      isolation: 'daytona' as const,
      truncated: false,
      fallback: false,
      streamsMerged: true,
    };
    if (!report) {
      // The wrapper itself failed (e.g. the image has no usable python3): the sandbox is at fault.
      this.log.error({ exitCode: response.exitCode, output: output.slice(0, 500) }, 'the measuring wrapper printed no report');
      return {
        exitCode: response.exitCode,
        stdout: output,
        stderr: '',
        executionTime,
        status: 'error',
        resourceUsage: { cpuUsagePercent: 0, memoryUsageMb: 0 },
        metadata: { ...metadata, reason: 'wrapper_report_missing' },
      };
    }
    this.lastPythonVersion = report.python;
    const outcome = outcomeFromReport(report, output);
    return {
      exitCode: outcome.exitCode,
      stdout: output,
      stderr: '',
      executionTime,
      status: outcome.status,
      resourceUsage: {
        cpuUsagePercent: round(report.wallS > 0 ? (report.cpuS / report.wallS) * 100 : 0, 1),
        memoryUsageMb: round(report.peakRssKb / 1024, 1),
      },
      metadata: {
        ...metadata,
        truncated: report.outputExceeded,
        ...(outcome.reason ? { reason: outcome.reason } : {}),
        pythonVersion: report.python,
      },
    };
  }

  private timeoutResult(current: CurrentSandbox, started: number): ExecutionResult {
    return {
      exitCode: null,
      stdout: '',
      stderr: '',
      executionTime: round((performance.now() - started) / 1000, 4),
      status: 'timeout',
      // The daemon killed the wrapper before it could measure anything; nothing was measured.
      resourceUsage: { cpuUsagePercent: 0, memoryUsageMb: 0 },
      metadata: {
        sandboxType: 'daytona', sandboxId: current.id, isolation: 'daytona', truncated: false, fallback: false,
        streamsMerged: true, reason: 'daemon_timeout',
      },
    };
  }

  // -------------------------------------------------------------------------------------------
  // Sandbox lifecycle

  private async ensureSandbox(limits: RunLimits): Promise<CurrentSandbox> {
    const networkBlocked = !limits.enableNetworking;
    if (this.current && this.current.networkBlocked !== networkBlocked) {
      // Never run a network-blocked request in a sandbox that has network (nor the reverse).
      await this.deleteCurrent('network policy changed');
    }
    if (this.current) return this.current;
    if (!this.creating) {
      this.creating = this.createNew(limits).finally(() => {
        this.creating = null;
      });
    }
    return this.creating;
  }

  private createNew(limits: RunLimits): Promise<CurrentSandbox> {
    return this.mapErrors(() => this.createNewUnmapped(limits), 'create');
  }

  private async createNewUnmapped(limits: RunLimits): Promise<CurrentSandbox> {
    const client = await this.getClient();
    if (!this.swept) {
      try {
        await this.sweep();
        this.swept = true;
      } catch (error) {
        this.log.warn({ err: describe(error) }, 'sweeper failed; leftovers stay until the next start or their backstops');
      }
    }
    const cfg = this.config.daytona;
    const name = `rk-${slug(this.instanceId)}-${randomBytes(4).toString('hex')}`;
    this.warnAboutResourcesOnce();
    const log = this.log.child({ sandboxName: name });
    const started = performance.now();
    let sandbox: Sandbox;
    try {
      sandbox = await withRetry(
        async (attempt) => {
          if (attempt > 0) {
            // The previous POST may have created it although its answer was lost: look first.
            const existing = await this.getOrNull(name);
            if (existing) {
              await existing.waitUntilStarted(cfg.createTimeoutS);
              return existing;
            }
          }
          return client.create(this.createParams(name, limits), { timeout: cfg.createTimeoutS });
        },
        { ...this.retryPolicy(), onRetry: (err, attempt, delayMs) => log.warn({ err: describe(err), attempt, delayMs }, 'sandbox create failed; retrying') },
      );
    } catch (error) {
      if (this.mayExist(error)) await this.cleanupByName(name, log);
      throw error;
    }
    if (this.closed) {
      await this.deleteWithRetry(sandbox).catch(() => undefined);
      throw new KernelError('SHUTTING_DOWN', 'The Daytona executor closed while its sandbox was being created');
    }
    const current: CurrentSandbox = {
      sandbox,
      id: sandbox.id,
      name,
      createdAt: sandbox.createdAt ?? new Date().toISOString(),
      networkBlocked: !limits.enableNetworking,
    };
    this.current = current;
    log.info({ sandboxId: sandbox.id, createMs: Math.round(performance.now() - started), indicator: INDICATORS.daytona }, 'Daytona sandbox created');
    await this.storeRegister({ sandboxId: sandbox.id, name, createdAt: current.createdAt, owner: this.instanceId });
    return current;
  }

  private createParams(name: string, limits: RunLimits): CreateSandboxFromImageParams | CreateSandboxFromSnapshotParams {
    const cfg = this.config.daytona;
    // Fresh objects on every call: the SDK writes into `labels` and `params`.
    const base = {
      name,
      language: 'python',
      labels: { app: APP_LABEL, instance: this.instanceId, owner: this.owner },
      envVars: {},
      networkBlockAll: !limits.enableNetworking,
      autoStopInterval: cfg.autoStopMinutes,
      ttlMinutes: cfg.ttlMinutes,
      // Deleted as soon as it stops (auto-stop): a leaked sandbox does not linger stopped.
      ephemeral: true,
    };
    if (cfg.image) {
      return {
        ...base,
        image: cfg.image,
        resources: { cpu: limits.cpuLimit, memory: Math.max(1, Math.ceil(limits.memoryLimitMb / 1024)) },
      };
    }
    return cfg.snapshot ? { ...base, snapshot: cfg.snapshot } : base;
  }

  private warnAboutResourcesOnce(): void {
    if (this.resourceWarningLogged) return;
    this.resourceWarningLogged = true;
    const cfg = this.config.daytona;
    if (cfg.image && cfg.snapshot) {
      this.log.warn({ image: cfg.image, snapshot: cfg.snapshot }, 'both RK_DAYTONA_IMAGE and RK_DAYTONA_SNAPSHOT are set; using the image (Daytona refuses both at once)');
    }
    if (!cfg.image) {
      this.log.warn(
        { snapshot: cfg.snapshot ?? 'default' },
        'Daytona cannot apply the configured cpu/memory limits to a snapshot-based sandbox (set RK_DAYTONA_IMAGE to size it); per-run rlimits still apply inside the sandbox',
      );
    }
  }

  private async deleteCurrent(reason: string): Promise<boolean> {
    const current = this.current;
    if (!current) return false;
    this.current = null;
    this.clearIdleTimer();
    try {
      await this.mapErrors(() => this.deleteWithRetry(current.sandbox), 'delete');
    } catch (error) {
      // Keep it, so a later destroySandbox()/close() can try again (it still exists and works).
      if (!this.closed && !this.current) this.current = current;
      throw error;
    }
    await this.storeUnregister(current.id);
    this.log.info({ sandboxId: current.id, reason }, 'Daytona sandbox deleted');
    return true;
  }

  /** Drops the reference to a sandbox that no longer exists (only if it is still the current one). */
  private forget(sandboxId: string): void {
    if (this.current?.id !== sandboxId) return;
    this.current = null;
    void this.storeUnregister(sandboxId);
  }

  private async deleteWithRetry(sandbox: Sandbox): Promise<void> {
    try {
      await withRetry(() => sandbox.delete(DELETE_TIMEOUT_S), this.retryPolicy());
    } catch (error) {
      if (!this.isNotFound(error)) throw error; // a 404 means it is already gone
    }
  }

  private async cleanupByName(name: string, log: Logger): Promise<void> {
    try {
      const sandbox = await this.getOrNull(name);
      if (sandbox) {
        await this.deleteWithRetry(sandbox);
        log.warn({ sandboxId: sandbox.id }, 'deleted the sandbox of a failed create');
      }
    } catch (error) {
      log.error({ err: describe(error) }, 'could not clean up after a failed create; the sweeper and the backstops will remove it');
    }
  }

  private async getOrNull(idOrName: string): Promise<Sandbox | null> {
    const client = await this.getClient();
    try {
      return await withRetry(() => client.get(idOrName), this.retryPolicy());
    } catch (error) {
      if (this.isNotFound(error)) return null;
      throw error;
    }
  }

  private armIdleTimer(): void {
    this.clearIdleTimer();
    const idleMs = this.config.daytona.idleTimeoutS * 1000;
    if (idleMs <= 0 || this.closed || !this.current) return;
    const dueIn = Math.max(0, this.lastUsedAt + idleMs - Date.now());
    this.idleTimer = setTimeout(() => {
      this.idleTimer = undefined;
      if (this.queue.busy || Date.now() - this.lastUsedAt < idleMs) return this.armIdleTimer();
      this.destroySandbox().catch((error: unknown) => this.log.warn({ err: describe(error) }, 'idle sandbox not deleted'));
    }, dueIn);
    this.idleTimer.unref();
  }

  private clearIdleTimer(): void {
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
  }

  // -------------------------------------------------------------------------------------------
  // Client, errors, store

  private async getClient(): Promise<Daytona> {
    if (this.client) return this.client;
    const cfg = this.config.daytona;
    if (!cfg.apiKey) {
      throw new KernelError('DAYTONA_AUTH', 'DAYTONA_API_KEY is not set; set it to use Daytona Cloud, or leave it unset to run code locally', {
        details: { operation: 'client' } satisfies DaytonaErrorDetails,
      });
    }
    const sdk = await loadSdk();
    this.sdk = sdk;
    this.assertOpen();
    // Explicit apiKey/apiUrl/target so the SDK never picks an endpoint from a .env file; polling
    // mode so no WebSocket is opened by the constructor.
    this.client ??= new sdk.Daytona({
      apiKey: cfg.apiKey,
      apiUrl: cfg.apiUrl,
      ...(cfg.target ? { target: cfg.target } : {}),
      useDeprecatedPolling: true,
      requestTimeoutMs: cfg.requestTimeoutMs,
    });
    return this.client;
  }

  private retryPolicy(): { maxRetries: number; baseDelayMs: number; classify: (e: unknown) => RetryDecision } {
    return {
      maxRetries: this.config.daytona.maxRetries,
      baseDelayMs: this.config.daytona.retryBaseDelayMs,
      classify: (error) => this.classifyForRetry(error),
    };
  }

  /**
   * 429 and 5xx are retried here: the SDK never retries an HTTP answer. Connection failures are
   * not: the SDK's transport already replays them where that is safe (connect-phase errors for
   * any method, resets for idempotent ones), and retrying again here would multiply the waits.
   */
  private classifyForRetry(error: unknown): RetryDecision {
    const sdk = this.sdk;
    if (!sdk || !(error instanceof sdk.DaytonaError)) return { retry: false };
    const status = error.statusCode;
    if (status === 429) return { retry: true, afterMs: retryAfterMs(error) };
    if (status === 500 || status === 502 || status === 503) return { retry: true };
    return { retry: false };
  }

  private isNotFound(error: unknown): boolean {
    return this.sdk !== undefined && error instanceof this.sdk.DaytonaNotFoundError;
  }

  /** The daemon's 408 for code-run (not our client-side deadline, which is a connection error). */
  private isDaemonTimeout(error: unknown): boolean {
    const sdk = this.sdk;
    return sdk !== undefined && error instanceof sdk.DaytonaTimeoutError && !(error instanceof sdk.DaytonaConnectionError);
  }

  /** After a failed create, could the sandbox exist anyway? Only a 4xx proves it was refused. */
  private mayExist(error: unknown): boolean {
    const sdk = this.sdk;
    if (!sdk || !(error instanceof sdk.DaytonaError)) return true;
    const status = error.statusCode;
    return status === undefined || status === 408 || status === 504 || status >= 500;
  }

  private async mapErrors<T>(fn: () => Promise<T>, operation: DaytonaOperation = 'codeRun'): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      throw this.toKernelError(error, operation);
    }
  }

  /** SDK error → KernelError with a message that says what to do. */
  private toKernelError(error: unknown, operation: DaytonaOperation): KernelError {
    if (isKernelError(error)) return error;
    if (this.closed) {
      return new KernelError('SHUTTING_DOWN', 'The Daytona executor is shutting down; its sandbox was deleted', { cause: error });
    }
    const sdk = this.sdk;
    const message = error instanceof Error ? error.message : String(error);
    if (!sdk || !(error instanceof sdk.DaytonaError)) {
      return new KernelError('SANDBOX_ERROR', `Daytona ${operation} failed: ${message}`, { cause: error, details: { operation } satisfies DaytonaErrorDetails });
    }
    const details: DaytonaErrorDetails = { operation, httpStatus: error.statusCode, daytonaCode: error.code };
    const status = error.statusCode;
    if (error instanceof sdk.DaytonaAuthenticationError || error instanceof sdk.DaytonaForbiddenError || status === 401 || status === 403) {
      return new KernelError('DAYTONA_AUTH', `Daytona refused the credentials (HTTP ${status ?? '401'}) during ${operation}: ${message}. Check DAYTONA_API_KEY, DAYTONA_API_URL and DAYTONA_TARGET`, { cause: error, details });
    }
    if (status === 429) {
      const afterMs = retryAfterMs(error);
      return new KernelError('DAYTONA_RATE_LIMITED', `Daytona rate limit hit during ${operation} after ${this.config.daytona.maxRetries} retries; retry later or raise RK_DAYTONA_MAX_RETRIES`, {
        cause: error, details, retryAfterS: afterMs ? Math.ceil(afterMs / 1000) : 1,
      });
    }
    if (error instanceof sdk.DaytonaConnectionTimeoutError && operation === 'codeRun') {
      return new KernelError('SANDBOX_TIMEOUT', `The Daytona sandbox did not answer in time (${message}); raise RK_DAYTONA_REQUEST_TIMEOUT_MS or check the network`, { cause: error, details });
    }
    if (error instanceof sdk.DaytonaConnectionError) {
      return new KernelError('SANDBOX_UNAVAILABLE', `Daytona cannot be reached during ${operation} (${message}); check DAYTONA_API_URL and the network`, { cause: error, details });
    }
    if (status !== undefined && status >= 500 && status !== 504) {
      return new KernelError('SANDBOX_UNAVAILABLE', `Daytona failed during ${operation} with HTTP ${status} after ${this.config.daytona.maxRetries} retries: ${message}`, { cause: error, details });
    }
    if (error instanceof sdk.DaytonaTimeoutError) {
      return new KernelError('SANDBOX_TIMEOUT', `Daytona timed out during ${operation}: ${message}. For sandbox creation raise RK_DAYTONA_CREATE_TIMEOUT_S`, { cause: error, details });
    }
    if (status === 400 || status === 422) {
      return new KernelError('SANDBOX_ERROR', `Daytona refused the ${operation} request (HTTP ${status}): ${message}. Check RK_DAYTONA_IMAGE / RK_DAYTONA_SNAPSHOT`, { cause: error, details });
    }
    return new KernelError('SANDBOX_ERROR', `Daytona ${operation} failed${status ? ` (HTTP ${status})` : ''}: ${message}`, { cause: error, details });
  }

  private instanceLabels(): Record<string, string> {
    return { app: APP_LABEL, instance: this.instanceId };
  }

  private defaultLimits(): RunLimits {
    const s = this.config.sandbox;
    return {
      timeoutMs: Math.round(s.executionTimeoutS * 1000),
      memoryLimitMb: s.memoryLimitMb,
      cpuLimit: s.cpuLimit,
      tempStorageMb: s.tempStorageMb,
      maxOutputBytes: this.config.local.maxOutputBytes,
      enableNetworking: s.enableNetworking,
    };
  }

  private assertOpen(): void {
    if (this.closed) throw new KernelError('SHUTTING_DOWN', 'The Daytona executor is closed; no new executions are accepted');
  }

  // The registry is optional and best effort: an unreachable store must not stop executions.
  private async storeRegister(record: { sandboxId: string; name: string; createdAt: string; owner: string }): Promise<void> {
    await this.store?.registerSandbox(record).catch((e: unknown) => this.storeFailed(e, 'register'));
  }

  private async storeUnregister(sandboxId: string): Promise<void> {
    await this.store?.unregisterSandbox(sandboxId).catch((e: unknown) => this.storeFailed(e, 'unregister'));
  }

  private async storeList(): Promise<{ sandboxId: string; owner: string }[]> {
    if (!this.store) return [];
    try {
      return await this.store.listSandboxes();
    } catch (e) {
      this.storeFailed(e, 'list');
      return [];
    }
  }

  private storeFailed(error: unknown, op: string): void {
    if (isKernelError(error, 'STATE_UNAVAILABLE')) this.log.warn({ op, err: error.message }, 'sandbox registry unavailable');
    else this.log.error({ op, err: error }, 'sandbox registry failed');
  }
}

/** Races `promise` with a deadline (and an abort signal); the loser's rejection is swallowed. */
function withDeadline<T>(promise: Promise<T>, deadlineMs: number, operation: DaytonaOperation, message: string, signal?: AbortSignal): Promise<T> {
  promise.catch(() => undefined);
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new KernelError('SANDBOX_TIMEOUT', message, { details: { operation } satisfies DaytonaErrorDetails })), deadlineMs);
    const onAbort = (): void => reject(new KernelError('ABORTED', 'The execution was cancelled by its AbortSignal; the sandbox finishes it on its own'));
    if (signal?.aborted) onAbort();
    signal?.addEventListener('abort', onAbort, { once: true });
    promise.then(resolve, reject).finally(() => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    });
  });
}

function retryAfterMs(error: { headers?: unknown }): number | undefined {
  const headers = error.headers as Record<string, unknown> | undefined;
  const raw = headers?.['retry-after'];
  const seconds = typeof raw === 'string' || typeof raw === 'number' ? Number(raw) : Number.NaN;
  return Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : undefined;
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

function slug(value: string): string {
  return value.toLowerCase().replace(/[^a-z0-9-]/g, '-').slice(0, 40);
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
