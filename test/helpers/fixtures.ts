/**
 * Fixture builders shared by the suites: a complete, valid value by default, with overrides for
 * the part a test cares about. Ids are unique per call so tests never collide on shared stores.
 */
import { randomUUID } from 'node:crypto';
import type { ExecutionResult, ReasoningResult, RunLimits, SandboxSettings } from '../../src/kernel/contracts.js';
import type { RunProgress, SandboxRecord } from '../../src/kernel/tokens.js';

type DeepPartial<T> = { [K in keyof T]?: T[K] extends object ? (T[K] extends unknown[] ? T[K] : DeepPartial<T[K]>) : T[K] };

/** A completed local execution of the coin program; nested objects merge with `overrides`. */
export function buildExecutionResult(overrides: DeepPartial<ExecutionResult> = {}): ExecutionResult {
  const base: ExecutionResult = {
    exitCode: 0,
    stdout: '@@RK_RESULT@@ {"answer": {"value": 0.5833}}\n',
    stderr: '',
    executionTime: 0.042,
    status: 'completed',
    resourceUsage: { cpuUsagePercent: 93.5, memoryUsageMb: 41.2 },
    metadata: {
      sandboxType: 'local',
      sandboxId: null,
      isolation: 'bubblewrap',
      truncated: false,
      fallback: false,
      streamsMerged: false,
      pythonVersion: '3.11.7',
    },
  };
  return {
    ...base,
    ...overrides,
    resourceUsage: { ...base.resourceUsage, ...overrides.resourceUsage },
    metadata: { ...base.metadata, ...overrides.metadata },
  } as ExecutionResult;
}

/** A successful answer to the coin question (7 heads in 10 flips, uniform prior). */
export function buildReasoningResult(overrides: Partial<ReasoningResult> = {}): ReasoningResult {
  return {
    id: `run-${randomUUID()}`,
    query: 'A coin landed heads 7 times in 10 flips. What is the probability it lands heads next time?',
    success: true,
    overallConfidence: 0.91,
    answer: { text: 'About 0.667 (posterior mean of the heads probability)', value: 0.6667, quantity: 'posterior mean of the heads probability' },
    estimates: [
      {
        name: 'p_heads',
        description: 'probability of heads',
        mean: 0.6667,
        sd: 0.1307,
        interval: [0.3902, 0.8907],
        intervalMass: 0.95,
      },
    ],
    stages: [
      { name: 'parse', status: 'completed', durationMs: 0.4, confidence: 1 },
      { name: 'retrieve', status: 'completed', durationMs: 0.1, confidence: 1 },
      { name: 'graph', status: 'completed', durationMs: 0.1, confidence: 0.95 },
      { name: 'synthesize', status: 'completed', durationMs: 0.3, confidence: 0.95 },
      { name: 'infer', status: 'completed', durationMs: 45.2, confidence: 1 },
    ],
    program: { language: 'python', code: 'import json\nprint("@@RK_RESULT@@", json.dumps({}))\n', model: 'beta-binomial' },
    execution: buildExecutionResult(),
    backend: { reasoning: 'embedded', sandbox: 'local' },
    durationMs: 46.5,
    createdAt: new Date().toISOString(),
    ...overrides,
  };
}

/** The seed's default sandbox configuration. */
export function buildSandboxSettings(overrides: Partial<SandboxSettings> = {}): SandboxSettings {
  return {
    cpuLimit: 2,
    memoryLimitMb: 512,
    executionTimeoutS: 30,
    tempStorageMb: 50,
    pythonVersion: '3.11',
    enableNetworking: false,
    enableAstValidation: true,
    allowedImports: ['numpy', 'scipy', 'jax', 'numpyro', 'pandas', 'matplotlib', 'json', 'math'],
    ...overrides,
  };
}

export function buildSandboxRecord(overrides: Partial<SandboxRecord> = {}): SandboxRecord {
  const sandboxId = overrides.sandboxId ?? `sbx-${randomUUID()}`;
  return { sandboxId, name: `rk-${sandboxId}`, createdAt: new Date().toISOString(), owner: 'test-instance', ...overrides };
}

export function buildRunProgress(overrides: Partial<RunProgress> = {}): RunProgress {
  return {
    runId: `run-${randomUUID()}`,
    query: 'A coin landed heads 7 times in 10 flips...',
    stage: 'synthesize',
    startedAt: new Date().toISOString(),
    ...overrides,
  };
}

/** Limits for a test run: generous time, small storage and output caps. */
export function buildRunLimits(overrides: Partial<RunLimits> = {}): RunLimits {
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
