import { classifyExit, type Outcome } from '../classify-exit.js';
import type { WrapperReport } from './python-wrapper.js';

export type ReportOutcome = Outcome;

/**
 * Maps the wrapper's measurements to a status with the shared rules (`classifyExit`), so a
 * program gets the same verdict on either side. `output` is the merged output.
 */
export function outcomeFromReport(report: WrapperReport, output: string): ReportOutcome {
  const exitCode = report.exitCode ?? (report.signal !== null ? 128 + report.signal : null);
  if (report.timedOut) return { status: 'timeout', exitCode, reason: 'wall_clock' };
  if (report.outputExceeded) return { status: 'resource_exceeded', exitCode, reason: 'output' };
  return classifyExit({ exitCode: report.exitCode, signal: report.signal, cpuS: report.cpuS, cpuLimitS: report.cpuLimitS }, output);
}
