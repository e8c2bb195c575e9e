import { Writable } from 'node:stream';
import { Container } from 'inversify';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppConfig } from '../../../src/config/schema.js';
import type { ExecutionResult } from '../../../src/kernel/contracts.js';
import { isKernelError } from '../../../src/errors.js';
import { type SandboxExecutor, TOKENS } from '../../../src/kernel/tokens.js';
import { INDICATORS } from '../../../src/logging/logger.js';
import { FallbackExecutor } from '../../../src/sandbox/daytona/fallback-executor.js';
import { executorModule } from '../../../src/sandbox/executor-module.js';
import { localExecutorModule } from '../../../src/sandbox/local/local-module.js';
import { DaytonaEmulator } from '../../emulator/daytona-emulator.js';
import { emulatorConfig, eventually, runRequest } from './daytona-fixtures.js';

const FALLBACK_WARNING = 'Daytona unavailable; running code on the local executor until it recovers';

/** The container's real wiring: config, a capturing logger, the local executor, the executor module. */
function buildExecutor(config: Readonly<AppConfig>, logLines: Record<string, unknown>[] = []): { executor: SandboxExecutor; container: Container } {
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString('utf8').split('\n')) if (line) logLines.push(JSON.parse(line) as Record<string, unknown>);
      done();
    },
  });
  const container = new Container({ defaultScope: 'Singleton' });
  container.bind(TOKENS.Config).toConstantValue(config);
  container.bind(TOKENS.Logger).toConstantValue(pino({ level: 'info' }, sink));
  container.load(localExecutorModule, executorModule);
  return { executor: container.get(TOKENS.SandboxExecutor), container };
}

describe('startup binding (executorModule)', () => {
  it('binds the local executor itself when DAYTONA_API_KEY is not set', async () => {
    const emulator = await DaytonaEmulator.start();
    try {
      const config = emulatorConfig(emulator, { apiKey: undefined });
      const logs: Record<string, unknown>[] = [];
      const { executor, container } = buildExecutor(config, logs);
      expect(executor).toBe(container.get(TOKENS.LocalExecutor));
      expect(executor.kind).toBe('local');
      expect(logs.filter((l) => l.indicator === INDICATORS.local)).toHaveLength(1);
      await executor.close();
    } finally {
      await emulator.close();
    }
  });

  it('binds Daytona with the local fallback when DAYTONA_API_KEY is set', async () => {
    const emulator = await DaytonaEmulator.start();
    try {
      const logs: Record<string, unknown>[] = [];
      const { executor } = buildExecutor(emulatorConfig(emulator), logs);
      expect(executor).toBeInstanceOf(FallbackExecutor);
      expect(executor.kind).toBe('daytona');
      expect(logs.filter((l) => l.indicator === INDICATORS.daytona)).toHaveLength(1);
      // Resolving it creates nothing and calls nothing: the client is lazy.
      expect(emulator.requests).toHaveLength(0);
      await executor.close();
    } finally {
      await emulator.close();
    }
  });
});

