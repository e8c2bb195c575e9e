import type { ExecutionStatus } from '../kernel/contracts.js';

/** A status, the exit code to report and `metadata.reason` (which limit was hit). */
export interface Outcome {
  status: ExecutionStatus;
  exitCode: number | null;
  reason?: string;
}

/** How the program process ended, as the trusted launcher or wrapper measured it. */
export interface ProgramExit {
  exitCode: number | null;
  signal: number | null;
  /** User + system CPU seconds. */
  cpuS: number;
  /** The RLIMIT_CPU that was set. */
  cpuLimitS: number;
}

const SIGKILL = 9;
const SIGXCPU = 24;

/**
 * Maps a program's exit to a status (design §3), the same way for every executor, so a program
 * gets the same verdict locally and in Daytona: exit 0 completed; RLIMIT_CPU timeout; memory,
 * file-size and process caps resource_exceeded; any other non-zero exit failed. `output` is the
 * program's stderr (or merged output): the last traceback line names the limit that was hit. A
 * program that prints such a line itself only mislabels its own failure (no privilege is gained).
 */
export function classifyExit(exit: ProgramExit, output: string): Outcome {
  const exitCode = exit.exitCode ?? (exit.signal !== null ? 128 + exit.signal : null);
  if (exit.signal === SIGXCPU || (exit.signal === SIGKILL && exit.cpuS >= exit.cpuLimitS)) {
    return { status: 'timeout', exitCode, reason: 'cpu_time' };
  }
  if (exit.exitCode === 0) return { status: 'completed', exitCode: 0 };
  const lines = output.trimEnd().split('\n');
  const last = lines[lines.length - 1] ?? '';
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
