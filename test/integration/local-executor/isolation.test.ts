import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { type Server, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LocalExecutor } from '../../../src/sandbox/local/local-executor.js';
import type { LocalIsolation } from '../../../src/sandbox/local/isolation-probe.js';
import type { RunRequest } from '../../../src/kernel/contracts.js';
import { PATHS, limits, makeExecutor, runOn } from './harness.js';

/** Layers that isolate the filesystem and the network; `process` mode does not (and says so). */
const ISOLATING: readonly LocalIsolation[] = ['bubblewrap', 'landlock'];
const SECRET = 'rk-canary-secret-8c1e2f';

describe.each(ISOLATING.flatMap((m) => PATHS.map((p) => [m, p] as const)))('local executor isolation (%s, %s)', (mode, path) => {
  let executor: LocalExecutor;
  const run = (request: RunRequest) => runOn(executor, path, request);
  let hostDir: string;
  let canary: string;
  let server: Server;
  let port: number;
  let accepted = 0;

  beforeAll(async () => {
    executor = makeExecutor(mode, {}, path);
    await executor.warmUp();
    // World-readable and world-writable on purpose: only the sandbox may stop the program.
    hostDir = mkdtempSync(join(tmpdir(), 'rk-iso-test-'));
    chmodSync(hostDir, 0o777);
    canary = join(hostDir, 'secret.txt');
    writeFileSync(canary, SECRET, { mode: 0o644 });
    chmodSync(canary, 0o644);
    server = createServer((socket) => {
      accepted++;
      socket.end('hello');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  }, 60_000);
  afterAll(async () => {
    await executor.close();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(hostDir, { recursive: true, force: true });
  });

  it('cannot read a secret file outside its run folder', async () => {
    const code = `try:\n    print(open(${JSON.stringify(canary)}).read())\nexcept OSError as e:\n    print("denied", type(e).__name__)\n`;
    const r = await run({ code, limits: limits() });
    expect(r.stdout).toMatch(/^denied (FileNotFoundError|PermissionError)/);
    expect(r.stdout + r.stderr).not.toContain(SECRET);
  });

  it('cannot list the host home or the service folders', async () => {
    const code = 'import os\nfor p in ("/root", "/home", "/work", "/etc/passwd", "/etc/shadow"):\n    try:\n        print(p, "visible", os.listdir(p) if os.path.isdir(p) else open(p).read()[:20])\n    except OSError as e:\n        print(p, "denied")\n';
    const r = await run({ code, limits: limits() });
    for (const line of r.stdout.trim().split('\n')) {
      // bubblewrap creates /root only as the empty parent of the Python prefix bind
      expect(line.endsWith('denied') || /^\/root visible \['\.pyenv'\]$/.test(line)).toBe(true);
    }
  });

  it('cannot write outside its run folder, and can write inside it', async () => {
    const target = join(hostDir, 'escaped.txt');
    const code = [
      'import os',
      `for p in (${JSON.stringify(target)}, "/usr/rk-escape", "/etc/rk-escape", "${process.cwd()}/rk-escape"):`,
      '    try:',
      '        open(p, "w").write("x")',
      '        print("wrote", p)',
      '    except OSError as e:',
      '        print("denied", type(e).__name__)',
      'open("inside.txt", "w").write("ok")',
      'print("inside", open("inside.txt").read())',
    ].join('\n');
    const r = await run({ code, limits: limits() });
    expect(r.stdout).not.toContain('wrote');
    expect(r.stdout).toContain('inside ok');
    expect(existsSync(target)).toBe(false);
    expect(existsSync(join(process.cwd(), 'rk-escape'))).toBe(false);
  });

  it("cannot read the service's environment through /proc", async () => {
    process.env.RK_TEST_FAKE_API_KEY = 'sk-test-proc-canary-77aa';
    try {
      // Every ancestor's environ that is readable must hold only the program's own variables.
      const code = [
        'import os',
        'pid = os.getpid()',
        'seen = set()',
        'try:',
        '    pids = [d for d in os.listdir("/proc") if d.isdigit()]',
        'except OSError:',
        '    pids = []',
        'for target in ["self", str(os.getppid()), "1"] + pids:',
        '    try:',
        '        env = open(f"/proc/{target}/environ", "rb").read()',
        '    except OSError:',
        '        continue',
        '    for item in env.split(b"\\0"):',
        '        if item: seen.add(item.split(b"=", 1)[0].decode())',
        'print(sorted(seen))',
      ].join('\n');
      const r = await run({ code, limits: limits() });
      expect(r.status).toBe('completed');
      const allowed = new Set(['PATH', 'HOME', 'TMPDIR', 'LANG', 'LC_ALL', 'OPENBLAS_NUM_THREADS', 'OMP_NUM_THREADS', 'MKL_NUM_THREADS', 'NUMEXPR_NUM_THREADS', 'MALLOC_ARENA_MAX', 'MPLCONFIGDIR', 'MPLBACKEND', 'PWD']);
      const seen = JSON.parse(r.stdout.replace(/'/g, '"')) as string[];
      expect(seen.filter((k) => !allowed.has(k))).toEqual([]);
      expect(r.stdout).not.toContain('sk-test-proc-canary');
    } finally {
      delete process.env.RK_TEST_FAKE_API_KEY;
    }
  });

  it('cannot connect to a TCP listener on 127.0.0.1', async () => {
    const before = accepted;
    const code = `import socket\ntry:\n    s = socket.create_connection(("127.0.0.1", ${port}), timeout=2)\n    print("connected", s.recv(10))\nexcept OSError as e:\n    print("refused", type(e).__name__)\n`;
    const r = await run({ code, limits: limits() });
    expect(r.stdout).toMatch(/^refused /);
    expect(accepted).toBe(before);
  });

  it('cannot signal the service process', async () => {
    const code = `import os, signal\ntry:\n    os.kill(${process.pid}, 0)\n    print("reachable")\nexcept OSError as e:\n    print("denied", type(e).__name__)\n`;
    const r = await run({ code, limits: limits() });
    expect(r.stdout).toMatch(/^denied /);
  });
});
