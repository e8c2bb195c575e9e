import { describe, expect, it } from 'vitest';
import { isKernelError } from '../../../../src/errors.js';
import { ConcurrencyLimiter } from '../../../../src/sandbox/local/concurrency-limiter.js';

describe('ConcurrencyLimiter', () => {
  it('grants up to the limit at once and hands slots to waiters in FIFO order', async () => {
    const limiter = new ConcurrencyLimiter(2, 10);
    const a = await limiter.acquire();
    const b = await limiter.acquire();
    const order: string[] = [];
    const c = limiter.acquire().then((r) => (order.push('c'), r));
    const d = limiter.acquire().then((r) => (order.push('d'), r));
    expect([limiter.running, limiter.queued]).toEqual([2, 2]);
    a();
    a(); // a second call of the same releaser is ignored
    (await c)();
    b();
    (await d)();
    expect(order).toEqual(['c', 'd']);
    expect([limiter.running, limiter.queued]).toEqual([0, 0]);
  });

  it('throws QUEUE_FULL with a retry hint when the queue is full', async () => {
    const limiter = new ConcurrencyLimiter(1, 1, () => 2.2);
    await limiter.acquire();
    void limiter.acquire().catch(() => undefined);
    const error = await limiter.acquire().catch((e: unknown) => e);
    expect(isKernelError(error, 'QUEUE_FULL')).toBe(true);
    expect((error as { retryAfterS: number }).retryAfterS).toBe(3);
    limiter.close();
  });

  it('drops an aborted waiter from the queue with ABORTED', async () => {
    const limiter = new ConcurrencyLimiter(1, 5);
    const release = await limiter.acquire();
    const controller = new AbortController();
    const waiting = limiter.acquire(controller.signal).catch((e: unknown) => e);
    controller.abort();
    expect(isKernelError(await waiting, 'ABORTED')).toBe(true);
    expect(limiter.queued).toBe(0);
    release();
    expect(limiter.running).toBe(0);
  });

  it('rejects queued and new waiters with SHUTTING_DOWN after close()', async () => {
    const limiter = new ConcurrencyLimiter(1, 5);
    await limiter.acquire();
    const queued = limiter.acquire().catch((e: unknown) => e);
    limiter.close();
    expect(isKernelError(await queued, 'SHUTTING_DOWN')).toBe(true);
    await expect(limiter.acquire()).rejects.toMatchObject({ code: 'SHUTTING_DOWN' });
  });
});
