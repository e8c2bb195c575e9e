/**
 * The Daytona path end to end against the loopback emulator (the real SDK, the measuring wrapper,
 * real python3 behind code-run): executions per second and HTTP requests per execution, with the
 * persistent sandbox reused and with a fresh sandbox per execution (create + run + delete). The
 * emulator answers in microseconds, so these figures are our overhead plus two python3 starts
 * (wrapper and program); against Daytona Cloud add one network round trip per request.
 */
import 'reflect-metadata';
import { pino } from 'pino';
import { loadConfig } from '../../src/config/load-config.js';
import type { RunRequest } from '../../src/kernel/contracts.js';
import { DaytonaExecutor } from '../../src/sandbox/daytona/daytona-executor.js';
import { DaytonaEmulator } from '../../test/emulator/daytona-emulator.js';
import { type BenchRow, measure, round } from './bench-kit.js';

const REUSE_RUNS = 40;
const FRESH_RUNS = 15;
const REQUEST: RunRequest = {
  code: 'print(1)\n',
  limits: { timeoutMs: 10_000, memoryLimitMb: 512, cpuLimit: 1, tempStorageMb: 16, maxOutputBytes: 65_536, enableNetworking: false },
};

export async function benchDaytona(): Promise<BenchRow[]> {
  // axios honours HTTP(S)_PROXY: loopback traffic must bypass any proxy.
  process.env.NO_PROXY ??= '127.0.0.1,localhost';
  const emulator = await DaytonaEmulator.start();
  const config = loadConfig({
    env: {},
    overrides: {
      daytona: { apiKey: emulator.apiKey, apiUrl: emulator.apiUrl, target: 'us', idleTimeoutS: 0 },
      instanceId: 'bench',
      log: { level: 'silent', format: 'json' },
    },
  });
  const executor = new DaytonaExecutor(config, pino({ level: 'silent' }));
  try {
    const rows: BenchRow[] = [];

    // Reused sandbox: steady state.
    const coldStart = performance.now();
    await executor.run(REQUEST);
    const firstRunMs = performance.now() - coldStart;
    let mark = emulator.requests.length;
    const reuse = await measure(() => executor.run(REQUEST), { runs: REUSE_RUNS, warmup: 3 });
    const reuseRequests = (emulator.requests.length - mark) / (REUSE_RUNS + 3);
    // What the emulator spent running the wrapper and the program (two python3 starts).
    const serverMs = emulator.requestsSince(mark).map((r) => r.durationMs ?? 0).sort((a, b) => a - b);
    const serverMedianMs = serverMs[Math.floor(serverMs.length / 2)] ?? 0;

    // Fresh sandbox per execution.
    await executor.destroySandbox();
    mark = emulator.requests.length;
    const fresh = await measure(async () => {
      await executor.run(REQUEST);
      await executor.destroySandbox();
    }, { runs: FRESH_RUNS, warmup: 1 });
    const freshRequests = (emulator.requests.length - mark) / (FRESH_RUNS + 1);

    rows.push({
      group: 'daytona',
      scenario: 'execute print(1), sandbox reused (emulator)',
      runs: reuse.runs,
      medianMs: reuse.medianMs,
      p95Ms: reuse.p95Ms,
      p99Ms: reuse.p99Ms,
      baseline: { scenario: 'fresh sandbox per execution', medianMs: fresh.medianMs, p95Ms: fresh.p95Ms },
      speedup: round(fresh.medianMs / reuse.medianMs, 2),
      extra: {
        executionsPerSecond: round(1000 / reuse.meanMs, 1),
        httpRequestsPerExecution: round(reuseRequests, 2),
        firstRunWithCreateMs: round(firstRunMs, 1),
        codeRunServerMedianMs: round(serverMedianMs, 1),
        clientOverheadMedianMs: round(reuse.medianMs - serverMedianMs, 1),
      },
    });
    rows.push({
      group: 'daytona',
      scenario: 'execute print(1), fresh sandbox each time (emulator)',
      runs: fresh.runs,
      medianMs: fresh.medianMs,
      p95Ms: fresh.p95Ms,
      p99Ms: fresh.p99Ms,
      extra: {
        executionsPerSecond: round(1000 / fresh.meanMs, 1),
        httpRequestsPerExecution: round(freshRequests, 2),
      },
    });

    // A batch of 6 programs that each sleep 0.2 s (a stand-in for remote compute): on the
    // RK_DAYTONA_BATCH_SANDBOXES=3 default lanes, beside one after the other on one sandbox.
    const batch = Array.from({ length: 6 }, (_, i) => ({ ...REQUEST, code: `import time\ntime.sleep(0.2)\nprint(${i})\n` }));
    await executor.runBatch(batch, { concurrency: 3 }); // creates the extra sandboxes
    const parallel = await measure(() => executor.runBatch(batch, { concurrency: 3 }), { runs: 5 });
    const sequential = await measure(() => executor.runBatch(batch, { concurrency: 1 }), { runs: 5 });
    rows.push({
      group: 'daytona',
      scenario: 'runBatch 6 x sleep(0.2), 3 reused sandboxes (emulator)',
      runs: parallel.runs,
      medianMs: parallel.medianMs,
      p95Ms: parallel.p95Ms,
      baseline: { scenario: 'same batch on one sandbox', medianMs: sequential.medianMs, p95Ms: sequential.p95Ms },
      speedup: round(sequential.medianMs / parallel.medianMs, 2),
      extra: { sandboxesLive: emulator.liveCount },
    });
    return rows;
  } finally {
    await executor.close();
    const leaked = emulator.liveCount;
    await emulator.close();
    if (leaked > 0) throw new Error(`benchDaytona leaked ${leaked} sandbox(es)`);
  }
}
