/**
 * Admin HTTP server under load, over real loopback HTTP (keep-alive): latency percentiles and
 * throughput of `POST /api/v2/daytona/execute` for trivial programs (a distinct `print(<n>)` each,
 * checked) at several concurrencies, beside the same execution called in-process (the HTTP
 * layer's cost is the difference), plus a route that runs nothing (`GET /config`) for the
 * server's own overhead. The load comes from a separate process (http-load.ts) sharing the same
 * two cores, so RSS and heap figures are the server's alone.
 */
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../../src/http/build-server.js';
import { createKernel } from '../../src/kernel/create-kernel.js';
import type { ReasoningKernel } from '../../src/kernel/reasoning-kernel.js';
import { type BenchRow, round, summarize } from './bench-kit.js';
import type { LoadReport, LoadSpec } from './http-load.js';

const PROGRAM = 'print(1)\n';

interface LoadResult {
  samplesMs: number[];
  wallMs: number;
  statuses: Map<number, number>;
}

const LOAD_SCRIPT = fileURLToPath(new URL('./http-load.js', import.meta.url));
let programOffset = 0;

/** Runs the load generator process: `total` requests, at most `concurrency` in flight. */
function load(url: string, total: number, concurrency: number, kind: LoadSpec['kind']): Promise<LoadResult> {
  const spec: LoadSpec = { url, total, concurrency, kind, offset: programOffset };
  programOffset += total;
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [LOAD_SCRIPT, JSON.stringify(spec)], { maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`load generator failed: ${err.message} ${stderr.slice(0, 500)}`));
      const report = JSON.parse(stdout) as LoadReport;
      resolve({ samplesMs: report.samplesMs, wallMs: report.wallMs, statuses: new Map(Object.entries(report.statuses).map(([k, v]) => [Number(k), v])) });
    });
  });
}

/** The soak scenario: this many steps of this many requests (10,000 in all). */
const SOAK_STEPS = 5;
const SOAK_STEP_REQUESTS = 2000;

function rssMb(): number {
  return round(process.memoryUsage().rss / 2 ** 20, 1);
}

