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
import { type BatchOptions, type Logger, type SandboxExecutor, type StateStore, TOKENS } from '../../kernel/tokens.js';
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

/**
 * One sandbox slot with its own FIFO queue. Lane 0 holds the persistent sandbox that `run()` uses;
 * lanes 1.. hold the extra sandboxes `runBatch` creates on first need and reuses afterwards
 * (`RK_DAYTONA_BATCH_SANDBOXES` lanes in all).
 */
interface Lane {
  readonly index: number;
  readonly queue: SerialQueue;
  current: CurrentSandbox | null;
  creating: Promise<CurrentSandbox> | null;
  /** Runs queued or running on this lane (and a batch lane being prepared): the idle timer leaves it alone. */
  jobs: number;
  /** When the lane last finished a run or got its sandbox (epoch ms); the idle timer counts from here. */
  lastUsedAt: number;
}

let sdkModule: Promise<Sdk> | undefined;
function loadSdk(): Promise<Sdk> {
  sdkModule ??= import('@daytonaio/sdk');
  return sdkModule;
}

/**
 * Runs programs in one persistent Daytona Cloud sandbox (design §2, seed "persistent sandboxes"):
 * created lazily (or by `createSandbox()`), reused behind a FIFO queue, deleted by
 * `destroySandbox()`, `close()` and after `RK_DAYTONA_IDLE_TIMEOUT_S` of idleness. `runBatch`
 * spreads its items over that sandbox and up to `RK_DAYTONA_BATCH_SANDBOXES - 1` more, created
 * the same way on a batch's first need, reused by later batches and deleted the same ways. Every program
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
  /** Lane 0 is the persistent sandbox; the others serve batches. */
  private readonly lanes: readonly Lane[];
  private readonly primary: Lane;
  /** Names of sandboxes being created: a sweep running meanwhile must not take them for leftovers. */
  private readonly pendingNames = new Set<string>();
  private sdk: Sdk | undefined;
  private client: Daytona | undefined;
  /** The sweep before the first create, shared by lanes created at once; reset when it fails. */
  private initialSweep: Promise<void> | undefined;
  private closed = false;
  private idleTimer: NodeJS.Timeout | undefined;
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
    this.lanes = Array.from({ length: Math.max(1, config.daytona.batchSandboxes) }, (_, index): Lane => ({
      index, queue: new SerialQueue(), current: null, creating: null, jobs: 0, lastUsedAt: 0,
    }));
    this.primary = this.lanes[0];
  }

  /** Whether cpu/memory limits reach Daytona: only an image-based create accepts resources. */
  get resourcesApplied(): boolean {
    return this.config.daytona.image !== undefined;
  }

  async run(request: RunRequest): Promise<ExecutionResult> {
    this.assertOpen();
    return this.runOnLane(this.primary, request);
  }

  /**
   * Runs the items on up to `min(concurrency, RK_DAYTONA_BATCH_SANDBOXES, items)` sandboxes at
   * once, one program per sandbox at a time (a second program in the same sandbox would share its
   * CPU and memory and blur the measurements). Lane 0 is the persistent sandbox, used exactly as
   * `run()` uses it; the other lanes' sandboxes are created on first need and kept for later
   * batches. Each lane takes the next item when it is free, so a lane still being created holds
   * no item, and a lane whose create fails drops out (logged) while the others finish the batch.
   * Results come back in request order; program failures are results, infrastructure failures
   * and aborts throw as in `run()`, or with `onItemError` become that item's result: the batch goes
   * on, and an extra lane whose item failed takes no more items (its sandbox may be the cause).
   */
  async runBatch(requests: RunRequest[], options: BatchOptions = {}): Promise<ExecutionResult[]> {
    this.assertOpen();
    const results = new Array<ExecutionResult>(requests.length);
    const width = Math.max(1, Math.min(options.concurrency ?? this.lanes.length, this.lanes.length, requests.length));
    let next = 0;
    let failed = false;
    const drain = async (lane: Lane): Promise<void> => {
      while (!failed && next < requests.length) {
        const i = next++;
        try {
          results[i] = await this.runOnLane(lane, requests[i]);
        } catch (error) {
          if (!options.onItemError) {
            failed = true; // the batch rejects now; the other lanes finish their current item only
            throw error;
          }
          results[i] = options.onItemError(error, i);
          if (lane !== this.primary) return;
        }
      }
    };
    const extraLane = async (lane: Lane): Promise<void> => {
      if (next >= requests.length || !(await this.prepareLane(lane, requests[next].limits))) return;
      await drain(lane);
    };
    await Promise.all([drain(this.primary), ...this.lanes.slice(1, width).map(extraLane)]);
    return results;
  }

  async createSandbox(): Promise<SandboxInfo> {
    this.assertOpen();
    const existing = this.primary.current;
    if (existing) return { sandboxId: existing.id, sandboxType: 'daytona', createdAt: existing.createdAt, reused: true };
    const created = await this.mapErrors(() => this.ensureSandbox(this.primary, this.defaultLimits()));
    this.primary.lastUsedAt = Date.now();
    this.armIdleTimer();
    return { sandboxId: created.id, sandboxType: 'daytona', createdAt: created.createdAt, reused: false };
  }

  /** Deletes the persistent sandbox and the batch sandboxes; true if any existed. */
  async destroySandbox(): Promise<boolean> {
    const outcomes = await Promise.allSettled(this.lanes.map((lane) => this.destroyLane(lane, 'destroySandbox')));
    const failure = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected');
    // A sandbox that could not be deleted is kept in its lane, so calling again retries it.
    if (failure) throw failure.reason;
    return outcomes.some((o) => o.status === 'fulfilled' && o.value);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.clearIdleTimer();
    // Not through the queues: on SIGTERM the sandboxes must go now; a program still running in
    // one fails and its caller gets SHUTTING_DOWN.
    await Promise.all(this.lanes.map(async (lane) => {
      if (lane.creating) await lane.creating.catch(() => undefined);
      try {
        await this.deleteLane(lane, 'close');
      } catch (error) {
        this.log.error({ err: error, lane: lane.index }, 'sandbox not deleted at close; the sweeper and the server-side backstops will remove it');
      }
    }));
    const client = this.client;
    this.client = undefined;
    await client?.[Symbol.asyncDispose]().catch(() => undefined);
  }

  async status(): Promise<ExecutorStatus> {
    const cfg = this.config.daytona;
    const base = {
      kind: 'daytona' as const,
      isolation: 'daytona' as const,
      sandboxActive: this.primary.current !== null,
      sandboxId: this.primary.current?.id ?? null,
      queueDepth: sum(this.lanes.map((lane) => lane.queue.waiting)),
      running: sum(this.lanes.map((lane) => lane.queue.running)),
      ...(this.lastPythonVersion ? { pythonVersion: this.lastPythonVersion } : {}),
      extra: {
        instanceId: this.instanceId,
        sandboxName: this.primary.current?.name ?? null,
        /** Live batch sandboxes beside the persistent one, and how many sandboxes a batch may use. */
        batchSandboxes: this.lanes.filter((lane) => lane.index > 0 && lane.current !== null).length,
        batchLanes: this.lanes.length,
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
   * state store recorded for this instance, except those in use or being created. Returns how
   * many were deleted.
   */
  async sweep(): Promise<number> {
    return this.mapErrors(async () => {
      const client = await this.getClient();
      const keep = new Set(this.lanes.flatMap((lane) => (lane.current ? [lane.current.id] : [])));
      const doomed = new Map<string, Sandbox | null>();
      for await (const sandbox of client.list({ labels: this.instanceLabels() })) {
        if (!keep.has(sandbox.id) && !this.pendingNames.has(sandbox.name)) doomed.set(sandbox.id, sandbox);
      }
      for (const record of await this.storeList()) {
        if (record.owner === this.instanceId && !keep.has(record.sandboxId) && !doomed.has(record.sandboxId)) doomed.set(record.sandboxId, null);
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

  /** Runs one request on `lane` behind its queue; the idle timer counts from the end of it. */
  private async runOnLane(lane: Lane, request: RunRequest): Promise<ExecutionResult> {
    lane.jobs++;
    try {
      return await lane.queue.run(() => this.runExclusive(lane, request), request.signal);
    } finally {
      lane.jobs--;
      this.armIdleTimer();
    }
  }

  /**
   * Gets a batch lane's sandbox before the lane takes an item (so a lane that cannot be created
   * holds none). False when the create failed: logged, and the batch goes on without this lane.
   */
  private async prepareLane(lane: Lane, limits: RunLimits): Promise<boolean> {
    lane.jobs++;
    try {
      await lane.queue.run(() => this.ensureSandbox(lane, limits));
      return true;
    } catch (error) {
      if (this.closed) throw this.toKernelError(error, 'create');
      this.log.warn({ err: describe(error), lane: lane.index }, 'batch sandbox not created; the batch runs on the other sandboxes');
      return false;
    } finally {
      lane.jobs--;
      this.armIdleTimer();
    }
  }

  private async runExclusive(lane: Lane, request: RunRequest): Promise<ExecutionResult> {
    this.assertOpen();
    try {
      return await this.mapErrors(async () => {
        const sandbox = await this.ensureSandbox(lane, request.limits);
        try {
          return await this.execute(sandbox, request);
        } catch (error) {
          if (!this.isNotFound(error) || this.closed) throw error;
          // Deleted behind our back (auto-stop/TTL backstop, an operator, a sweeper): recreate once.
          this.log.warn({ sandboxId: sandbox.id, lane: lane.index }, 'sandbox disappeared; recreating it and running the program again');
          this.forget(lane, sandbox.id);
          return this.execute(await this.ensureSandbox(lane, request.limits), request);
        }
      }, 'codeRun');
    } finally {
      lane.lastUsedAt = Date.now();
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

  private async ensureSandbox(lane: Lane, limits: RunLimits): Promise<CurrentSandbox> {
    const networkBlocked = !limits.enableNetworking;
    if (lane.current && lane.current.networkBlocked !== networkBlocked) {
      // Never run a network-blocked request in a sandbox that has network (nor the reverse).
      await this.deleteLane(lane, 'network policy changed');
    }
    if (lane.current) return lane.current;
    if (!lane.creating) {
      lane.creating = this.createNew(lane, limits).finally(() => {
        lane.creating = null;
      });
    }
    return lane.creating;
  }

  private createNew(lane: Lane, limits: RunLimits): Promise<CurrentSandbox> {
    return this.mapErrors(async () => {
      await this.getClient();
      await this.sweepOnce();
      const name = `rk-${slug(this.instanceId)}-${randomBytes(4).toString('hex')}`;
      this.pendingNames.add(name);
      try {
        return await this.createNewUnmapped(lane, name, limits);
      } finally {
        this.pendingNames.delete(name);
      }
    }, 'create');
  }

  /** Sweeps once before the first create; lanes created at the same time wait for the same sweep. */
  private sweepOnce(): Promise<void> {
    this.initialSweep ??= this.sweep().then(
      () => undefined,
      (error: unknown) => {
        this.initialSweep = undefined; // try again before the next create
        this.log.warn({ err: describe(error) }, 'sweeper failed; leftovers stay until the next start or their backstops');
      },
    );
    return this.initialSweep;
  }

  private async createNewUnmapped(lane: Lane, name: string, limits: RunLimits): Promise<CurrentSandbox> {
    const client = await this.getClient();
    const cfg = this.config.daytona;
    this.warnAboutResourcesOnce();
    const log = this.log.child({ sandboxName: name, lane: lane.index });
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
    lane.current = current;
    lane.lastUsedAt = Date.now();
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

  /** Deletes a lane's sandbox behind its queue: a running program finishes first. */
  private destroyLane(lane: Lane, reason: string): Promise<boolean> {
    return lane.queue.run(async () => {
      if (lane.creating) await lane.creating.catch(() => undefined);
      return this.deleteLane(lane, reason);
    });
  }

  private async deleteLane(lane: Lane, reason: string): Promise<boolean> {
    const current = lane.current;
    if (!current) return false;
    lane.current = null;
    try {
      await this.mapErrors(() => this.deleteWithRetry(current.sandbox), 'delete');
    } catch (error) {
      // Keep it, so a later destroySandbox()/close() can try again (it still exists and works).
      if (!this.closed && !lane.current) lane.current = current;
      throw error;
    }
    await this.storeUnregister(current.id);
    this.log.info({ sandboxId: current.id, lane: lane.index, reason }, 'Daytona sandbox deleted');
    return true;
  }

  /** Drops the reference to a sandbox that no longer exists (only if it is still the lane's one). */
  private forget(lane: Lane, sandboxId: string): void {
    if (lane.current?.id !== sandboxId) return;
    lane.current = null;
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

  /**
   * One timer for all lanes, due when the first lane with a sandbox and nothing to run reaches
   * `RK_DAYTONA_IDLE_TIMEOUT_S` of idleness; each lane idles out on its own, so batch sandboxes go
   * even while `run()` keeps the persistent one busy. A lane with runs arms it again when they end.
   */
  private armIdleTimer(): void {
    this.clearIdleTimer();
    const idleMs = this.config.daytona.idleTimeoutS * 1000;
    if (idleMs <= 0 || this.closed) return;
    const idle = this.lanes.filter((lane) => lane.current && lane.jobs === 0);
    if (idle.length === 0) return;
    const dueAt = Math.min(...idle.map((lane) => lane.lastUsedAt + idleMs));
    this.idleTimer = setTimeout(() => {
      this.idleTimer = undefined;
      this.deleteIdleLanes(idleMs);
    }, Math.max(0, dueAt - Date.now()));
    this.idleTimer.unref();
  }

  private deleteIdleLanes(idleMs: number): void {
    const now = Date.now();
    const due = this.lanes.filter((lane) => lane.current && lane.jobs === 0 && now - lane.lastUsedAt >= idleMs);
    if (due.length === 0) return this.armIdleTimer();
    const deletions = due.map((lane) =>
      this.destroyLane(lane, 'idle').catch((error: unknown) => {
        // Try again after another idle period, not in a tight loop.
        lane.lastUsedAt = Date.now();
        this.log.warn({ err: describe(error), lane: lane.index }, 'idle sandbox not deleted');
      }),
    );
    void Promise.all(deletions).then(() => this.armIdleTimer());
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

function sum(values: number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
