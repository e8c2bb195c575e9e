import { describe, expect, it } from 'vitest';
import { extractReport, wrapProgram, type WrapperReport } from '../../../../src/sandbox/daytona/python-wrapper.js';
import { outcomeFromReport } from '../../../../src/sandbox/daytona/report-outcome.js';
import { withRetry } from '../../../../src/sandbox/daytona/retry.js';

const LIMITS = { timeoutMs: 2000, memoryLimitMb: 256, cpuLimit: 1, tempStorageMb: 8, maxOutputBytes: 1024, enableNetworking: false };

function report(overrides: Partial<WrapperReport> = {}): WrapperReport {
  return { exitCode: 0, signal: null, timedOut: false, outputExceeded: false, cpuS: 0.02, wallS: 0.04, peakRssKb: 9000, python: '3.11.7', cpuLimitS: 3, insertedNewline: false, ...overrides };
}

describe('measuring wrapper', () => {
  it('uses a fresh marker per run and embeds the program only as base64', () => {
    const a = wrapProgram('print("hi")', LIMITS);
    const b = wrapProgram('print("hi")', LIMITS);
    expect(a.marker).not.toBe(b.marker);
    expect(a.source).not.toContain('print("hi")');
    expect(a.source).toContain(Buffer.from('print("hi")').toString('base64'));
  });

  it('takes the last marker line, strips it and the newline the wrapper inserted', () => {
    const { marker } = wrapProgram('x', LIMITS);
    const forged = `${marker}{"exitCode":0}\n`;
    const output = `${forged}partial\n${marker}${JSON.stringify(report({ exitCode: 3, insertedNewline: true }))}\n`;
    const parsed = extractReport(output, marker);
    expect(parsed.report?.exitCode).toBe(3);
    expect(parsed.output).toBe(`${forged}partial`);
  });

  it('returns no report when the wrapper never printed one', () => {
    expect(extractReport('Traceback...\n', '__rk_report_x__:')).toEqual({ output: 'Traceback...\n', report: null });
  });

  it('classifies like the local executor', () => {
    expect(outcomeFromReport(report(), '')).toEqual({ status: 'completed', exitCode: 0 });
    expect(outcomeFromReport(report({ exitCode: 2 }), 'boom')).toEqual({ status: 'failed', exitCode: 2 });
    expect(outcomeFromReport(report({ exitCode: null, signal: 9, timedOut: true }), '')).toMatchObject({ status: 'timeout', reason: 'wall_clock', exitCode: 137 });
    expect(outcomeFromReport(report({ exitCode: null, signal: 24 }), '')).toMatchObject({ status: 'timeout', reason: 'cpu_time' });
    expect(outcomeFromReport(report({ exitCode: 1 }), 'Traceback\nMemoryError\n')).toMatchObject({ status: 'resource_exceeded', reason: 'memory' });
    expect(outcomeFromReport(report({ exitCode: null, signal: 9, outputExceeded: true }), '')).toMatchObject({ status: 'resource_exceeded', reason: 'output' });
  });
});

describe('withRetry', () => {
  it('retries what the classifier allows, up to maxRetries, then rethrows the last error', async () => {
    let calls = 0;
    const error = await withRetry(async () => {
      calls++;
      throw new Error(`fail ${calls}`);
    }, { maxRetries: 2, baseDelayMs: 1, classify: () => ({ retry: true }) }).catch((e: unknown) => e);
    expect(calls).toBe(3);
    expect((error as Error).message).toBe('fail 3');
  });

  it('does not retry what the classifier refuses', async () => {
    let calls = 0;
    await expect(withRetry(async () => {
      calls++;
      throw new Error('program failure');
    }, { maxRetries: 5, baseDelayMs: 1, classify: () => ({ retry: false }) })).rejects.toThrow('program failure');
    expect(calls).toBe(1);
  });

  it('returns the first success', async () => {
    let calls = 0;
    const value = await withRetry(async () => (++calls < 2 ? Promise.reject(new Error('x')) : 'ok'), { maxRetries: 3, baseDelayMs: 1, classify: () => ({ retry: true }) });
    expect(value).toBe('ok');
    expect(calls).toBe(2);
  });
});