export async function benchHttp(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  let kernel: ReasoningKernel | undefined;
  let app: FastifyInstance | undefined;
  let peakRss = 0;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 25);
  try {
    kernel = await createKernel({ env: {}, defaults: { log: { level: 'silent', format: 'json' }, http: { port: 0 } } });
    app = await buildServer(kernel, { adminToken: null });
    await app.listen({ host: '127.0.0.1', port: 0 });
    const address = app.server.address();
    const base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
    const sandbox = kernel.services.sandbox;

    const execute = async (): Promise<number> => {
      const response = await fetch(`${base}/api/v2/daytona/execute`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ code: PROGRAM }),
      });
      const body = (await response.json()) as { status?: string };
      return response.status === 200 && body.status !== 'completed' ? 299 : response.status;
    };

    // Warm up: interpreter start, validator grammar, JIT, keep-alive sockets.
    for (let i = 0; i < 5; i++) await execute();
    const rssBefore = rssMb();
    peakRss = process.memoryUsage().rss;

    // HTTP vs in-process at concurrency 1, interleaved so machine load drifts hit both alike.
    const httpSamples: number[] = [];
    const directSamples: number[] = [];
    for (let i = 0; i < 40; i++) {
      let t = performance.now();
      const direct = await sandbox.execute({ code: PROGRAM });
      directSamples.push(performance.now() - t);
      if (direct.status !== 'completed') throw new Error(`bench program ${direct.status}: ${direct.stderr.slice(0, 200)}`);
      t = performance.now();
      if ((await execute()) !== 200) throw new Error('POST /execute did not answer 200');
      httpSamples.push(performance.now() - t);
    }
    const inProcessTiming = summarize(directSamples);
    const httpTiming = summarize(httpSamples);
    rows.push({
      group: 'http',
      scenario: 'POST /execute print(1), concurrency 1',
      runs: httpTiming.runs,
      medianMs: httpTiming.medianMs,
      p95Ms: httpTiming.p95Ms,
      p99Ms: httpTiming.p99Ms,
      baseline: { scenario: 'sandbox.execute() in-process', medianMs: inProcessTiming.medianMs, p95Ms: inProcessTiming.p95Ms },
      speedup: round(inProcessTiming.medianMs / httpTiming.medianMs, 2),
      extra: { httpOverheadMedianMs: round(httpTiming.medianMs - inProcessTiming.medianMs, 2) },
    });

    const scenarios: { label: string; total: number; concurrency: number; kind: LoadSpec['kind'] }[] = [
      { label: 'GET /config (no execution), concurrency 1', total: 1000, concurrency: 1, kind: 'config' },
      { label: 'GET /config (no execution), concurrency 8', total: 4000, concurrency: 8, kind: 'config' },
      { label: 'POST /execute print(n), concurrency 1', total: 500, concurrency: 1, kind: 'execute' },
      { label: 'POST /execute print(n), concurrency 4', total: 2000, concurrency: 4, kind: 'execute' },
      { label: 'POST /execute print(n), concurrency 8', total: 2000, concurrency: 8, kind: 'execute' },
      { label: 'POST /execute print(n), concurrency 16', total: 2000, concurrency: 16, kind: 'execute' },
    ];
    for (const s of scenarios) {
      const result = await load(base, s.total, s.concurrency, s.kind);
      const timing = summarize(result.samplesMs);
      const ok = result.statuses.get(200) ?? 0;
      rows.push({
        group: 'http',
        scenario: s.label,
        runs: timing.runs,
        medianMs: timing.medianMs,
        p95Ms: timing.p95Ms,
        p99Ms: timing.p99Ms,
        extra: { throughputRps: round((ok / result.wallMs) * 1000, 1), notOk: s.total - ok },
      });
    }
    // Soak: 10,000 executions in steps of 2,000; memory should stay flat after the first step.
    const soakRssMb: number[] = [];
    const soakHeapMb: number[] = [];
    const soakSamples: number[] = [];
    let soakOk = 0;
    let soakWallMs = 0;
    for (let step = 0; step < SOAK_STEPS; step++) {
      const result = await load(base, SOAK_STEP_REQUESTS, 4, 'execute');
      soakSamples.push(...result.samplesMs);
      soakOk += result.statuses.get(200) ?? 0;
      soakWallMs += result.wallMs;
      // After a full collection (npm run bench passes --expose-gc): live memory, not garbage not yet collected.
      (globalThis as { gc?: () => void }).gc?.();
      soakRssMb.push(rssMb());
      soakHeapMb.push(round(process.memoryUsage().heapUsed / 2 ** 20, 1));
    }
    const soak = summarize(soakSamples);
    rows.push({
      group: 'http',
      scenario: `POST /execute print(n) x ${SOAK_STEPS * SOAK_STEP_REQUESTS}, concurrency 4 (soak)`,
      runs: soak.runs,
      medianMs: soak.medianMs,
      p95Ms: soak.p95Ms,
      p99Ms: soak.p99Ms,
      extra: {
        throughputRps: round((soakOk / soakWallMs) * 1000, 1),
        notOk: SOAK_STEPS * SOAK_STEP_REQUESTS - soakOk,
        rssMbPerStep: soakRssMb.join('/'),
        [(globalThis as { gc?: unknown }).gc ? 'heapMbAfterGcPerStep' : 'heapMbPerStep']: soakHeapMb.join('/'),
      },
    });
    rows.push({
      group: 'http',
      scenario: 'server process RSS',
      runs: 1,
      medianMs: 0,
      p95Ms: 0,
      extra: { rssBeforeLoadMb: rssBefore, rssPeakMb: round(peakRss / 2 ** 20, 1), rssAfterLoadMb: rssMb() },
    });
    return rows;
  } finally {
    clearInterval(sampler);
    await app?.close();
    await kernel?.close();
  }
}
