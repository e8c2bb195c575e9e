/**
 * What is new with the warm pool: jobs share a long-lived sandboxed zygote, so nothing of one job
 * (processes, files, module state, a broken zygote) may reach the next, and the zygote itself must
 * be out of the jobs' reach. The attack suites (basics, isolation, limits) also run warm.
 */
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ExecutionResult, RunRequest } from '../../../src/kernel/contracts.js';
import type { LocalIsolation } from '../../../src/sandbox/local/isolation-probe.js';
import type { LocalExecutor } from '../../../src/sandbox/local/local-executor.js';
import type { WarmPoolStatus } from '../../../src/sandbox/local/warm-pool.js';
import { MODES, leftoversAfter, limits, makeExecutor, processesWithMarker, runOn } from './harness.js';

/** Host pids whose name (`/proc/<pid>/comm`, set with PR_SET_NAME) is `name`. */
function processesNamed(name: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === name) found.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

async function poolStatus(executor: LocalExecutor, path: 'warm' | 'light' = 'warm'): Promise<WarmPoolStatus & { coldFallbacks: number }> {
  return (await executor.status()).extra?.[path === 'light' ? 'lightPool' : 'pool'] as WarmPoolStatus & { coldFallbacks: number };
}

const WARM_PATHS = ['warm', 'light'] as const;

