/**
 * The first runs of a fresh executor start while its isolation probe is still in flight (in
 * bubblewrap, kept only if the probe accepts bubblewrap). These tests never call `warmUp()` or
 * `status()` first, so the runs take that path; they check that it isolates exactly like a run
 * after the probe, and that cancelling or closing during the probe leaves nothing behind.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { isKernelError } from '../../../src/errors.js';
import type { LocalExecutor } from '../../../src/sandbox/local/local-executor.js';
import { leftoversAfter, limits, makeExecutor } from './harness.js';

/** Prints facts only the bubblewrap sandbox produces: its hostname, its own pid namespace, no network. */
const SANDBOX_FACTS = [
  'import os, socket',
  'print(socket.gethostname())',
  'print(os.getpid() < 10)',
  'print(sorted(os.listdir("/sys/class/net")) if os.path.isdir("/sys/class/net") else "no-sysfs")',
  'print(os.path.exists("/work"))',
].join('\n');

describe('local executor: runs that arrive before the isolation probe has finished', () => {
  const executors: LocalExecutor[] = [];
  const fresh = (mode: 'auto' | 'bubblewrap'): LocalExecutor => {
    const executor = makeExecutor(mode);
    executors.push(executor);
    return executor;
  };
  afterEach(async () => {
    await Promise.all(executors.splice(0).map((e) => e.close()));
  });

  it.each(['auto', 'bubblewrap'] as const)('run in bubblewrap, with its isolation, when the first runs come at once (%s)', async (mode) => {
    const executor = fresh(mode);
    const results = await Promise.all([1, 2, 3].map(() => executor.run({ code: SANDBOX_FACTS, limits: limits() })));
    // On a failure, say which layers the probe rejected and why.
    const why = async (): Promise<string> => JSON.stringify((await executor.status()).detail);
    for (const r of results) {
      expect(r.status, `${r.stderr} ${r.status === 'completed' ? '' : await why()}`).toBe('completed');
      expect(r.metadata.isolation).toBe('bubblewrap');
      const [hostname, lowPid, , work] = r.stdout.trim().split('\n');
      expect(hostname).toBe('sandbox');
      expect(lowPid).toBe('True');
      expect(work).toBe('False');
    }
    expect((await executor.status()).isolation).toBe('bubblewrap');
  });

  it('reports a failing first program as data, like any other run', async () => {
    const r = await fresh('auto').run({ code: 'import sys\nprint("x", file=sys.stderr)\nsys.exit(4)\n', limits: limits() });
    expect(r).toMatchObject({ status: 'failed', exitCode: 4, stderr: 'x\n' });
    expect(r.metadata.isolation).toBe('bubblewrap');
  });

  it('throws ABORTED for a first run cancelled during the probe and leaves no process behind', async () => {
    const marker = `rk-first-abort-${process.pid}-${Date.now()}`;
    const controller = new AbortController();
    const running = fresh('auto').run({ code: `# ${marker}\nimport time\ntime.sleep(30)\n`, limits: limits(), signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    const error = await running.then(() => undefined, (e: unknown) => e);
    expect(isKernelError(error, 'ABORTED')).toBe(true);
    expect(await leftoversAfter(marker, 3000)).toEqual([]);
  });

  it('close() during the probe stops the first run, refuses new ones and leaves no process behind', async () => {
    const marker = `rk-first-close-${process.pid}-${Date.now()}`;
    const executor = fresh('auto');
    const running = executor.run({ code: `# ${marker}\nimport time\ntime.sleep(30)\n`, limits: limits() });
    const settled = running.then(
      (r) => r.status,
      (e: unknown) => (isKernelError(e) ? e.code : String(e)),
    );
    await executor.close();
    // Killed whichever way it was caught: a result with a status, or SHUTTING_DOWN before it started.
    expect(await settled).not.toBe('completed');
    expect(await leftoversAfter(marker, 3000)).toEqual([]);
    await expect(executor.run({ code: 'print(1)\n', limits: limits() })).rejects.toMatchObject({ code: 'SHUTTING_DOWN' });
  });
});
