import { describe, expect, it } from 'vitest';
import { SANDBOX_PATHS, buildBwrapArgs } from '../../../../src/sandbox/local/bwrap-command.js';

const base = {
  pythonRoots: ['/opt/py/3.11'], pythonExecutable: '/opt/py/3.11/bin/python3.11', launcherPath: '/srv/rk/launcher.py',
  programPath: '/tmp/rk/run-1/main.py', tempStorageMb: 50, enableNetworking: false, unprivileged: false,
  env: { PATH: '/opt/py/3.11/bin:/usr/bin', HOME: '/sandbox' }, launcherArgs: ['timeoutMs=1000'],
};

/** Pairs `[flag, ...values]` as they appear, for order-insensitive checks. */
function hasSequence(args: string[], seq: string[]): boolean {
  return args.some((_, i) => seq.every((s, j) => args[i + j] === s));
}

describe('buildBwrapArgs', () => {
  it('unshares net, pid, ipc and uts, dies with its parent and starts a new session', () => {
    const args = buildBwrapArgs(base);
    for (const flag of ['--unshare-net', '--unshare-pid', '--unshare-ipc', '--unshare-uts', '--die-with-parent', '--new-session', '--clearenv']) {
      expect(args).toContain(flag);
    }
    expect(args).not.toContain('--unshare-user');
  });

  it('binds only /usr, the python root and the two files read-only; the run folder is a sized tmpfs', () => {
    const args = buildBwrapArgs(base);
    expect(hasSequence(args, ['--ro-bind', '/usr', '/usr'])).toBe(true);
    expect(hasSequence(args, ['--ro-bind', '/opt/py/3.11', '/opt/py/3.11'])).toBe(true);
    expect(hasSequence(args, ['--ro-bind', base.programPath, SANDBOX_PATHS.program])).toBe(true);
    expect(hasSequence(args, ['--ro-bind', base.launcherPath, SANDBOX_PATHS.launcher])).toBe(true);
    expect(hasSequence(args, ['--perms', '1777', '--size', String(50 * 1024 * 1024), '--tmpfs', SANDBOX_PATHS.workdir])).toBe(true);
    expect(hasSequence(args, ['--perms', '0755', '--dir', '/opt'])).toBe(true);
    expect(args.filter((a) => a === '--bind')).toEqual([]); // nothing of the host is writable
    const sources = args.flatMap((a, i) => (a === '--ro-bind' ? [args[i + 1]] : []));
    expect(sources.filter((s) => ['/', '/etc', '/home', '/root', '/tmp'].includes(s))).toEqual([]);
  });

  it('sets exactly the given environment and runs the launcher with python -I -B -S', () => {
    const args = buildBwrapArgs(base);
    expect(args.filter((a) => a === '--setenv')).toHaveLength(2);
    expect(args.slice(args.indexOf('--'))).toEqual(['--', base.pythonExecutable, '-I', '-B', '-S', SANDBOX_PATHS.launcher, 'timeoutMs=1000']);
  });

  it('uses a user namespace without nesting when unprivileged, and keeps the network only when enabled', () => {
    const args = buildBwrapArgs({ ...base, unprivileged: true, enableNetworking: true });
    expect(args).toContain('--unshare-user');
    expect(args).toContain('--disable-userns');
    expect(args).not.toContain('--unshare-net');
  });
});
