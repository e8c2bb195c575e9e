import { afterEach, describe, expect, it } from 'vitest';
import { isKernelError } from '../../../src/errors.js';
import type { LocalExecutor } from '../../../src/sandbox/local/local-executor.js';
import { limits, makeExecutor } from './harness.js';

describe('local executor concurrency', () => {
  const executors: LocalExecutor[] = [];
  const make = (env: Record<string, string> = {}): LocalExecutor => {
    const e = makeExecutor('auto', env);
    executors.push(e);
    return e;
  };
  afterEach(async () => {
    await Promise.all(executors.splice(0).map((e) => e.close()));
  });

  it('runs a batch in parallel, every result correct and in request order', async () => {
    const executor = make({ RK_MAX_CONCURRENCY: '2' });
    const requests = Array.from({ length: 6 }, (_, i) => ({ code: `import time\ntime.sleep(0.1)\nprint(${i} * ${i})\n`, limits: limits() }));
    const results = await executor.runBatch(requests, { concurrency: 3 });
    expect(results.map((r) => r.stdout)).toEqual([0, 1, 4, 9, 16, 25].map((n) => `${n}\n`));
    expect(new Set(results.map((r) => r.metadata.sandboxId)).size).toBe(6);
  });

  it('queues beyond the concurrency limit and throws QUEUE_FULL when the queue is full', async () => {
    const executor = make({ RK_MAX_CONCURRENCY: '1', RK_MAX_QUEUE: '1' });
    await executor.status(); // probe first, so the three runs reach the limiter together
    const slow = { code: 'import time\ntime.sleep(0.5)\nprint("done")\n', limits: limits() };
    const first = executor.run(slow);
    const second = executor.run(slow);
    const third = executor.run(slow).catch((e: unknown) => e);
    const error = await third;
    expect(isKernelError(error, 'QUEUE_FULL')).toBe(true);
    expect((error as { retryAfterS?: number }).retryAfterS).toBeGreaterThanOrEqual(1);
    const status = await executor.status();
    expect(status.running).toBe(1);
    expect(status.queueDepth).toBe(1);
    expect((await first).stdout).toBe('done\n');
    expect((await second).stdout).toBe('done\n');
  });

  it('close() kills running programs and refuses new runs', async () => {
    const executor = make();
    await executor.status();
    const running = executor.run({ code: 'import time\ntime.sleep(30)\n', limits: limits() });
    await new Promise((r) => setTimeout(r, 300));
    await executor.close();
    const r = await running;
    expect(r.status).toBe('error');
    expect(r.metadata.reason).toBe('executor_closed');
    await expect(executor.run({ code: 'print(1)', limits: limits() })).rejects.toMatchObject({ code: 'SHUTTING_DOWN' });
  });

  it('refuses to run with RK_REQUIRE_ISOLATION when only process isolation is in force', async () => {
    const executor = make({ RK_ISOLATION: 'process', RK_REQUIRE_ISOLATION: 'true' });
    const status = await executor.status();
    expect(status).toMatchObject({ available: false, serviceStatus: 'unavailable', isolation: 'process' });
    await expect(executor.run({ code: 'print(1)', limits: limits() })).rejects.toMatchObject({ code: 'SANDBOX_UNAVAILABLE' });
  });

  it('reports an unusable interpreter as unavailable and throws PYTHON_NOT_FOUND', async () => {
    const executor = make({ RK_PYTHON: '/nonexistent/python3' });
    const status = await executor.status();
    expect(status).toMatchObject({ available: false, serviceStatus: 'unavailable' });
    expect(status.detail).toContain('RK_PYTHON');
    await expect(executor.run({ code: 'print(1)', limits: limits() })).rejects.toMatchObject({ code: 'PYTHON_NOT_FOUND' });
  });
});