describe.each(MODES.flatMap((m) => WARM_PATHS.map((p) => [m, p] as const)))('warm pool (%s, %s tier)', (mode: LocalIsolation, path) => {
  let executor: LocalExecutor;
  const run = (code: string, overrides: Partial<RunRequest['limits']> = {}): Promise<ExecutionResult> =>
    runOn(executor, path, { code, limits: limits(overrides) });
  beforeAll(async () => {
    executor = makeExecutor(mode, {}, path);
    await executor.warmUp();
  }, 60_000);
  afterAll(async () => {
    await executor.close();
  });

  it('reports the pool in status()', async () => {
    const status = await executor.status();
    const [key, tier] = path === 'light' ? ['lightPool', 'light'] : ['pool', 'full'];
    expect(status.extra?.[key]).toMatchObject({ size: 1, warm: 1, busy: 0 });
    expect(status.detail).toContain(`warm ${tier} tier: 1/1 warm`);
  });

  it('kills a process a job left behind (setsid + double fork) before the next job runs', async () => {
    const marker = `rk-warm-orphan-${randomUUID()}`;
    const name = `rkleft${randomUUID().slice(0, 8)}`;
    const leave = [
      'import os, sys, time',
      'if os.fork() == 0:',
      '    os.setsid()',
      '    if os.fork() == 0:',
      '        if os.fork() == 0:',
      '            import ctypes',
      `            ctypes.CDLL(None).prctl(15, b"${name}", 0, 0, 0)  # PR_SET_NAME: findable without exec`,
      '            while True: time.sleep(1)  # a forked copy of the zygote image, no exec',
      `        os.execv(sys.executable, [sys.executable, "-I", "-c", "import time; time.sleep(60)", "${marker}"])`,
      '    os._exit(0)',
      'time.sleep(0.2)',
      'print("left", flush=True)',
    ].join('\n');
    const first = await run(leave);
    expect(first.stdout).toBe('left\n');
    expect(processesWithMarker(marker)).toEqual([]);
    expect(processesNamed(name)).toEqual([]);
    // The next job sees no other process of any earlier job: in a PID namespace only init, the
    // zygote and itself; without one, no child of the zygote but itself.
    const look = [
      'import os',
      'me, parent = os.getpid(), os.getppid()',
      'others = []',
      'try:',
      '    pids = os.listdir("/proc")',
      'except OSError:',
      '    pids = []  # Landlock: /proc is out of reach; the host-side checks cover it',
      'for d in pids:',
      '    if not d.isdigit() or int(d) in (1, me, parent): continue',
      '    try:',
      '        stat = open(f"/proc/{d}/stat").read()',
      '    except OSError:',
      '        continue',
      '    if int(stat.rsplit(")", 1)[1].split()[1]) == parent: others.append(d)',
      'print("siblings", others)',
    ].join('\n');
    const second = await run(look);
    expect(second.stdout).toBe('siblings []\n');
    expect(await leftoversAfter(marker)).toEqual([]);
  });

  it('wipes the files a job wrote before the next job runs', async () => {
    // Process mode has no filesystem isolation (the host's /tmp is the host's): only its own folders.
    const dirs = mode === 'process' ? '(".", os.environ["TMPDIR"])' : '(".", "/tmp", "/dev/shm", os.environ["TMPDIR"])';
    const write = [
      'import os',
      `for d in ${dirs}:`,
      '    try:',
      '        open(os.path.join(d, "rk-left-behind.txt"), "w").write("secret of the previous job")',
      '        os.makedirs(os.path.join(d, "rk-dir/sub"), exist_ok=True)',
      '        os.chmod(os.path.join(d, "rk-dir"), 0o500)  # a folder the job tries to keep',
      '    except OSError:',
      '        pass',
      'print(os.getcwd())',
    ].join('\n');
    const first = await run(write);
    expect(first.status).toBe('completed');
    const look = [
      'import os',
      'seen = []',
      `for d in ${dirs} + ("..", ${JSON.stringify(first.stdout.trim())}):`,
      '    try:',
      '        seen += [os.path.join(d, n) for n in os.listdir(d) if n.startswith("rk-")]',
      '    except OSError:',
      '        pass',
      'print(os.getcwd() != ' + JSON.stringify(first.stdout.trim()) + ', sorted(os.listdir(".")), seen)',
    ].join('\n');
    const second = await run(look);
    expect(second.stdout).toBe("True ['main.py'] []\n");
  });

  // Only bubblewrap gives the pool its own IPC namespace; without one the host's objects are not
  // the pool's to remove (a documented limit), so the other layers do not register these tests.
  if (mode === 'bubblewrap') {
    it('removes System V IPC objects a job created (bubblewrap: the sandbox has its own IPC namespace)', async () => {
      const create = 'import ctypes\nlibc = ctypes.CDLL(None)\nprint(libc.shmget(0x5243, 4096, 0o1666) >= 0, libc.semget(0x5244, 1, 0o1666) >= 0, libc.msgget(0x5245, 0o1666) >= 0)\n';
      expect((await run(create)).stdout).toBe('True True True\n');
      const look = 'print([len(open("/proc/sysvipc/" + t).read().splitlines()) - 1 for t in ("shm", "sem", "msg")])\n';
      expect((await run(look)).stdout).toBe('[0, 0, 0]\n');
    });

    it('removes POSIX message queues a job created (bubblewrap: the sandbox has its own IPC namespace)', async () => {
      const mq = (flags: string) => [
        'import ctypes, os',
        'libc = ctypes.CDLL(None, use_errno=True)',
        'libc.mq_open.restype = ctypes.c_int',
        `fd = libc.mq_open(b"/rk-cross-job", ${flags}, 0o666, None)`,
        'print("open" if fd >= 0 else "absent:" + os.strerror(ctypes.get_errno()))',
      ].join('\n');
      expect((await run(mq('os.O_CREAT | os.O_RDWR'))).stdout).toBe('open\n');
      expect((await run(mq('os.O_RDWR'))).stdout).toBe('absent:No such file or directory\n');
    });
  }

  it('gives every job pristine module state, environment and working folder', async () => {
    const taint = [
      'import builtins, json, math, os, sys',
      'import numpy as np',
      'np.sum = lambda *a, **k: 42',
      'np.rk_global = "tainted"',
      'math.pi = 3',
      'json.dumps = lambda *a, **k: "tainted"',
      'builtins.len = lambda x: -1',
      'sys.modules["rk_planted"] = sys',
      'sys.path.insert(0, "/tmp")',
      'os.environ["RK_PLANTED"] = "1"',
      'os.chdir("/")',
      'rk_main_global = 1',
      'print("tainted")',
    ].join('\n');
    expect((await run(taint)).stdout).toBe('tainted\n');
    const check = [
      'import builtins, json, math, os, sys',
      'import numpy as np',
      'print(int(np.sum(np.arange(4))), hasattr(np, "rk_global"), math.pi > 3.14, json.dumps([1]), len("ab"))',
      'print("rk_planted" in sys.modules, "/tmp" in sys.path, "RK_PLANTED" in os.environ, os.getcwd() != "/", "rk_main_global" in globals())',
    ].join('\n');
    expect((await run(check)).stdout).toBe('6 False True [1] 2\nFalse False False True False\n');
  });

  it('gives each job fresh random state', async () => {
    const code = 'import random\nimport numpy as np\nprint(random.random(), np.random.rand())\n';
    const a = await run(code);
    const b = await run(code);
    expect(a.status).toBe('completed');
    expect(a.stdout).not.toBe(b.stdout);
  });

  it('reports a job that exhausts memory as resource_exceeded, and the next job succeeds', async () => {
    const r = await run('a = []\nwhile True: a.append(bytearray(16 * 1024 * 1024))\n', { memoryLimitMb: 256 });
    expect(r).toMatchObject({ status: 'resource_exceeded', metadata: { reason: 'memory', warm: true } });
    expect((await run('print("after")')).stdout).toBe('after\n');
  });

  it('survives a job that tries to kill its zygote: the job gets a status, the next job succeeds', async () => {
    const r = await run('import os, time\ntry:\n    os.kill(os.getppid(), 9)\n    time.sleep(2)\n    print("killed")\nexcept OSError as e:\n    print("denied", type(e).__name__)\n');
    // With isolation the zygote is out of reach (another uid, or Landlock's signal scope); in
    // process mode the kill succeeds and the job ends with the sandbox.
    if (mode === 'process') expect(['error', 'completed']).toContain(r.status);
    else expect(r.stdout).toMatch(/^denied /);
    if (r.status === 'error') expect(r.metadata.reason).toBe('warm_sandbox_lost');
    expect((await run('print("next")')).stdout).toBe('next\n');
  });

  it('gives a status when the zygote dies under a job, and replaces it', async () => {
    const before = await poolStatus(executor, path);
    const pending = run('import time\nprint("started", flush=True)\ntime.sleep(30)\n');
    await new Promise((r) => setTimeout(r, 300));
    for (const pid of before.pids) process.kill(pid, 'SIGKILL');
    const r = await pending;
    expect(r).toMatchObject({ status: 'error', metadata: { reason: 'warm_sandbox_lost', warm: true } });
    expect((await run('print("replaced")')).stdout).toBe('replaced\n');
    const after = await poolStatus(executor, path);
    expect(after.recycled).toBeGreaterThan(before.recycled);
    expect(after.pids).not.toEqual(before.pids);
  });

  it('runs many sequential jobs with correct results', async () => {
    for (let i = 0; i < 25; i++) {
      const r = await run(`import numpy as np\nprint(int(np.arange(${i + 1}).sum()))\n`);
      expect(r.stdout).toBe(`${(i * (i + 1)) / 2}\n`);
    }
  });
});

