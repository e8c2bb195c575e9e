/**
 * Builds real local executors (real python3, real bwrap) per isolation mode for the suites, and
 * inspects the host's /proc for processes a run left behind.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { pino } from 'pino';
import { loadConfig } from '../../../src/config/load-config.js';
import type { RunLimits } from '../../../src/kernel/contracts.js';
import { LocalExecutor } from '../../../src/sandbox/local/local-executor.js';
import type { LocalIsolation } from '../../../src/sandbox/local/isolation-probe.js';

export const MODES: readonly LocalIsolation[] = ['bubblewrap', 'landlock', 'process'];

/** The interpreter used by the suites: RK_PYTHON of the test environment, else python3 on PATH. */
export const PYTHON = process.env.RK_PYTHON ?? 'python3';

export function makeExecutor(mode: LocalIsolation | 'auto', env: Record<string, string> = {}): LocalExecutor {
  const config = loadConfig({ env: { RK_PYTHON: PYTHON, RK_ISOLATION: mode, ...env } });
  return new LocalExecutor(config, pino({ level: 'silent' }));
}

export function limits(overrides: Partial<RunLimits> = {}): RunLimits {
  return {
    timeoutMs: 10_000,
    memoryLimitMb: 512,
    cpuLimit: 1,
    tempStorageMb: 16,
    maxOutputBytes: 64 * 1024,
    enableNetworking: false,
    ...overrides,
  };
}

/** Host pids whose command line contains `marker` (the executor's own processes never do). */
export function processesWithMarker(marker: string): number[] {
  const found: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name) || Number(name) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${name}/cmdline`, 'utf8').includes(marker)) found.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return found;
}

/** Waits until no process carries `marker` (the kernel reaps a killed namespace asynchronously). */
export async function leftoversAfter(marker: string, graceMs = 1000): Promise<number[]> {
  const until = Date.now() + graceMs;
  let found = processesWithMarker(marker);
  while (found.length > 0 && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 50));
    found = processesWithMarker(marker);
  }
  return found;
}
