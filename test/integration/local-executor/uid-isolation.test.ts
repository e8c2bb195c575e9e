/**
 * As root, every bubblewrap run gets an unprivileged uid of its own: RLIMIT_NPROC counts processes
 * per uid host-wide, so a fork bomb in one run must not keep a concurrent run from starting.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { LocalExecutor } from '../../../src/sandbox/local/local-executor.js';
import { limits, makeExecutor } from './harness.js';

const isRoot = process.getuid?.() === 0;
const FORK_BOMB = 'import os\nwhile True:\n    try:\n        os.fork()\n    except OSError:\n        pass\n';

describe.skipIf(!isRoot)('local executor as root: one uid per run', () => {
  const executors: LocalExecutor[] = [];
  afterEach(async () => {
    await Promise.all(executors.splice(0).map((e) => e.close()));
  });

  it('gives concurrent runs distinct unprivileged uids', async () => {
    const executor = makeExecutor('bubblewrap', { RK_MAX_CONCURRENCY: '3' });
    executors.push(executor);
    const code = 'import os, time\ntime.sleep(0.3)\nprint(os.getuid())\n';
    const results = await Promise.all([1, 2, 3].map(() => executor.run({ code, limits: limits() })));
    const uids = results.map((r) => Number(r.stdout.trim()));
    expect(results.map((r) => r.status)).toEqual(['completed', 'completed', 'completed']);
    for (const uid of uids) expect(uid).toBeGreaterThanOrEqual(200_000);
    expect(new Set(uids).size).toBe(3);
  });

  it('lets other runs start while one run is a fork bomb at its process cap', async () => {
    const executor = makeExecutor('bubblewrap', { RK_MAX_CONCURRENCY: '4' });
    executors.push(executor);
    const bomb = executor.run({ code: FORK_BOMB, limits: limits({ timeoutMs: 3000 }) });
    await new Promise((resolve) => setTimeout(resolve, 800)); // the bomb is at its cap by now
    const others = await Promise.all([1, 2].map((i) => executor.run({ code: `print(${i})`, limits: limits() })));
    expect(others.map((r) => [r.status, r.stdout])).toEqual([
      ['completed', '1\n'],
      ['completed', '2\n'],
    ]);
    expect(['timeout', 'resource_exceeded']).toContain((await bomb).status);
  });
});
