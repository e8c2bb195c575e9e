import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isKernelError } from '../../../src/errors.js';
import type { LocalExecutor } from '../../../src/sandbox/local/local-executor.js';
import type { RunRequest } from '../../../src/kernel/contracts.js';
import { MODES_AND_PATHS, limits, makeExecutor, runOn } from './harness.js';

describe.each(MODES_AND_PATHS)('local executor basics (%s, %s)', (mode, path) => {
  let executor: LocalExecutor;
  const run = (request: RunRequest) => runOn(executor, path, request);
  beforeAll(async () => {
    executor = makeExecutor(mode, {}, path);
    await executor.warmUp();
  }, 60_000);
  afterAll(async () => {
    await executor.close();
  });

  it('reports the forced isolation layer and the real interpreter in status()', async () => {
    const status = await executor.status();
    expect(status).toMatchObject({ kind: 'local', isolation: mode, available: true, serviceStatus: 'operational', sandboxActive: false, sandboxId: null });
    expect(status.pythonExecutable).toMatch(/^\/.*python3[.\d]*$/);
    expect(status.pythonExecutable).not.toContain('/shims/');
    expect(status.pythonVersion).toMatch(/^3\.\d+\.\d+$/);
    expect(status.detail).toContain(mode);
  });

  it('completes a program, capturing stdout and stderr separately', async () => {
    const r = await run({ code: 'import sys\nprint("out line")\nprint("err line", file=sys.stderr)\n', limits: limits() });
    expect(r).toMatchObject({ status: 'completed', exitCode: 0, stdout: 'out line\n', stderr: 'err line\n' });
    expect(r.metadata).toMatchObject({ sandboxType: 'local', isolation: mode, truncated: false, fallback: false, streamsMerged: false });
    expect(r.metadata.sandboxId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('runs non-ASCII source text byte for byte, and shows its lines in tracebacks', async () => {
    const code = '# -*- coding: utf-8 -*-\ns = "héllo ✓ 𝔘 \u00e9"\nprint(s, len(s))\nraise RuntimeError("ünïcode ✗")\n';
    const r = await run({ code, limits: limits() });
    expect(r).toMatchObject({ status: 'failed', exitCode: 1, stdout: 'héllo ✓ 𝔘 é 11\n' });
    expect(r.stderr).toContain('raise RuntimeError("ünïcode ✗")');
    expect(r.stderr).toContain('RuntimeError: ünïcode ✗');
  });

  it('denies system calls no program needs (seccomp), while threads, fork and numpy still work', async () => {
    const code = [
      'import ctypes, errno, os, threading',
      'libc = ctypes.CDLL(None, use_errno=True)',
      'def call(name, *args):',
      '    rc = getattr(libc, name)(*args)',
      '    return "ok" if rc >= 0 else errno.errorcode.get(ctypes.get_errno(), str(ctypes.get_errno()))',
      'print("unshare", call("unshare", 0x10000000))  # CLONE_NEWUSER',
      'print("io_uring_setup", call("syscall", 425, 1, None))',
      'print("bpf", call("syscall", 321, 0, None, 0))',
      'print("userfaultfd", call("syscall", 323, 0))',
      'print("keyctl", call("syscall", 250, 0, 0))',
      'print("clone3", call("syscall", 435, None, 0))',
      'print("x32 getpid", call("syscall", 0x40000000 | 39))',
      't = threading.Thread(target=lambda: None); t.start(); t.join()',
      'pid = os.fork()',
      'if pid == 0: os._exit(0)',
      'os.waitpid(pid, 0)',
      'import numpy as np',
      'print("still works", int(np.arange(4).sum()))',
    ].join('\n');
    const r = await run({ code, limits: limits() });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('unshare EPERM\nio_uring_setup EPERM\nbpf EPERM\nuserfaultfd EPERM\nkeyctl EPERM\nclone3 ENOSYS\nx32 getpid EPERM\nstill works 6\n');
    expect((await executor.status()).extra?.seccomp).toBe(true);
  });

  it('reports a non-zero exit as failed with its code', async () => {
    const r = await run({ code: 'import sys\nsys.exit(3)\n', limits: limits() });
    expect(r).toMatchObject({ status: 'failed', exitCode: 3 });
  });

  it('reports an uncaught exception as failed with the traceback on stderr', async () => {
    const r = await run({ code: 'raise ValueError("boom")\n', limits: limits() });
    expect(r.status).toBe('failed');
    expect(r.exitCode).toBe(1);
    expect(r.stderr).toContain('ValueError: boom');
  });

  it('reports a program that does not compile as failed with the SyntaxError', async () => {
    const r = await run({ code: 'def f(:\n    pass\n', limits: limits() });
    expect(r.status).toBe('failed');
    expect(r.stderr).toContain('SyntaxError');
  });

  it('runs the program as a file with -I -B and stdin from /dev/null', async () => {
    const code = [
      'import sys, os',
      'print(sys.flags.isolated, sys.flags.dont_write_bytecode, os.path.basename(__file__))',
      'print(repr(sys.stdin.read()))',
      'print(os.path.realpath("/proc/self/fd/0"))',
    ].join('\n');
    const r = await run({ code, limits: limits() });
    expect(r.stdout).toBe("1 1 main.py\n''\n/dev/null\n");
  });

  it('measures real resource usage: a 200 MB allocation shows in peak memory, a busy loop in CPU', async () => {
    const code = 'import time\nx = bytearray(200 * 1024 * 1024)\nfor i in range(0, len(x), 4096): x[i] = 1\nt = time.process_time()\nwhile time.process_time() - t < 0.3: pass\n';
    const r = await run({ code, limits: limits() });
    expect(r.status).toBe('completed');
    expect(r.resourceUsage.memoryUsageMb).toBeGreaterThanOrEqual(150);
    expect(r.resourceUsage.memoryUsageMb).toBeLessThan(512);
    expect(r.resourceUsage.cpuUsagePercent).toBeGreaterThan(10);
    expect(r.resourceUsage.cpuUsagePercent).toBeLessThanOrEqual(200);
    expect(r.executionTime).toBeGreaterThan(0);
  });

  it('gives the program an environment without any of the service variables', async () => {
    process.env.RK_TEST_FAKE_API_KEY = 'sk-test-env-canary-5f1d';
    try {
      const r = await run({ code: 'import os\nprint(sorted(os.environ))\nprint("sk-" in repr(dict(os.environ)))\n', limits: limits() });
      expect(r.status).toBe('completed');
      expect(r.stdout).not.toContain('RK_TEST_FAKE_API_KEY');
      expect(r.stdout).not.toContain('sk-test-env-canary');
      expect(r.stdout.trim().endsWith('False')).toBe(true);
    } finally {
      delete process.env.RK_TEST_FAKE_API_KEY;
    }
  });

  it('runs numpy and scipy', async () => {
    const code = 'import numpy as np\nfrom scipy import stats\nrng = np.random.default_rng(1)\nprint(round(float(stats.beta(8, 4).mean()), 4), rng.integers(0, 10, 3).shape)\n';
    const r = await run({ code, limits: limits({ timeoutMs: 30_000 }) });
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('0.6667 (3,)\n');
  });

  it('throws ABORTED when the request signal aborts mid-run, and kills the program', async () => {
    const controller = new AbortController();
    const pending = run({ code: 'import time\ntime.sleep(30)\n', limits: limits(), signal: controller.signal });
    setTimeout(() => controller.abort(), 300);
    const error = await pending.catch((e: unknown) => e);
    expect(isKernelError(error, 'ABORTED')).toBe(true);
  });

  it('has nothing to create or destroy', async () => {
    await expect(executor.createSandbox()).resolves.toMatchObject({ sandboxId: 'local', sandboxType: 'local', reused: true });
    await expect(executor.destroySandbox()).resolves.toBe(false);
  });
});
