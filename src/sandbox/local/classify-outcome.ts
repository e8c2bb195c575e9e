import { classifyExit, type Outcome } from '../classify-exit.js';
import type { LauncherRun } from './launcher-process.js';

export type { Outcome } from '../classify-exit.js';

/**
 * Maps what the launcher and the service saw to a status (design §3): the service's own kills
 * (deadline, output cap, close) and a vanished launcher first, then the shared exit rules.
 */
export function classifyOutcome(run: LauncherRun, stderr: string, cpuLimitS: number): Outcome {
  const exit = run.exit;
  const exitCode = exit ? (exit.exitCode ?? (exit.signal !== null ? 128 + exit.signal : null)) : null;
  if (run.killReason === 'timeout' || exit?.killedBy === 'timeout') return { status: 'timeout', exitCode, reason: 'wall_clock' };
  if (run.killReason === 'output' || run.truncated) return { status: 'resource_exceeded', exitCode, reason: 'output' };
  if (run.killReason === 'closed') return { status: 'error', exitCode, reason: 'executor_closed' };
  if (!exit) return { status: 'error', exitCode: run.processExitCode, reason: 'launcher_lost' };
  return classifyExit({ exitCode: exit.exitCode, signal: exit.signal, cpuS: exit.utimeS + exit.stimeS, cpuLimitS }, stderr);
}
