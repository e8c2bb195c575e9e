import type { ExecutionStatus } from '../../kernel/contracts.js';
import type { WrapperReport } from './python-wrapper.js';

export interface ReportOutcome {
  status: ExecutionStatus;
  exitCode: number | null;
  /** `metadata.reason`, with the same vocabulary as the local executor. */
  reason?: string;
}

const SIGKILL = 9;
const SIGXCPU = 24;

/**
 * Maps the wrapper's measurements to a status (design §3), with the same rules and reason names
 * as the local executor's `classifyOutcome`, so a program gets the same verdict on either side.
 * `output` is the merged output: the last traceback line names the limit that was hit.
 */
export function outcomeFromReport(report: WrapperReport, output: string): ReportOutcome {
  const exitCode = report.exitCode ?? (report.signal !== null ? 128 + report.signal : null);
  if (report.timedOut) return { status: 'timeout', exitCode, reason: 'wall_clock' };
  if (report.outputExceeded) return { status: 'resource_exceeded', exitCode, reason: 'output' };
  if (report.signal === SIGXCPU || (report.signal === SIGKILL && report.cpuS >= report.cpuLimitS)) {
    return { status: 'timeout', exitCode, reason: 'cpu_time' };
  }
  if (report.exitCode === 0) return { status: 'completed', exitCode: 0 };
  const lines = output.trimEnd().split('\n');
  const last = lines[lines.length - 1] ?? '';
  if (/^[\w.]*MemoryError\b/.test(last) || /Cannot allocate memory|std::bad_alloc/.test(last)) {
    return { status: 'resource_exceeded', exitCode, reason: 'memory' };
  }
  if (/\[Errno 27\]/.test(last)) return { status: 'resource_exceeded', exitCode, reason: 'file_size' };
  if (/\[Errno 11\] Resource temporarily unavailable|can't start new thread/.test(last)) {
    return { status: 'resource_exceeded', exitCode, reason: 'processes' };
  }
  if (report.signal === SIGKILL) return { status: 'resource_exceeded', exitCode, reason: 'killed (SIGKILL, likely out of memory)' };
  return { status: 'failed', exitCode };
}
