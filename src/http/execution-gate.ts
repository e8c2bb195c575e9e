import { KernelError } from '../errors.js';

/** A slot held by one HTTP request while its execution runs. */
export interface GateTicket {
  /** Fires when the client goes away or the server shuts down past its grace period. */
  readonly signal: AbortSignal;
  /** Aborts this execution only (client disconnected). */
  abort(reason: unknown): void;
  release(): void;
}

/**
 * Bounds the executions the HTTP layer runs at once (the executor's own queue bounds them too, but
 * a batch holds several slots and `/reason` holds one while it synthesizes) and keeps their
 * AbortControllers so shutdown can cancel what is still running after the grace period.
 */
export class ExecutionGate {
  private held = 0;
  private readonly active = new Set<AbortController>();
  private idleWaiters: (() => void)[] = [];

  constructor(readonly limit: number) {}

  /** Slots in use. */
  get inFlight(): number {
    return this.held;
  }

  /** Takes `weight` slots or throws `QUEUE_FULL` (429) at once; never waits. */
  enter(weight = 1): GateTicket {
    const w = Math.max(1, Math.min(weight, this.limit));
    if (this.held + w > this.limit) {
      throw new KernelError(
        'QUEUE_FULL',
        `the server is running ${this.held} of ${this.limit} executions (RK_HTTP_MAX_IN_FLIGHT); retry after the Retry-After delay`,
        { retryAfterS: 1 },
      );
    }
    this.held += w;
    const controller = new AbortController();
    this.active.add(controller);
    let released = false;
    return {
      signal: controller.signal,
      abort: (reason) => controller.abort(reason),
      release: () => {
        if (released) return;
        released = true;
        this.held -= w;
        this.active.delete(controller);
        if (this.active.size === 0) this.notifyIdle();
      },
    };
  }

  /** Cancels every execution still running (shutdown past its grace period). */
  abortAll(reason: unknown): number {
    const n = this.active.size;
    for (const c of this.active) c.abort(reason);
    return n;
  }

  /** Resolves when no execution holds a slot (at once if none does). */
  whenIdle(): Promise<void> {
    if (this.active.size === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private notifyIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const w of waiters) w();
  }
}
