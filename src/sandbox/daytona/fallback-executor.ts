import { inject, injectable } from 'inversify';
import type { AppConfig } from '../../config/schema.js';
import { KernelError, isKernelError } from '../../errors.js';
import type { ExecutionResult, ExecutorStatus, RunRequest, SandboxInfo } from '../../kernel/contracts.js';
import { type BatchOptions, type Logger, type SandboxExecutor, TOKENS } from '../../kernel/tokens.js';
import { INDICATORS } from '../../logging/logger.js';
import { type DaytonaErrorDetails, DaytonaExecutor } from './daytona-executor.js';

/** The primary side of the fallback: a sandbox executor with a cheap health probe. */
export interface ProbingExecutor extends SandboxExecutor {
  /** Throws a `KernelError` when the service is unreachable or refuses us. */
  probe(): Promise<void>;
}

/**
 * Daytona first, the local executor when Daytona is down (design §2, `RK_SANDBOX_FALLBACK`).
 *
 * "Down" means unreachable, 5xx after retries, refused credentials, or a sandbox that would not
 * start; a rate limit or a program's own failure is not. With `auto` the run goes to the local
 * executor and its result says `sandboxType: 'local'`, `fallback: true`; the fallback is logged
 * once per episode, and Daytona is probed every `RK_DAYTONA_PROBE_S` (timer and next run) so the
 * service returns to it by itself. With `never` the caller gets `SANDBOX_UNAVAILABLE`.
 */
@injectable()
export class FallbackExecutor implements SandboxExecutor {
  readonly kind = 'daytona' as const;
  private readonly log: Logger;
  private episode: { since: number; reason: string } | null = null;
  private lastProbeAt = 0;
  private probeTimer: NodeJS.Timeout | undefined;
  private probing: Promise<void> | null = null;
  private closed = false;

  constructor(
    @inject(TOKENS.Config) private readonly config: Readonly<AppConfig>,
    @inject(TOKENS.Logger) logger: Logger,
    @inject(DaytonaExecutor) private readonly primary: ProbingExecutor,
    @inject(TOKENS.LocalExecutor) private readonly local: SandboxExecutor,
  ) {
    this.log = logger.child({ component: 'sandbox-fallback' });
  }

  /** True while executions go to the local executor. */
  get inFallback(): boolean {
    return this.episode !== null;
  }

  async run(request: RunRequest): Promise<ExecutionResult> {
    if (await this.stillInFallback()) return markFallback(await this.local.run(request));
    try {
      return await this.primary.run(request);
    } catch (error) {
      this.onPrimaryFailure(error);
      return markFallback(await this.local.run(request));
    }
  }

  /**
   * Daytona's batch, or the local one in fallback. With `onItemError`, only the items Daytona could
   * not run because it is down go to the local executor (or, with `never`, get SANDBOX_UNAVAILABLE
   * as their result); without it a Daytona outage reruns the whole batch locally.
   */
  async runBatch(requests: RunRequest[], options: BatchOptions = {}): Promise<ExecutionResult[]> {
    if (await this.stillInFallback()) return (await this.local.runBatch(requests, options)).map(markFallback);
    const onItemError = options.onItemError;
    if (!onItemError) {
      try {
        return await this.primary.runBatch(requests, options);
      } catch (error) {
        this.onPrimaryFailure(error);
        return (await this.local.runBatch(requests, options)).map(markFallback);
      }
    }
    const down: number[] = [];
    let outage: unknown;
    // The first outage stops the items still waiting for Daytona (each would wait for its own
    // failure): they are aborted here and counted with the outage.
    const stop = new AbortController();
    const cloudRequests = requests.map((r) => ({ ...r, signal: r.signal ? AbortSignal.any([r.signal, stop.signal]) : stop.signal }));
    const results = await this.primary.runBatch(cloudRequests, {
      concurrency: options.concurrency,
      onItemError: (error, index) => {
        const stoppedByUs = stop.signal.aborted && !requests[index].signal?.aborted;
        if (isDaytonaDown(error) || stoppedByUs) {
          down.push(index);
          if (isDaytonaDown(error)) outage ??= error;
          stop.abort();
        }
        return onItemError(error, index);
      },
    });
    if (down.length === 0) return results;
    try {
      this.onPrimaryFailure(outage);
    } catch (error) {
      for (const i of down) results[i] = onItemError(error, i);
      return results;
    }
    const local = await this.local.runBatch(down.map((i) => requests[i]), {
      concurrency: options.concurrency,
      onItemError: (error, j) => onItemError(error, down[j]),
    });
    down.forEach((i, j) => {
      results[i] = markFallback(local[j]);
    });
    return results;
  }

  async createSandbox(): Promise<SandboxInfo> {
    if (await this.stillInFallback()) return this.local.createSandbox();
    try {
      return await this.primary.createSandbox();
    } catch (error) {
      this.onPrimaryFailure(error);
      return this.local.createSandbox();
    }
  }