describe.each(['bubblewrap', 'landlock'] as const)('warm pool zygote protection (%s)', (mode) => {
  let executor: LocalExecutor;
  beforeAll(async () => {
    executor = makeExecutor(mode, {}, 'warm');
    await executor.warmUp();
  }, 60_000);
  afterAll(async () => {
    await executor.close();
  });

  it("cannot ptrace its zygote or read the zygote's memory or environment", async () => {
    const code = [
      'import ctypes, os',
      'z = os.getppid()',
      'for what in ("mem", "environ", "maps"):',
      '    try:',
      '        with open(f"/proc/{z}/{what}", "rb") as f:',
      '            f.read(64)',
      '        print(what, "READ")',
      '    except OSError as e:',
      '        print(what, "denied")',
      'libc = ctypes.CDLL(None, use_errno=True)',
      'rc = libc.ptrace(16, z, None, None)  # PTRACE_ATTACH',
      'print("ptrace", "ATTACHED" if rc == 0 else "denied")',
      'rc = libc.ptrace(0x4206, z, None, None)  # PTRACE_SEIZE',
      'print("seize", "ATTACHED" if rc == 0 else "denied")',
    ].join('\n');
    const r = await runOn(executor, 'warm', { code, limits: limits() });
    expect(r.stdout).toBe('mem denied\nenviron denied\nmaps denied\nptrace denied\nseize denied\n');
  });
});

