/**
 * Test helper only: a `SandboxService` that runs programs with plain python3 (no validation, no
 * isolation), so the stage plugins can be exercised without the real sandbox stack.
 */
import { spawn } from 'node:child_process';
import type { ExecutionResult } from '../../src/kernel/contracts.js';
import type { ExecuteRequest, SandboxService } from '../../src/kernel/tokens.js';

const PYTHON = process.env.RK_PYTHON ?? '/root/.pyenv/versions/3.11.7/bin/python3';

export function runPython(code: string, signal?: AbortSignal): Promise<ExecutionResult> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(PYTHON, ['-c', code], { stdio: ['ignore', 'pipe', 'pipe'], signal, env: { PATH: process.env.PATH ?? '' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      resolve({
        exitCode: code,
        stdout,
        stderr,
        executionTime: (performance.now() - started) / 1000,
        status: code === 0 ? 'completed' : 'failed',
        resourceUsage: { cpuUsagePercent: 0, memoryUsageMb: 0 },
        metadata: { sandboxType: 'local', sandboxId: null, isolation: 'none', truncated: false, fallback: false, streamsMerged: false },
      });
    });
  });
}

/** Only `execute` is implemented; the stages use nothing else. */
export function pythonSandboxService(onExecute?: (request: ExecuteRequest) => void): SandboxService {
  const unsupported = () => Promise.reject(new Error('not available in the python test sandbox'));
  return {
    execute: (request) => {
      onExecute?.(request);
      return runPython(request.code, request.signal);
    },
    executeBatch: (requests) => Promise.all(requests.map((r) => runPython(r.code, r.signal))),
    validate: unsupported,
    getSettings: unsupported,
    updateSettings: unsupported,
    status: unsupported,
    createSandbox: unsupported,
    destroySandbox: unsupported,
  };
}
