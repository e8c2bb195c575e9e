/**
 * Builds real local executors (real python3, real bwrap) per isolation mode for the suites, and
 * inspects the host's /proc for processes a run left behind.
 */
import { buildRunLimits } from '../../helpers/fixtures.js';
import { readdirSync, readFileSync } from 'node:fs';
import { pino } from 'pino';
import { loadConfig } from '../../../src/config/load-config.js';
import type { ExecutionResult, RunLimits, RunRequest } from '../../../src/kernel/contracts.js';
import { LocalExecutor } from '../../../src/sandbox/local/local-executor.js';
import type { LocalIsolation } from '../../../src/sandbox/local/isolation-probe.js';

export const MODES: readonly LocalIsolation[] = ['bubblewrap', 'landlock', 'process'];

/** The interpreter used by the suites: RK_PYTHON of the test environment, else python3 on PATH. */
export const PYTHON = process.env.RK_PYTHON ?? 'python3';

/**
 * Cold runs (a fresh interpreter per run), the warm pool's full tier (jobs forked from zygotes that
 * pre-imported numpy) or its light tier (zygotes with standard modules only).
 */
export type RunPath = 'cold' | 'warm' | 'light';
export const PATHS: readonly RunPath[] = ['cold', 'warm', 'light'];
/** Every isolation mode on every run path, for `describe.each`. */
export const MODES_AND_PATHS: ReadonlyArray<readonly [LocalIsolation, RunPath]> = MODES.flatMap((m) => PATHS.map((p) => [m, p] as const));

/**
 * A real executor. `path: 'warm'` gives a one-zygote full tier that runs every job warm (it waits
 * for its zygote instead of going cold), pre-importing numpy only to keep the suites fast; `light`
 * gives a one-zygote light tier and no full tier, so every job runs there. Call `warmUp()` before
 * timing-insensitive assertions that need the pool. Cold is the default.
 */
export function makeExecutor(mode: LocalIsolation | 'auto', env: Record<string, string> = {}, path: RunPath = 'cold'): LocalExecutor {
  const pool = {
    cold: { RK_POOL_SIZE: '0', RK_POOL_LIGHT_SIZE: '0' },
    warm: { RK_POOL_SIZE: '1', RK_POOL_LIGHT_SIZE: '0', RK_POOL_FALLBACK: 'wait', RK_POOL_PREIMPORT: 'numpy,json,math' },
    light: { RK_POOL_SIZE: '0', RK_POOL_LIGHT_SIZE: '1', RK_POOL_FALLBACK: 'wait' },
  }[path];
  const config = loadConfig({ env: { RK_PYTHON: PYTHON, RK_ISOLATION: mode, RK_SANDBOX_TEMP_STORAGE_MB: '64', ...pool, ...env } });
  return new LocalExecutor(config, pino({ level: 'silent' }));
}

/** Runs through `executor` and checks the run took the expected path (so a warm suite really ran warm). */
export async function runOn(executor: LocalExecutor, path: RunPath, request: RunRequest): Promise<ExecutionResult> {
  const r = await executor.run(request);
  const got = r.metadata.warm ? (r.metadata.warmTier === 'light' ? 'light' : 'warm') : 'cold';
  if (got !== path) throw new Error(`expected a ${path} run, got ${JSON.stringify(r.metadata)}`);
  return r;
}

/** Test run limits (one builder for every suite). */
export const limits = buildRunLimits;

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
