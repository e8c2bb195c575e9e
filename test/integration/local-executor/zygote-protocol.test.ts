/**
 * The service side of the zygote protocol against a scripted zygote (a real python3 process that
 * speaks the protocol of zygote.py), for the paths the real zygote takes too rarely to test
 * through it: a zygote that retires itself after a job, with the next job already sent.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ZygoteProcess } from '../../../src/sandbox/local/zygote-process.js';
import { PYTHON } from './harness.js';

const SCRIPTED_ZYGOTE = String.raw`
import json, os, sys
MARK = b"\x00rk-zygote-end:"
def report(o):
    os.write(3, (json.dumps(o) + "\n").encode())
def ops():
    buf = b""
    while True:
        chunk = os.read(0, 65536)
        if not chunk:
            return
        buf += chunk
        while b"\n" in buf:
            line, buf = buf.split(b"\n", 1)
            yield json.loads(line)
report({"event": "ready", "pid": os.getpid(), "importS": 0, "failed": [], "rssKb": 1, "hugeKb": 0, "modules": ["json"], "stdlib": ["json"]})
jobs = ops()
first = next(jobs)
nonce = "0" * 32
os.write(1, first["source"].encode() + MARK + nonce.encode() + b"\n")
os.write(2, MARK + nonce.encode() + b"\n")
report({"event": "exit", "id": first["id"], "nonce": nonce, "exitCode": 0, "signal": None, "utimeS": 0, "stimeS": 0, "maxRssKb": 1,
        "wallS": 0.001, "killedBy": None, "leftovers": 0, "childError": None, "healthy": True, "rssKb": 1})
second = next(jobs)  # the service already handed it the next job
report({"event": "retire", "reason": "could not remove the files of a job"})
sys.exit(0)
`;

describe('zygote protocol (scripted zygote)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'rk-zygote-protocol-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('refuses (never loses) a job sent to a zygote that retires itself, and retires it', async () => {
    const script = join(dir, 'zygote.py');
    writeFileSync(script, SCRIPTED_ZYGOTE);
    const z = new ZygoteProcess({ command: PYTHON, args: ['-I', script], env: { PATH: '/usr/bin:/bin' }, pidNamespace: false });
    await z.ready;
    const job = (id: string, source: string) => ({ id, source, timeoutMs: 5000, as: 1 << 30, cpu: 5, fsize: 1 << 20, nofile: 64, nproc: null });
    const first = await z.run(job('a', 'first-output\n'), { timeoutMs: 5000, maxOutputBytes: 4096 });
    expect(first.refused).toBeUndefined();
    expect(first.stdout.toString()).toBe('first-output\n');
    expect(first.exit?.exitCode).toBe(0);
    const second = await z.run(job('b', 'second\n'), { timeoutMs: 5000, maxOutputBytes: 4096 });
    expect(second).toMatchObject({ refused: true, started: false });
    expect(second.stdout.length).toBe(0);
    expect(z.state).toBe('dead');
    expect(z.retiredBecause).toContain('could not remove the files of a job');
    expect(() => z.run(job('c', 'x'), { timeoutMs: 5000, maxOutputBytes: 4096 })).toThrow(/dead/);
    await z.exited;
  });
});