describe('warm pool lifecycle', () => {
  const executors: LocalExecutor[] = [];
  const make = (env: Record<string, string>): LocalExecutor => {
    const e = makeExecutor('bubblewrap', env, 'warm');
    executors.push(e);
    return e;
  };
  afterEach(async () => {
    await Promise.all(executors.splice(0).map((e) => e.close()));
  });

  it('runs concurrent jobs on two zygotes with correct results', async () => {
    const executor = make({ RK_POOL_SIZE: '2', RK_MAX_CONCURRENCY: '2' });
    await executor.warmUp();
    const requests = Array.from({ length: 20 }, (_, i) => ({ code: `import time\ntime.sleep(0.01)\nprint(${i} * 3)\n`, limits: limits() }));
    const results = await executor.runBatch(requests, { concurrency: 4 });
    expect(results.map((r) => r.stdout)).toEqual(requests.map((_, i) => `${i * 3}\n`));
    expect(results.every((r) => r.metadata.warm === true)).toBe(true);
    expect(await poolStatus(executor)).toMatchObject({ size: 2, warm: 2, jobsRun: 20 });
  });

  it('warmUp() resolves with every zygote warm, though they import a few at a time', async () => {
    const executor = make({ RK_POOL_SIZE: '3' });
    await executor.warmUp();
    expect(await poolStatus(executor)).toMatchObject({ size: 3, warm: 3, busy: 0, startFailures: 0 });
  });

  it('close() during warm-up kills the zygotes and lets warmUp() resolve', async () => {
    const executor = make({ RK_POOL_SIZE: '2' });
    const warming = executor.warmUp();
    let pids: number[] = [];
    for (let i = 0; i < 500 && pids.length === 0; i++) {
      pids = (await poolStatus(executor)).pids; // the first zygote spawns just after the probe
      if (pids.length === 0) await new Promise((r) => setTimeout(r, 10));
    }
    expect(pids.length).toBeGreaterThan(0);
    await executor.close();
    await warming;
    const alive = pids.filter((pid) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    });
    expect(alive).toEqual([]);
  });

  it('replaces a zygote after RK_POOL_RECYCLE_JOBS jobs', async () => {
    const executor = make({ RK_POOL_RECYCLE_JOBS: '3' });
    await executor.warmUp();
    for (let i = 0; i < 7; i++) expect((await runOn(executor, 'warm', { code: `print(${i})`, limits: limits() })).stdout).toBe(`${i}\n`);
    expect((await poolStatus(executor)).recycled).toBeGreaterThanOrEqual(2);
  });

  it('goes cold when no warm zygote is free (RK_POOL_FALLBACK=cold)', async () => {
    const executor = make({ RK_POOL_FALLBACK: 'cold', RK_MAX_CONCURRENCY: '2' });
    await executor.warmUp();
    const code = 'import time\ntime.sleep(0.5)\nprint("ok")\n';
    const results = await Promise.all([executor.run({ code, limits: limits() }), executor.run({ code, limits: limits() })]);
    expect(results.map((r) => r.stdout)).toEqual(['ok\n', 'ok\n']);
    expect(results.map((r) => r.metadata.warm === true).sort()).toEqual([false, true]);
    expect((await poolStatus(executor)).coldFallbacks).toBe(1);
  });

  it('waits for a warm zygote rather than starting cold once the pool is warm (the default)', async () => {
    const executor = make({ RK_POOL_FALLBACK: '', RK_MAX_CONCURRENCY: '2' });
    await executor.warmUp();
    const code = 'import time\ntime.sleep(0.3)\nprint("ok")\n';
    const results = await Promise.all([executor.run({ code, limits: limits() }), executor.run({ code, limits: limits() })]);
    expect(results.map((r) => r.stdout)).toEqual(['ok\n', 'ok\n']);
    expect(results.map((r) => r.metadata.warm)).toEqual([true, true]);
    expect((await poolStatus(executor)).coldFallbacks).toBe(0);
  });

  it("counts only the job's own CPU: a single-threaded program never reports more than 100 %", async () => {
    const executor = make({});
    await executor.warmUp();
    const busy = await runOn(executor, 'warm', { code: 'x = 0\nfor i in range(2_000_000):\n    x += i\nprint(x)\n', limits: limits() });
    const trivial = await runOn(executor, 'warm', { code: 'print(1)\n', limits: limits() });
    for (const r of [busy, trivial]) {
      expect(r.status).toBe('completed');
      expect(r.resourceUsage.cpuUsagePercent).toBeLessThanOrEqual(101);
    }
    expect(busy.resourceUsage.cpuUsagePercent).toBeGreaterThan(0);
  });

  it('runs jobs the pool cannot hold (networking, larger storage) cold', async () => {
    const executor = make({});
    await executor.warmUp();
    const r = await executor.run({ code: 'print(1)', limits: limits({ tempStorageMb: 512 }) });
    expect(r.stdout).toBe('1\n');
    expect(r.metadata.warm).toBeUndefined();
  });

  it('is off with RK_POOL_SIZE=0', async () => {
    const executor = make({ RK_POOL_SIZE: '0' });
    const r = await executor.run({ code: 'print(1)', limits: limits() });
    expect(r.metadata.warm).toBeUndefined();
    expect(await poolStatus(executor)).toMatchObject({ size: 0, warm: 0 });
  });

  it('close() kills every zygote and leaves no sandbox process behind', async () => {
    const executor = make({ RK_POOL_SIZE: '2' });
    await executor.warmUp();
    const { poolId, pids } = await poolStatus(executor);
    expect(pids).toHaveLength(2);
    const running = executor.run({ code: 'import time\ntime.sleep(30)\n', limits: limits() });
    await new Promise((r) => setTimeout(r, 200));
    expect(processesWithMarker(`pool=${poolId}`).length).toBeGreaterThanOrEqual(2);
    await executor.close();
    expect((await running).status).toBe('error');
    expect(await leftoversAfter(`pool=${poolId}`)).toEqual([]);
  });
});

