import { KernelError } from '../../errors.js';

interface Waiter {
  resolve: (release: () => void) => void;
  reject: (error: Error) => void;
  signal?: AbortSignal;
  onAbort?: () => void;
}

/**
 * A counting semaphore with a bounded FIFO queue, so a burst of runs queues instead of forking the
 * machine to death, and an overflowing queue fails fast with `QUEUE_FULL` (HTTP 429 + Retry-After).
 */
export class ConcurrencyLimiter {
  private active = 0;
  private readonly queue: Waiter[] = [];
  private closed = false;

  /**
   * @param limit runs in flight at once (>= 1)
   * @param maxQueue runs allowed to wait; one more throws `QUEUE_FULL`
   * @param retryAfterS hint given to callers when the queue is full
   */
  constructor(
    readonly limit: number,
    readonly maxQueue: number,
    private readonly retryAfterS: () => number = () => 1,
  ) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError('limit must be a positive integer');
  }

  get running(): number {
    return this.active;
  }

  get queued(): number {
    return this.queue.length;
  }

  /** Waits for a slot; resolves with the function that frees it (call it exactly once). */
  acquire(signal?: AbortSignal): Promise<() => void> {
    if (this.closed) return Promise.reject(new KernelError('SHUTTING_DOWN', 'The local executor is closed; create a new kernel'));
    if (signal?.aborted) return Promise.reject(abortError(signal));
    if (this.active < this.limit) {
      this.active++;
      return Promise.resolve(this.releaser());
    }
    if (this.queue.length >= this.maxQueue) {
      const retryAfterS = Math.max(1, Math.ceil(this.retryAfterS()));
      return Promise.reject(
        new KernelError('QUEUE_FULL', `${this.queue.length} runs are already queued (RK_MAX_QUEUE=${this.maxQueue}); retry in ${retryAfterS} s or raise RK_MAX_CONCURRENCY/RK_MAX_QUEUE`, { retryAfterS }),
      );
    }
    return new Promise((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, signal };
      if (signal) {
        waiter.onAbort = () => {
          const i = this.queue.indexOf(waiter);
          if (i >= 0) this.queue.splice(i, 1);
          reject(abortError(signal));
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      this.queue.push(waiter);
    });
  }

  /** Rejects every queued waiter and refuses new ones; running holders finish normally. */
  close(): void {
    this.closed = true;
    for (const w of this.queue.splice(0)) {
      if (w.onAbort) w.signal?.removeEventListener('abort', w.onAbort);
      w.reject(new KernelError('SHUTTING_DOWN', 'The local executor closed while this run was queued'));
    }
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.queue.shift();
      if (next) {
        if (next.onAbort) next.signal?.removeEventListener('abort', next.onAbort);
        next.resolve(this.releaser()); // the slot passes straight to the next waiter
      } else {
        this.active--;
      }
    };
  }
}

function abortError(signal: AbortSignal): KernelError {
  return new KernelError('ABORTED', 'The run was cancelled before it started', { cause: signal.reason });
}
