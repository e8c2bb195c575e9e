/**
 * State store latency: `saveRun` and `getRun` of a full coin-question run, memory vs Redis (a
 * real `redis-server` on loopback that this module starts and stops), plus concurrent
 * throughput on Redis. Sequential calls measure round-trip latency; the concurrent row shows
 * what pipelining over one connection buys.
 */
import { pino } from 'pino';
import { loadConfig } from '../../src/config/load-config.js';
import type { StateStore } from '../../src/kernel/tokens.js';
import { MemoryStateStore } from '../../src/state/memory-state-store.js';
import { RedisStateStore } from '../../src/state/redis-state-store.js';
import { buildReasoningResult } from '../../test/helpers/fixtures.js';
import { findRedisServer, startRedisServer } from '../../test/helpers/redis-server.js';
import { type BenchRow, measure, round } from './bench-kit.js';

const RUNS = 2000;
const WARMUP = 200;
const CONCURRENT_SAVES = 2000;
const IN_FLIGHT = 32;

export async function benchState(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const logger = pino({ level: 'silent' });
  const payloadBytes = Buffer.byteLength(JSON.stringify(buildReasoningResult()));

  const memory = new MemoryStateStore(loadConfig({ env: {}, overrides: { state: { recentRunsMax: 100_000 } } }), logger);
  try {
    rows.push(...(await latencyRows(memory, 'memory', payloadBytes)));
  } finally {
    await memory.close();
  }

  if (!findRedisServer()) {
    console.warn('bench state: redis-server not found on PATH; Redis rows skipped');
    return rows;
  }
  const server = await startRedisServer();
  const redis = new RedisStateStore(loadConfig({ env: {}, overrides: { state: { redisUrl: server.url } } }), logger);
  try {
    rows.push(...(await latencyRows(redis, 'redis', payloadBytes)));
    const runs = Array.from({ length: CONCURRENT_SAVES }, () => buildReasoningResult());
    const t0 = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: IN_FLIGHT }, async () => {
        while (next < runs.length) await redis.saveRun(runs[next++]);
      }),
    );
    const elapsedMs = performance.now() - t0;
    rows.push({
      group: 'state',
      scenario: `saveRun redis, ${IN_FLIGHT} in flight`,
      runs: CONCURRENT_SAVES,
      medianMs: round(elapsedMs / CONCURRENT_SAVES),
      p95Ms: round(elapsedMs / CONCURRENT_SAVES),
      extra: { opsPerSecond: Math.round((CONCURRENT_SAVES / elapsedMs) * 1000), note: 'wall time / saves, not a percentile' },
    });
  } finally {
    await redis.close();
    await server.stop();
  }
  return rows;
}

async function latencyRows(store: StateStore, kind: string, payloadBytes: number): Promise<BenchRow[]> {
  const runs = Array.from({ length: RUNS + WARMUP }, () => buildReasoningResult());
  let i = 0;
  const save = await measure(() => store.saveRun(runs[i++]), { runs: RUNS, warmup: WARMUP });
  let j = 0;
  const get = await measure(
    async () => {
      const run = await store.getRun(runs[j++ % runs.length].id);
      if (!run) throw new Error(`bench state: ${kind} store lost a run`);
    },
    { runs: RUNS, warmup: WARMUP },
  );
  const extra = (meanMs: number) => ({ payloadBytes, meanMs, opsPerSecond: Math.round(1000 / meanMs) });
  return [
    { group: 'state', scenario: `saveRun ${kind}`, runs: save.runs, medianMs: save.medianMs, p95Ms: save.p95Ms, p99Ms: save.p99Ms, extra: extra(save.meanMs) },
    { group: 'state', scenario: `getRun ${kind}`, runs: get.runs, medianMs: get.medianMs, p95Ms: get.p95Ms, p99Ms: get.p99Ms, extra: extra(get.meanMs) },
  ];
}