describe('warm tiers: full and light side by side', () => {
  let executor: LocalExecutor;
  beforeAll(async () => {
    executor = makeExecutor('bubblewrap', { RK_POOL_LIGHT_SIZE: '1', RK_MAX_CONCURRENCY: '2' }, 'warm');
    await executor.warmUp();
  }, 60_000);
  afterAll(async () => {
    await executor.close();
  });

  it('reports both tiers', async () => {
    const status = await executor.status();
    expect(status.extra?.pool).toMatchObject({ size: 1, warm: 1, preimport: ['numpy', 'json', 'math'] });
    expect(status.extra?.lightPool).toMatchObject({ size: 1, warm: 1 });
    expect(status.detail).toContain('warm full tier: 1/1 warm');
    expect(status.detail).toContain('warm light tier: 1/1 warm');
  });

  it('runs programs without heavy imports in the light tier and numpy programs in the full tier', async () => {
    const tierOf = async (code: string): Promise<string | undefined> => {
      const r = await executor.run({ code, limits: limits() });
      expect(r.status, r.stderr).toBe('completed');
      return r.metadata.warmTier;
    };
    expect(await tierOf('print(1)')).toBe('light');
    expect(await tierOf('import json, statistics\nprint(json.dumps(statistics.mean([1, 2])))')).toBe('light');
    expect(await tierOf('import numpy as np\nprint(np.arange(3).sum())')).toBe('full');
    expect(await tierOf('x = 1; import numpy\nprint(x)')).toBe('full');
    // Both tiers show the program the same world: numpy is importable from the light tier too.
    const light = await executor.run({ code: 'import importlib\nprint(importlib.import_module("num" + "py").arange(3).sum())', limits: limits() });
    expect(light).toMatchObject({ status: 'completed', stdout: '3\n', metadata: { warmTier: 'light' } });
  });

  it('lends an idle full-tier interpreter to a light program when the light tier is busy, never the reverse', async () => {
    const sleepy = 'import time\ntime.sleep(0.4)\nprint("slept")';
    const both = await Promise.all([executor.run({ code: sleepy, limits: limits() }), executor.run({ code: 'print(2)', limits: limits() })]);
    expect(both.map((r) => r.metadata.warmTier).sort()).toEqual(['full', 'light']);
    const numpySleepy = 'import numpy, time\ntime.sleep(0.4)\nprint("slept")';
    const heavy = await Promise.all([executor.run({ code: numpySleepy, limits: limits() }), executor.run({ code: 'import numpy\nprint(3)', limits: limits() })]);
    expect(heavy.map((r) => r.metadata.warmTier)).toEqual(['full', 'full']);
  });
});
