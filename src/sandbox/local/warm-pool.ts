import { randomUUID } from 'node:crypto';
import type { Logger } from '../../kernel/tokens.js';
import { type ZygoteProcess, type ZygoteReady } from './zygote-process.js';

/** Longest pause between attempts to start a zygote that keeps failing. */
const MAX_BACKOFF_MS = 30_000;
/** A slot that failed this many starts in a row counts as down (runs go cold) until one succeeds. */
const UNHEALTHY_AFTER_FAILURES = 3;

export interface WarmPoolOptions {
  /** Number of zygotes (warm concurrency). */
  size: number;
  /** Replace a zygote after this many jobs. */
  recycleJobs: number;
  /** Replace a zygote whose resident memory grew by more than this since it became ready. */
  maxGrowthMb: number;
  /**
   * Zygotes that import at once when the pool starts (default 1): each import keeps a core busy
   * for about a second, and runs that go cold meanwhile need a core too.
   */
  startConcurrency?: number;
  /** Starts the zygote of a slot (its sandbox, inbox folder, arguments). */
  start: (slot: number, poolId: string, onChange: (z: ZygoteProcess) => void) => Promise<ZygoteProcess>;
  log: Logger;
}

/** A zygote handed to one run; `release()` returns it (or retires it) when the run is over. */
export interface ZygoteLease {
  zygote: ZygoteProcess;
  slot: number;
  release(): void;
}

export interface WarmPoolStatus {
  poolId: string;
  size: number;
  /** Zygotes ready for work or working. */
  warm: number;
  busy: number;
  starting: number;
  jobsRun: number;
  recycled: number;
  startFailures: number;
  /** Host pids of the zygote sandboxes (bwrap, or the zygote without bwrap). */
  pids: number[];
  failedImports: string[];
  lastError?: string;
}

interface Slot {
  zygote?: ZygoteProcess;
  leased: boolean;
  failures: number;
  retryTimer?: NodeJS.Timeout;
  starting?: Promise<void>;
}

/**
 * A fixed number of warm interpreters, each in its own sandbox, one job at a time each. Hands out
 * the zygote idle the longest (it has had the most time to pre-fork its next child), replaces
 * zygotes that die, misbehave, grow, or reach their job count, and backs off on start failures.
 * Never blocks a run for good: `acquire` gives up (undefined) when no zygote can come.
 */
export class WarmPool {
  readonly poolId = randomUUID().slice(0, 8);
  private readonly slots: Slot[];
  private readonly waiters: Array<(lease: ZygoteLease | undefined) => void> = [];
  private jobsRun = 0;
  private recycled = 0;
  private startFailures = 0;
  private failedImports: string[] = [];
  private lastError?: string;
  private closed = false;
  /** Some zygote has been warm: before that (start-up), waiting would cost more than a cold run. */
  private everWarm = false;
  /** The initial start of every slot (see `start()`). */
  private startingAll?: Promise<void>;
  /** The ready report of the zygote that became ready last (what its jobs find imported). */
  latestReady?: ZygoteReady;

  constructor(private readonly o: WarmPoolOptions) {
    this.slots = Array.from({ length: o.size }, () => ({ leased: false, failures: 0 }));
  }