  async destroySandbox(): Promise<boolean> {
    const [daytona, local] = await Promise.allSettled([this.primary.destroySandbox(), this.local.destroySandbox()]);
    if (daytona.status === 'rejected' && !isDaytonaDown(daytona.reason)) throw daytona.reason;
    if (daytona.status === 'rejected') this.log.warn({ err: describe(daytona.reason) }, 'Daytona sandbox not deleted (Daytona is down); the sweeper and backstops will remove it');
    if (local.status === 'rejected') throw local.reason;
    return (daytona.status === 'fulfilled' && daytona.value) || local.value;
  }

  async status(): Promise<ExecutorStatus> {
    if (this.episode && this.probeDue()) await this.probeNow();
    const episode = this.episode;
    if (!episode) {
      const daytona = await this.primary.status();
      if (daytona.available || this.config.daytona.fallback === 'never') return daytona;
      return this.fallbackStatus(daytona.detail ?? 'Daytona is unavailable', daytona.extra);
    }
    return this.fallbackStatus(episode.reason, { fallbackSince: new Date(episode.since).toISOString() });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stopProbing();
    const results = await Promise.allSettled([this.primary.close(), this.local.close()]);
    for (const r of results) if (r.status === 'rejected') this.log.error({ err: r.reason }, 'executor did not close cleanly');
  }

  // -------------------------------------------------------------------------------------------

  private async fallbackStatus(reason: string, extra?: Record<string, unknown>): Promise<ExecutorStatus> {
    const local = await this.local.status();
    return {
      ...local,
      serviceStatus: 'fallback_mode',
      indicator: INDICATORS.fallback,
      detail: `Daytona unavailable (${reason}); executions run on the local executor (${local.detail ?? local.isolation}) until it recovers`,
      extra: { ...local.extra, ...extra, configured: 'daytona', fallbackPolicy: this.config.daytona.fallback },
    };
  }

  /** Rethrows what is not a Daytona outage; with `never` turns an outage into SANDBOX_UNAVAILABLE. */
  private onPrimaryFailure(error: unknown): void {
    if (!isDaytonaDown(error)) throw error;
    if (this.config.daytona.fallback === 'never') {
      throw new KernelError(
        'SANDBOX_UNAVAILABLE',
        `Daytona is unavailable (${describe(error)}) and RK_SANDBOX_FALLBACK=never forbids running the code locally; fix DAYTONA_API_KEY / DAYTONA_API_URL or set RK_SANDBOX_FALLBACK=auto`,
        { cause: error, details: (error as KernelError).details },
      );
    }
    this.enterFallback(error);
  }

  private enterFallback(error: unknown): void {
    if (this.episode) return;
    this.episode = { since: Date.now(), reason: error instanceof Error ? error.message : String(error) };
    this.lastProbeAt = Date.now();
    this.log.warn(
      { indicator: INDICATORS.fallback, reason: this.episode.reason, probeIntervalS: this.config.daytona.probeIntervalS },
      'Daytona unavailable; running code on the local executor until it recovers',
    );
    if (!this.closed && !this.probeTimer) {
      this.probeTimer = setInterval(() => void this.probeNow(), this.config.daytona.probeIntervalS * 1000);
      this.probeTimer.unref();
    }
  }

  /** In fallback: probes when one is due, and says whether we are still in fallback. */
  private async stillInFallback(): Promise<boolean> {
    if (!this.episode) return false;
    if (this.probeDue()) await this.probeNow();
    return this.episode !== null;
  }

  private probeDue(): boolean {
    return Date.now() - this.lastProbeAt >= this.config.daytona.probeIntervalS * 1000;
  }

  private probeNow(): Promise<void> {
    if (this.probing) return this.probing;
    this.lastProbeAt = Date.now();
    this.probing = this.primary
      .probe()
      .then(() => {
        const episode = this.episode;
        if (!episode) return;
        this.episode = null;
        this.stopProbing();
        this.log.info({ indicator: INDICATORS.daytona, downForMs: Date.now() - episode.since }, 'Daytona reachable again; leaving fallback mode');
      })
      .catch((error: unknown) => this.log.debug({ err: describe(error) }, 'Daytona still unavailable'))
      .finally(() => {
        this.probing = null;
      });
    return this.probing;
  }

  private stopProbing(): void {
    if (this.probeTimer) clearInterval(this.probeTimer);
    this.probeTimer = undefined;
  }
}

/**
 * A Daytona outage as opposed to a program's failure or a rate limit: unreachable / 5xx after
 * retries, refused credentials, or a sandbox that would not start in time.
 */
export function isDaytonaDown(error: unknown): boolean {
  if (!isKernelError(error)) return false;
  if (error.code === 'SANDBOX_UNAVAILABLE' || error.code === 'DAYTONA_AUTH') return true;
  const details = error.details as Partial<DaytonaErrorDetails> | undefined;
  return error.code === 'SANDBOX_TIMEOUT' && details?.operation !== undefined && details.operation !== 'codeRun';
}

function markFallback(result: ExecutionResult): ExecutionResult {
  return { ...result, metadata: { ...result.metadata, fallback: true } };
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
