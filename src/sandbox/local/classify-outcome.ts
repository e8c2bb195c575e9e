import type { ExecutionStatus } from '../../kernel/contracts.js';
import type { LauncherRun } from './launcher-process.js';

export interface Outcome {
  status: ExecutionStatus;
  exitCode: number | null;
  /** `metadata.reason`: which limit was exceeded, or why the run errored. */
  reason?: string;
}

const SIGKILL = 9;
const SIGXCPU = 24;

/**
 * Last line of a Python traceback, when the program died of an uncaught exception. Only used to
 * name the limit that was hit; a program that prints such a line itself merely mislabels its own
 * failure as resource_exceeded (no privilege is gained).
 */
function finalExceptionLine(stderr: string): string {
  const lines = stderr.trimEnd().split('\n');
  return lines[lines.length - 1] ?? '';
}

/**
 * Maps what the launcher and the service saw to a status (design §3): exit 0 completed, non-zero
 * failed; deadlines and RLIMIT_CPU timeout; memory, output, file size and process caps
 * resource_exceeded; a launcher that vanished error.
 */
export function classifyOutcome(run: LauncherRun, stderr: string, cpuLimitS: number): Outcome {
  const exit = run.exit;
  const exitCode = exit ? (exit.exitCode ?? (exit.signal !== null ? 128 + exit.signal : null)) : null;
  if (run.killReason === 'timeout' || exit?.killedBy === 'timeout') return { status: 'timeout', exitCode, reason: 'wall_clock' };
  if (run.killReason === 'output' || run.truncated) return { status: 'resource_exceeded', exitCode, reason: 'output' };
  if (run.killReason === 'closed') return { status: 'error', exitCode, reason: 'executor_closed' };
  if (!exit) return { status: 'error', exitCode: run.processExitCode, reason: 'launcher_lost' };
  if (exit.signal === SIGXCPU || (exit.signal === SIGKILL && exit.utimeS + exit.stimeS >= cpuLimitS)) {
    return { status: 'timeout', exitCode, reason: 'cpu_time' };
  }
  if (exit.exitCode === 0) return { status: 'completed', exitCode: 0 };
  const last = finalExceptionLine(stderr);
  if (/^[\w.]*MemoryError\b/.test(last) || /Cannot allocate memory|std::bad_alloc/.test(last)) {
    return { status: 'resource_exceeded', exitCode, reason: 'memory' };
  }
  if (/\[Errno 27\]/.test(last)) return { status: 'resource_exceeded', exitCode, reason: 'file_size' };
  if (/\[Errno 11\] Resource temporarily unavailable|can't start new thread/.test(last)) {
    return { status: 'resource_exceeded', exitCode, reason: 'processes' };
  }
  if (exit.signal === SIGKILL) return { status: 'resource_exceeded', exitCode, reason: 'killed (SIGKILL, likely out of memory)' };
  return { status: 'failed', exitCode };
}
