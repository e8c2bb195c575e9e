import { KernelError } from '../../errors.js';

/**
 * FIFO mutual exclusion with a visible depth: the one persistent sandbox runs one job at a time
 * (a second concurrent program would share its CPU and memory and blur the measurements).
 * A job whose `signal` aborts while it waits leaves the line with `KernelError('ABORTED')`.
 */
export class SerialQueue {
  private tail: Promise<void> = Promise.resolve();
  /** Jobs waiting for their turn. */
  waiting = 0;
  /** Jobs holding the queue (0 or 1). */
  running = 0;

  get busy(): boolean {
    return this.waiting > 0 || this.running > 0;
  }

  async run<T>(job: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const previous = this.tail;
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    this.tail = previous.then(() => mine);
    this.waiting++;
    try {
      await untilTurnOrAbort(previous, signal);
    } catch (error) {
      this.waiting--;
      // Keep the chain intact: our slot is released as soon as it would have started.
      void previous.then(release);
      throw error;
    }
    this.waiting--;
    this.running++;
    try {
      return await job();
    } finally {
      this.running--;
      release();
    }
  }
}

function untilTurnOrAbort(turn: Promise<void>, signal?: AbortSignal): Promise<void> {
  if (!signal) return turn;
  if (signal.aborted) return Promise.reject(abortedError());
  return new Promise<void>((resolve, reject) => {
    const onAbort = (): void => reject(abortedError());
    signal.addEventListener('abort', onAbort, { once: true });
    void turn.then(() => {
      signal.removeEventListener('abort', onAbort);
      resolve();
    });
  });
}

function abortedError(): KernelError {
  return new KernelError('ABORTED', 'The execution was cancelled by its AbortSignal while waiting for the Daytona sandbox');
}