describe('FallbackExecutor (real SDK, emulator, real local executor)', () => {
  let emulator: DaytonaEmulator;
  let executor: SandboxExecutor | undefined;

  beforeEach(async () => {
    emulator = await DaytonaEmulator.start();
  });

  afterEach(async () => {
    try {
      await executor?.close();
      executor = undefined;
      expect(emulator.liveCount, 'sandboxes left in the emulator').toBe(0);
    } finally {
      await emulator.close();
    }
  });

  it('runs on Daytona while it is up', async () => {
    executor = buildExecutor(emulatorConfig(emulator)).executor;
    const result = await executor.run(runRequest('print("cloud")'));
    expect(result.metadata).toMatchObject({ sandboxType: 'daytona', fallback: false });
    expect((await executor.status()).serviceStatus).toBe('operational');
  });

  it('falls back to local when the API is down, warns once, and recovers by itself', async () => {
    const logs: Record<string, unknown>[] = [];
    executor = buildExecutor(emulatorConfig(emulator, { probeIntervalS: 0.2 }), logs).executor;
    await emulator.goDown();

    const results = [];
    for (const n of [1, 2, 3]) results.push(await executor.run(runRequest(`print(${n})`)));
    expect(results.map((r) => r.stdout)).toEqual(['1\n', '2\n', '3\n']);
    for (const r of results) expect(r.metadata).toMatchObject({ sandboxType: 'local', fallback: true, streamsMerged: false });
    expect(logs.filter((l) => l.msg === FALLBACK_WARNING)).toHaveLength(1);
    const status = await executor.status();
    expect(status).toMatchObject({ serviceStatus: 'fallback_mode', indicator: INDICATORS.fallback, kind: 'local', available: true });
    expect(status.detail).toMatch(/Daytona unavailable/);

    await emulator.comeBack();
    await eventually(async () => (await executor!.run(runRequest('print("back")'))).metadata.sandboxType === 'daytona', 'runs return to Daytona');
    expect((await executor.status()).serviceStatus).toBe('operational');
    expect(logs.some((l) => l.msg === 'Daytona reachable again; leaving fallback mode')).toBe(true);

    // A second outage is a new episode: warned again.
    await emulator.goDown();
    await executor.destroySandbox(); // Daytona unreachable: logged, not thrown
    expect((await executor.run(runRequest('print(4)'))).metadata.fallback).toBe(true);
    expect(logs.filter((l) => l.msg === FALLBACK_WARNING)).toHaveLength(2);
    await emulator.comeBack();
    await executor.close();
  });

  it('with fallback never, an outage is SANDBOX_UNAVAILABLE and status says unavailable', async () => {
    executor = buildExecutor(emulatorConfig(emulator, { fallback: 'never' })).executor;
    await emulator.goDown();
    const error = await executor.run(runRequest('print(1)')).catch((e: unknown) => e);
    expect(isKernelError(error, 'SANDBOX_UNAVAILABLE')).toBe(true);
    expect((error as Error).message).toMatch(/RK_SANDBOX_FALLBACK=never/);
    expect(await executor.status()).toMatchObject({ serviceStatus: 'unavailable', available: false, indicator: INDICATORS.unavailable });
    await emulator.comeBack();
  });

  it('falls back when Daytona refuses the credentials', async () => {
    executor = buildExecutor(emulatorConfig(emulator, { apiKey: 'revoked-key' })).executor;
    const result = await executor.run(runRequest('print("local")'));
    expect(result.metadata).toMatchObject({ sandboxType: 'local', fallback: true });
    expect(emulator.liveCount).toBe(0);
  });

  it('in a batch with per-item errors, runs on local only the items Daytona could not run, or reports them with never', async () => {
    const asResult = (error: unknown): ExecutionResult => ({
      exitCode: null, stdout: '', stderr: String((error as Error).message), executionTime: 0, status: 'error',
      resourceUsage: { cpuUsagePercent: 0, memoryUsageMb: 0 },
      metadata: { sandboxType: 'daytona', sandboxId: null, isolation: 'daytona', truncated: false, fallback: false, streamsMerged: false, reason: (error as { code?: string }).code },
    });
    const items = [1, 2, 3].map((n) => runRequest(`print(${n})`));
    executor = buildExecutor(emulatorConfig(emulator)).executor;
    await emulator.goDown();
    const auto = await executor.runBatch(items, { concurrency: 3, onItemError: asResult });
    expect(auto.map((r) => r.stdout)).toEqual(['1\n', '2\n', '3\n']);
    for (const r of auto) expect(r.metadata).toMatchObject({ sandboxType: 'local', fallback: true });
    await emulator.comeBack();
    await executor.close();

    executor = buildExecutor(emulatorConfig(emulator, { fallback: 'never' })).executor;
    await emulator.goDown();
    const never = await executor.runBatch(items, { concurrency: 3, onItemError: asResult });
    expect(never.map((r) => [r.status, r.metadata.reason])).toEqual(items.map(() => ['error', 'SANDBOX_UNAVAILABLE']));
    await emulator.comeBack();
  });

  it('falls back on 503 after the retries, but not on a rate limit or a program failure', async () => {
    executor = buildExecutor(emulatorConfig(emulator, { maxRetries: 1 })).executor;
    const failed = await executor.run(runRequest('raise SystemExit(7)'));
    expect(failed).toMatchObject({ status: 'failed', exitCode: 7, metadata: { sandboxType: 'daytona', fallback: false } });

    emulator.inject('codeRun', { kind: 'status', status: 429, retryAfterS: 0 }, 2);
    const limited = await executor.run(runRequest('print(1)')).catch((e: unknown) => e);
    expect(isKernelError(limited, 'DAYTONA_RATE_LIMITED')).toBe(true);

    emulator.inject('codeRun', { kind: 'status', status: 503 }, 2);
    const fellBack = await executor.run(runRequest('print(2)'));
    expect(fellBack.metadata).toMatchObject({ sandboxType: 'local', fallback: true });
  });
});
