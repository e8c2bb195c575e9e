import { describe, expect, it } from 'vitest';
import { classifyOutcome } from '../../../../src/sandbox/local/classify-outcome.js';
import type { LauncherExit, LauncherRun } from '../../../../src/sandbox/local/launcher-process.js';

function run(exit: Partial<LauncherExit> | null, extra: Partial<LauncherRun> = {}): LauncherRun {
  return {
    stdout: Buffer.alloc(0), stderr: Buffer.alloc(0), truncated: false, started: true, hardKilled: false,
    processExitCode: 0, processSignal: null, wallMs: 50,
    exit: exit === null ? undefined : { event: 'exit', exitCode: 0, signal: null, utimeS: 0.01, stimeS: 0, maxRssKb: 9000, wallS: 0.02, killedBy: null, leftovers: 0, uid: 65534, nproc: 64, landlockAbi: null, ...exit },
    ...extra,
  };
}

describe('classifyOutcome', () => {
  it.each([
    ['exit 0', run({}), '', { status: 'completed', exitCode: 0 }],
    ['exit 2', run({ exitCode: 2 }), 'Traceback\nValueError: x', { status: 'failed', exitCode: 2 }],
    ['launcher timer', run({ exitCode: null, signal: 9, killedBy: 'timeout' }), '', { status: 'timeout', reason: 'wall_clock', exitCode: 137 }],
    ['service deadline', run({ exitCode: null, signal: 9, killedBy: 'control' }, { killReason: 'timeout' }), '', { status: 'timeout', reason: 'wall_clock' }],
    ['SIGXCPU', run({ exitCode: null, signal: 24 }), '', { status: 'timeout', reason: 'cpu_time', exitCode: 152 }],
    ['SIGKILL at the hard CPU limit', run({ exitCode: null, signal: 9, utimeS: 11 }), '', { status: 'timeout', reason: 'cpu_time' }],
    ['MemoryError', run({ exitCode: 1 }), 'Traceback (most recent call last):\nMemoryError', { status: 'resource_exceeded', reason: 'memory' }],
    ['numpy allocation', run({ exitCode: 1 }), 'numpy._core._exceptions._ArrayMemoryError: Unable to allocate 8.00 GiB', { status: 'resource_exceeded', reason: 'memory' }],
    ['EFBIG', run({ exitCode: 1 }), 'OSError: [Errno 27] File too large', { status: 'resource_exceeded', reason: 'file_size' }],
    ['fork refused', run({ exitCode: 1 }), 'BlockingIOError: [Errno 11] Resource temporarily unavailable', { status: 'resource_exceeded', reason: 'processes' }],
    ['output cap', run({ exitCode: null, signal: 9, killedBy: 'control' }, { killReason: 'output', truncated: true }), '', { status: 'resource_exceeded', reason: 'output' }],
    ['launcher vanished', run(null, { processExitCode: 137 }), '', { status: 'error', reason: 'launcher_lost' }],
    ['executor closed', run({ exitCode: null, signal: 9, killedBy: 'control' }, { killReason: 'closed' }), '', { status: 'error', reason: 'executor_closed' }],
  ])('%s', (_name, launcherRun, stderr, expected) => {
    expect(classifyOutcome(launcherRun, stderr, 10)).toMatchObject(expected);
  });

  it('does not call a MemoryError mentioned mid-traceback a memory limit when the program failed otherwise', () => {
    expect(classifyOutcome(run({ exitCode: 1 }), 'MemoryError handled\nTraceback\nKeyError: 1', 10)).toMatchObject({ status: 'failed' });
  });
});
