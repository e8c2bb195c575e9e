/**
 * Builders for the Daytona suites: a configuration pointed at a loopback emulator with fast
 * retries, a silent logger, and run limits.
 */
import { buildRunLimits } from '../../helpers/fixtures.js';
import 'reflect-metadata';
import { pino } from 'pino';
import { loadConfig } from '../../../src/config/load-config.js';
import type { AppConfig, ConfigInput } from '../../../src/config/schema.js';
import type { RunLimits, RunRequest } from '../../../src/kernel/contracts.js';
import type { Logger } from '../../../src/kernel/tokens.js';
import type { DaytonaEmulator } from '../../emulator/daytona-emulator.js';

type DaytonaInput = NonNullable<ConfigInput['daytona']>;

/**
 * Config for the real SDK against `emulator`; `daytona` overrides merge into the Daytona part;
 * `env` is read as the environment would be (overrides win).
 */
export function emulatorConfig(
  emulator: DaytonaEmulator,
  daytona: Partial<DaytonaInput> = {},
  rest: Partial<ConfigInput> = {},
  env: Record<string, string> = {},
): Readonly<AppConfig> {
  return loadConfig({
    env,
    overrides: {
      ...rest,
      daytona: {
        apiKey: emulator.apiKey,
        apiUrl: emulator.apiUrl,
        target: 'us',
        maxRetries: 2,
        retryBaseDelayMs: 5,
        createTimeoutS: 10,
        idleTimeoutS: 0,
        probeIntervalS: 0.2,
        requestTimeoutMs: 20_000,
        ...daytona,
      },
      log: { level: 'silent', format: 'json' },
    },
  });
}

/** A logger that writes nothing (tests assert on behaviour, not log lines). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}

/** Test run limits (one builder for every suite). */
export const runLimits = buildRunLimits;

export function runRequest(code: string, limits: Partial<RunLimits> = {}): RunRequest {
  return { code, limits: runLimits(limits) };
}

/** Waits until `check()` holds, polling; fails with `what` after `timeoutMs` (not a timing assert). */
export async function eventually(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
