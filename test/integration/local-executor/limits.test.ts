import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalExecutor } from '../../../src/sandbox/local/local-executor.js';
import type { RunRequest } from '../../../src/kernel/contracts.js';
import { MODES_AND_PATHS, leftoversAfter, limits, makeExecutor, runOn } from './harness.js';

/** Re-execs the program with `marker` in its command line, so the test can find its processes. */
function tagged(marker: string, body: string): string {
  return [
    'import os, sys',
    `if len(sys.argv) == 1: os.execv(sys.executable, [sys.executable, "-I", "-B", __file__, "${marker}"])`,
    body,
  ].join('\n');
}

describe.each(MODES_AND_PATHS)('local executor limits (%s, %s)', (mode, path) => {
  let executor: LocalExecutor;
  let processCap = false;
  const run = (request: RunRequest) => runOn(executor, path, request);
  beforeAll(async () => {
    executor = makeExecutor(mode, {}, path);
    await executor.warmUp();
    processCap = (await executor.status()).extra?.processCap === true;
  }, 60_000);
  afterAll(async () => {
    await executor.close();
  });

  it('times out a busy loop and leaves nothing running', async () => {
    const marker = `rk-busy-${randomUUID()}`;
    const r = await run({ code: tagged(marker, 'while True: pass'), limits: limits({ timeoutMs: 1500 }) });
    expect(r.status).toBe('timeout');
    expect(r.metadata.reason).toBe('wall_clock');
    expect(await leftoversAfter(marker)).toEqual([]);
  });

  it('times out a sleeping program (CPU limits cannot see it)', async () => {
    const r = await run({ code: 'import time\nprint("before", flush=True)\ntime.sleep(60)\n', limits: limits({ timeoutMs: 1000 }) });
    expect(r.status).toBe('timeout');
    expect(r.stdout).toBe('before\n');
  });

  it('stops a program that ignores SIGTERM and SIGXCPU', async () => {
    const code = 'import signal\nfor s in (signal.SIGTERM, signal.SIGXCPU, signal.SIGINT): signal.signal(s, signal.SIG_IGN)\nwhile True: pass\n';
    const r = await run({ code, limits: limits({ timeoutMs: 1000 }) });
    expect(r.status).toBe('timeout');
  });

  it('refuses a large allocation as resource_exceeded (memory)', async () => {
    const r = await run({ code: 'x = bytearray(8 * 1024 ** 3)\n', limits: limits({ memoryLimitMb: 256 }) });
    expect(r).toMatchObject({ status: 'resource_exceeded', metadata: { reason: 'memory' } });
    expect(r.stderr).toContain('MemoryError');
  });

  it('stops a growing memory bomb as resource_exceeded (memory)', async () => {
    const r = await run({ code: 'a = []\nwhile True: a.append(bytearray(16 * 1024 * 1024))\n', limits: limits({ memoryLimitMb: 256 }) });
    expect(r).toMatchObject({ status: 'resource_exceeded', metadata: { reason: 'memory' } });
    expect(r.resourceUsage.memoryUsageMb).toBeGreaterThan(100);
  });

  it('caps a stdout flood, marks it truncated and stops the run', async () => {
    const r = await run({ code: 'while True: print("y" * 1000)\n', limits: limits({ maxOutputBytes: 32 * 1024 }) });
    expect(r).toMatchObject({ status: 'resource_exceeded', metadata: { reason: 'output', truncated: true } });
    expect(Buffer.byteLength(r.stdout)).toBe(32 * 1024);
  });

  it('caps a single huge stderr write', async () => {
    const r = await run({ code: 'import sys\nsys.stderr.write("e" * (50 * 1024 * 1024))\n', limits: limits({ maxOutputBytes: 16 * 1024 }) });
    expect(r).toMatchObject({ status: 'resource_exceeded', metadata: { truncated: true } });
    expect(Buffer.byteLength(r.stderr)).toBe(16 * 1024);
  });

  it('limits file size from tempStorageMb (EFBIG)', async () => {
    const code = 'with open("big.bin", "wb") as f:\n    for _ in range(64): f.write(b"z" * 1024 * 1024)\n';
    const r = await run({ code, limits: limits({ tempStorageMb: 8 }) });
    expect(r).toMatchObject({ status: 'resource_exceeded', metadata: { reason: 'file_size' } });
  });

  it('contains a fork bomb and leaves no process behind, or says truthfully that it cannot cap processes', async () => {
    if (!processCap) {
      // uid 0 in this mode here: the kernel exempts root from RLIMIT_NPROC, so no bomb is run; the
      // status must say so rather than claim a cap.
      const status = await executor.status();
      expect(status.extra?.processCap).toBe(false);
      expect(status.detail).toMatch(/no process cap/);
      return;
    }
    const marker = `rk-forkbomb-${randomUUID()}`;
    const body = 'while True:\n    try:\n        os.fork()\n    except OSError:\n        pass\n';
    const r = await run({ code: tagged(marker, body), limits: limits({ timeoutMs: 2000 }) });
    expect(['timeout', 'resource_exceeded']).toContain(r.status);
    expect(await leftoversAfter(marker, 3000)).toEqual([]);
  });

  it('kills a process that detaches with setsid and a double fork', async () => {
    const marker = `rk-detach-${randomUUID()}`;
    const code = [
      'import os, sys, time',
      'if os.fork() == 0:',
      '    os.setsid()',
      '    if os.fork() == 0:',
      `        os.execv(sys.executable, [sys.executable, "-I", "-c", "import time; time.sleep(60)", "${marker}"])`,
      '    os._exit(0)',
      'time.sleep(0.3)',
      'print("parent done")',
    ].join('\n');
    const r = await run({ code, limits: limits() });
    expect(r.status).toBe('completed');
    expect(r.stdout).toBe('parent done\n');
    expect(await leftoversAfter(marker)).toEqual([]);
  });
});
