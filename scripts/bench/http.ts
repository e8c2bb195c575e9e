/**
 * Admin HTTP server under load, over real loopback HTTP (fetch with keep-alive): latency
 * percentiles and throughput of `POST /api/v2/daytona/execute` for a trivial program at several
 * concurrencies, beside the same execution called in-process (the HTTP layer's cost is the
 * difference), plus a route that runs nothing (`GET /config`) for the server's own overhead.
 * The load generator shares the process with the server, so RSS covers both.
 */
import type { FastifyInstance } from 'fastify';
import { buildServer } from '../../src/http/build-server.js';
import { createKernel } from '../../src/kernel/create-kernel.js';
import type { ReasoningKernel } from '../../src/kernel/reasoning-kernel.js';
import { type BenchRow, round, summarize } from './bench-kit.js';

const PROGRAM = 'print(1)\n';

interface LoadResult {
  samplesMs: number[];
  wallMs: number;
  statuses: Map<number, number>;
}

/** Sends `total` requests with at most `concurrency` in flight; records each latency. */
async function load(total: number, concurrency: number, send: () => Promise<number>): Promise<LoadResult> {
  const samplesMs: number[] = [];
  const statuses = new Map<number, number>();
  let issued = 0;
  const t0 = performance.now();
  const worker = async (): Promise<void> => {
    while (issued < total) {
      issued++;
      const start = performance.now();
      const status = await send();
      samplesMs.push(performance.now() - start);
      statuses.set(status, (statuses.get(status) ?? 0) + 1);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return { samplesMs, wallMs: performance.now() - t0, statuses };
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
    const getConfig = async (): Promise<number> => {
      const response = await fetch(`${base}/api/v2/daytona/config`);
      await response.arrayBuffer();
      return response.status;
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

    const scenarios: { label: string; total: number; concurrency: number; send: () => Promise<number> }[] = [
      { label: 'GET /config (no execution), concurrency 1', total: 500, concurrency: 1, send: getConfig },
      { label: 'GET /config (no execution), concurrency 8', total: 1000, concurrency: 8, send: getConfig },
      { label: 'POST /execute print(1), concurrency 4', total: 80, concurrency: 4, send: execute },
      { label: 'POST /execute print(1), concurrency 16', total: 160, concurrency: 16, send: execute },
    ];
    for (const s of scenarios) {
      const result = await load(s.total, s.concurrency, s.send);
      const timing = summarize(result.samplesMs);
      const ok = result.statuses.get(200) ?? 0;
      rows.push({
        group: 'http',
        scenario: s.label,
        runs: timing.runs,
        medianMs: timing.medianMs,
        p95Ms: timing.p95Ms,
        p99Ms: timing.p99Ms,
        extra: { throughputRps: round((ok / result.wallMs) * 1000, 1), non200: s.total - ok },
      });
    }
    // Soak: 10,000 executions in steps of 2,000; memory should stay flat after the first step.
    const soakRssMb: number[] = [];
    const soakHeapMb: number[] = [];
    const soakSamples: number[] = [];
    let soakOk = 0;
    const soakStart = performance.now();
    for (let step = 0; step < SOAK_STEPS; step++) {
      const result = await load(SOAK_STEP_REQUESTS, 4, execute);
      soakSamples.push(...result.samplesMs);
      soakOk += result.statuses.get(200) ?? 0;
      soakRssMb.push(rssMb());
      soakHeapMb.push(round(process.memoryUsage().heapUsed / 2 ** 20, 1));
    }
    const soak = summarize(soakSamples);
    rows.push({
      group: 'http',
      scenario: `POST /execute print(1) x ${SOAK_STEPS * SOAK_STEP_REQUESTS}, concurrency 4 (soak)`,
      runs: soak.runs,
      medianMs: soak.medianMs,
      p95Ms: soak.p95Ms,
      p99Ms: soak.p99Ms,
      extra: {
        throughputRps: round((soakOk / (performance.now() - soakStart)) * 1000, 1),
        non200: SOAK_STEPS * SOAK_STEP_REQUESTS - soakOk,
        rssMbPerStep: soakRssMb.join('/'),
        heapMbPerStep: soakHeapMb.join('/'),
      },
    });
    rows.push({
      group: 'http',
      scenario: 'process RSS (server + load generator)',
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