  /** Starts every slot in the background, `startConcurrency` at a time. */
  start(): void {
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < this.slots.length && !this.closed) await this.startSlot(next++);
    };
    const width = Math.max(1, Math.min(this.o.startConcurrency ?? 1, this.slots.length));
    this.startingAll = Promise.all(Array.from({ length: width }, worker)).then(() => undefined);
  }

  /** Resolves when every slot has a ready zygote or has failed its latest start. */
  async warm(): Promise<void> {
    await this.startingAll;
    await Promise.all(this.slots.map((s) => s.starting));
    await Promise.all(this.slots.map((s) => s.zygote?.ready.catch(() => undefined)));
  }

  /** An idle zygote now, or undefined. */
  tryAcquire(): ZygoteLease | undefined {
    if (this.closed) return undefined;
    let best = -1;
    for (let i = 0; i < this.slots.length; i++) {
      const s = this.slots[i];
      if (s.leased || s.zygote?.state !== 'idle') continue;
      if (best < 0 || s.zygote.idleSince < this.slots[best].zygote!.idleSince) best = i;
    }
    return best < 0 ? undefined : this.lease(best);
  }

  /** An idle zygote, waiting for one if the pool is healthy; undefined when none can come. */
  acquire(signal?: AbortSignal): Promise<ZygoteLease | undefined> {
    const now = this.tryAcquire();
    if (now || !this.healthy() || !this.everWarm) return Promise.resolve(now);
    return new Promise((resolve) => {
      const waiter = (lease: ZygoteLease | undefined): void => {
        signal?.removeEventListener('abort', onAbort);
        resolve(lease);
      };
      const onAbort = (): void => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        resolve(undefined);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.waiters.push(waiter);
    });
  }

  /** Some slot has, or may soon have, a working zygote. */
  healthy(): boolean {
    return !this.closed && this.slots.some((s) => s.failures < UNHEALTHY_AFTER_FAILURES && (s.zygote?.state !== 'dead' || s.starting !== undefined));
  }

  status(): WarmPoolStatus {
    const zs = this.slots.map((s) => s.zygote).filter((z): z is ZygoteProcess => z !== undefined);
    return {
      poolId: this.poolId,
      size: this.slots.length,
      warm: zs.filter((z) => z.state === 'idle' || z.state === 'busy').length,
      busy: zs.filter((z) => z.state === 'busy').length,
      starting: zs.filter((z) => z.state === 'starting').length,
      jobsRun: this.jobsRun,
      recycled: this.recycled,
      startFailures: this.startFailures,
      pids: zs.filter((z) => z.state !== 'dead' && z.pid !== undefined).map((z) => z.pid!),
      failedImports: this.failedImports,
      ...(this.lastError ? { lastError: this.lastError } : {}),
    };
  }

  /** Kills every zygote and waits for their sandboxes to exit. */
  async close(): Promise<void> {
    this.closed = true;
    for (const w of this.waiters.splice(0)) w(undefined);
    for (const s of this.slots) clearTimeout(s.retryTimer);
    // Zygotes still importing are killed now, not awaited: an import takes about a second.
    for (const s of this.slots) s.zygote?.retire('pool closed');
    await Promise.all([this.startingAll, ...this.slots.map((s) => s.starting)]);
    const zs = this.slots.map((s) => s.zygote).filter((z): z is ZygoteProcess => z !== undefined);
    for (const z of zs) z.retire('pool closed');
    await Promise.all(zs.map((z) => z.exited));
  }

  // -------------------------------------------------------------------------------------------

  private lease(i: number): ZygoteLease {
    const slot = this.slots[i];
    slot.leased = true;
    const zygote = slot.zygote!;
    let released = false;
    return {
      zygote,
      slot: i,
      release: () => {
        if (released) return;
        released = true;
        slot.leased = false;
        this.jobsRun++;
        this.afterJob(i, zygote);
      },
    };
  }

  private afterJob(i: number, z: ZygoteProcess): void {
    const growthMb = (z.lastRssKb - (z.readyInfo?.rssKb ?? z.lastRssKb)) / 1024;
    let reason: string | undefined = z.retiredBecause;
    if (!reason && z.jobsRun >= this.o.recycleJobs) reason = `recycled after ${z.jobsRun} jobs (RK_POOL_RECYCLE_JOBS)`;
    if (!reason && growthMb > this.o.maxGrowthMb) reason = `recycled: memory grew ${growthMb.toFixed(0)} MB (RK_POOL_MAX_GROWTH_MB)`;
    if (reason || z.state === 'dead') {
      this.recycled++;
      this.o.log.info({ slot: i, reason: reason ?? 'dead', jobs: z.jobsRun }, 'replacing warm interpreter');
      z.retire(reason ?? 'dead');
      void this.startSlot(i);
      return;
    }
    this.handOff();
  }

  /** Gives idle zygotes to waiting runs. */
  private handOff(): void {
    while (this.waiters.length > 0) {
      const lease = this.tryAcquire();
      if (!lease) break;
      this.waiters.shift()!(lease);
    }
    if (!this.healthy()) for (const w of this.waiters.splice(0)) w(undefined);
  }

  private onChange = (z: ZygoteProcess): void => {
    const i = this.slots.findIndex((s) => s.zygote === z);
    if (i < 0 || this.closed) return;
    const slot = this.slots[i];
    if (z.state === 'idle') this.everWarm = true;
    if (z.state === 'idle' && !slot.leased) this.handOff();
    // Died while idle (or while starting): replace now. A leased one is replaced on release.
    if (z.state === 'dead' && !slot.leased && slot.starting === undefined && slot.retryTimer === undefined) {
      this.recycled++;
      void this.startSlot(i);
    }
  };

  private startSlot(i: number): Promise<void> {
    const slot = this.slots[i];
    if (this.closed || slot.starting) return slot.starting ?? Promise.resolve();
    slot.retryTimer = undefined;
    const run = async (): Promise<void> => {
      let zygote: ZygoteProcess | undefined;
      try {
        zygote = await this.o.start(i, this.poolId, this.onChange);
        slot.zygote = zygote;
        if (this.closed) {
          zygote.retire('pool closed');
          return;
        }
        const ready: ZygoteReady = await zygote.ready;
        slot.failures = 0;
        this.latestReady = ready;
        if (ready.failed.length > 0) {
          this.failedImports = ready.failed;
          this.o.log.warn({ failed: ready.failed }, 'warm interpreter could not pre-import some modules (RK_POOL_PREIMPORT)');
        }
        this.o.log.debug({ slot: i, importS: ready.importS, rssKb: ready.rssKb, hugeKb: ready.hugeKb }, 'warm interpreter ready');
      } catch (e) {
        zygote?.retire('failed to start');
        if (this.closed) return; // killed by close(): not a start failure
        slot.failures++;
        this.startFailures++;
        this.lastError = (e as Error).message;
        const delayMs = Math.min(MAX_BACKOFF_MS, 500 * 2 ** (slot.failures - 1));
        this.o.log.warn({ slot: i, err: e, retryInMs: delayMs }, 'warm interpreter failed to start; runs go cold meanwhile');
        slot.retryTimer = setTimeout(() => void this.startSlot(i), delayMs);
        slot.retryTimer.unref();
      }
    };
    slot.starting = run().finally(() => {
      slot.starting = undefined;
      if (this.closed) slot.zygote?.retire('pool closed');
      else this.handOff();
    });
    return slot.starting;
  }
}
