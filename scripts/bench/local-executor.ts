/**
 * Local executor cost, cold (one fresh sandboxed interpreter per run; no warm pool yet): end-to-end
 * `run()` time for `print(1)` and for a program importing numpy and scipy.stats, beside the
 * baseline of spawning plain `python3 -I -B file` with the same program in the same process.
 * The difference is the sandbox's overhead: bwrap setup, the trusted launcher's own interpreter
 * start, the temp folder and the report channel.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { loadConfig } from '../../src/config/load-config.js';
import type { RunLimits } from '../../src/kernel/contracts.js';
import { LocalExecutor } from '../../src/sandbox/local/local-executor.js';
import type { LocalIsolation } from '../../src/sandbox/local/isolation-probe.js';
import { type BenchRow, type Timing, measure, round } from './bench-kit.js';

const LIMITS: RunLimits = { timeoutMs: 60_000, memoryLimitMb: 512, cpuLimit: 1, tempStorageMb: 50, maxOutputBytes: 1 << 20, enableNetworking: false };
const PROGRAMS = [
  { scenario: 'print(1)', code: 'print(1)\n', runs: 20, warmup: 2, modes: ['bubblewrap', 'landlock', 'process'] as LocalIsolation[] },
  { scenario: 'import numpy, scipy.stats', code: 'import numpy, scipy.stats\nprint(scipy.stats.norm.cdf(0.0))\n', runs: 6, warmup: 1, modes: ['bubblewrap'] as LocalIsolation[] },
];

export async function benchLocalExecutor(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const logger = pino({ level: 'silent' });
  const baseConfig = loadConfig();
  const executors = new Map<LocalIsolation, LocalExecutor>();
  const dir = mkdtempSync(join(tmpdir(), 'rk-bench-local-'));
  try {
    for (const mode of ['bubblewrap', 'landlock', 'process'] as LocalIsolation[]) {
      const executor = new LocalExecutor(loadConfig({ env: { RK_PYTHON: baseConfig.python.executable, RK_ISOLATION: mode } }), logger);
      executors.set(mode, executor);
    }
    const status = await executors.get('bubblewrap')!.status();
    if (!status.available || !status.pythonExecutable) {
      console.warn(`bench local-executor: bubblewrap unavailable (${status.detail}); rows skipped`);
      return rows;
    }
    const python = status.pythonExecutable;
    for (const program of PROGRAMS) {
      const file = join(dir, 'main.py');
      writeFileSync(file, program.code);
      const baseline = await measure(() => spawnPython(python, file), { runs: program.runs, warmup: program.warmup });
      for (const mode of program.modes) {
        const executor = executors.get(mode)!;
        if (!(await executor.status()).available) continue;
        let cpuPercent = 0;
        let memoryMb = 0;
        const timing: Timing = await measure(async () => {
          const r = await executor.run({ code: program.code, limits: LIMITS });
          if (r.status !== 'completed') throw new Error(`bench program ${r.status}: ${r.stderr.slice(0, 300)}`);
          cpuPercent = r.resourceUsage.cpuUsagePercent;
          memoryMb = r.resourceUsage.memoryUsageMb;
        }, { runs: program.runs, warmup: program.warmup });
        rows.push({
          group: 'local-executor',
          scenario: `${program.scenario} (${mode}, cold)`,
          runs: timing.runs,
          medianMs: timing.medianMs,
          p95Ms: timing.p95Ms,
          baseline: { scenario: 'python3 -I -B file (spawn)', medianMs: baseline.medianMs, p95Ms: baseline.p95Ms },
          speedup: round(baseline.medianMs / timing.medianMs),
          extra: { overheadMs: round(timing.medianMs - baseline.medianMs), lastCpuPercent: cpuPercent, lastPeakRssMb: memoryMb },
        });
      }
    }
    return rows;
  } finally {
    await Promise.all([...executors.values()].map((e) => e.close()));
    rmSync(dir, { recursive: true, force: true });
  }
}

function spawnPython(python: string, file: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(python, ['-I', '-B', file], { stdio: ['ignore', 'pipe', 'pipe'], env: { PATH: '/usr/bin:/bin', OPENBLAS_NUM_THREADS: '1' } });
    child.stdout.resume();
    child.stderr.resume();
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`python exited ${code}`))));
  });
}
