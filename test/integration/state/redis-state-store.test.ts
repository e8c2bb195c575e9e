import { randomUUID } from 'node:crypto';
import { Writable } from 'node:stream';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../../src/config/load-config.js';
import type { AppConfig } from '../../../src/config/schema.js';
import { isKernelError } from '../../../src/errors.js';
import { RedisStateStore } from '../../../src/state/redis-state-store.js';
import { buildExecutionResult, buildReasoningResult, buildRunProgress, buildSandboxRecord, buildSandboxSettings } from '../../helpers/fixtures.js';
import { type RedisServerHandle, redisAvailable, startRedisServer } from '../../helpers/redis-server.js';
import { defineStateStoreContract } from './state-store-contract.js';

/** Generous: the machine is shared; the store itself gives up after commandTimeoutMs. */
const RECOVERY_WAIT_MS = 15_000;

function captureLogs() {
  const records: Array<Record<string, unknown>> = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) records.push(JSON.parse(line));
      done();
    },
  });
  return { records, logger: pino({ level: 'debug' }, stream) };
}

const silent = pino({ level: 'silent' });
const uniquePrefix = () => `rk-test:${randomUUID().slice(0, 8)}:`;

function redisStore(url: string, state: Partial<AppConfig['state']> = {}, logger = silent): RedisStateStore {
  const config = loadConfig({ env: {}, overrides: { state: { redisUrl: url, keyPrefix: uniquePrefix(), commandTimeoutMs: 1000, ...state } } });
  return new RedisStateStore(config, logger);
}

const unavailable = (e: unknown) => isKernelError(e, 'STATE_UNAVAILABLE');

describe.skipIf(!redisAvailable('Redis state store integration tests'))('RedisStateStore on a real redis-server', () => {
  let server: RedisServerHandle;
  /** Stores and raw clients the current test opened; closed after it whatever happened. */
  const stores: RedisStateStore[] = [];
  const raws: Redis[] = [];
  const store = (...args: Parameters<typeof redisStore>) => {
    const s = redisStore(...args);
    stores.push(s);
    return s;
  };
  const raw = (url = server.url) => {
    const r = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 1 });
    r.on('error', () => {});
    raws.push(r);
    return r;
  };

  beforeAll(async () => {
    server = await startRedisServer();
  });
  afterAll(async () => {
    await server?.stop();
  });
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((s) => s.close()));
    raws.splice(0).forEach((r) => r.disconnect());
  });

  defineStateStoreContract('redis', async (state) => redisStore(server.url, state));

  it('writes the documented key names under the prefix, with a TTL on everything that grows', async () => {
    const prefix = uniquePrefix();
    const s = store(server.url, { keyPrefix: prefix });
    const run = buildReasoningResult();
    const progress = buildRunProgress();
    const sandbox = buildSandboxRecord();
    await s.saveRun(run);
    await s.setRunProgress(progress);
    await s.setSandboxSettings(buildSandboxSettings());
    await s.registerSandbox(sandbox);
    await s.setCachedExecution('d'.repeat(64), buildExecutionResult(), 60);

    const r = raw();
    const [, keys] = await r.scan('0', 'MATCH', `${prefix}*`, 'COUNT', 1000);
    expect(keys.sort()).toEqual(
      [
        `${prefix}exec-cache:${'d'.repeat(64)}`,
        `${prefix}progress:${progress.runId}`,
        `${prefix}run:${run.id}`,
        `${prefix}runs:recent`,
        `${prefix}sandbox:${sandbox.sandboxId}`,
        `${prefix}settings:sandbox`,
      ].sort(),
    );
    for (const key of keys.filter((k) => !k.endsWith('settings:sandbox'))) expect(await r.ttl(key)).toBeGreaterThan(0);
    expect(await r.ttl(`${prefix}settings:sandbox`)).toBe(-1);
    expect(await r.type(`${prefix}runs:recent`)).toBe('zset');
  });

  it('ignores corrupt values and reports each bad key once', async () => {
    const prefix = uniquePrefix();
    const { records, logger } = captureLogs();
    const s = store(server.url, { keyPrefix: prefix }, logger);
    const good = buildSandboxRecord();
    await s.registerSandbox(good);
    const r = raw();
    await r.set(`${prefix}run:not-json`, '{"id": "not-json", ');
    await r.set(`${prefix}run:wrong-shape`, JSON.stringify({ id: 'wrong-shape', success: 'yes' }));
    await r.set(`${prefix}settings:sandbox`, JSON.stringify({ cpuLimit: 'many' }));
    await r.set(`${prefix}sandbox:broken`, 'null');
    await r.set(`${prefix}exec-cache:${'e'.repeat(64)}`, '[]');

    for (let i = 0; i < 2; i++) {
      expect(await s.getRun('not-json')).toBeNull();
      expect(await s.getRun('wrong-shape')).toBeNull();
      expect(await s.getSandboxSettings()).toBeNull();
      expect(await s.listSandboxes()).toEqual([good]);
      expect(await s.getCachedExecution('e'.repeat(64))).toBeNull();
    }
    const warned = records.filter((rec) => rec.level === 40).map((rec) => rec.key);
    expect(warned.sort()).toEqual(
      [
        `${prefix}run:not-json`,
        `${prefix}run:wrong-shape`,
        `${prefix}settings:sandbox`,
        `${prefix}sandbox:broken`,
        `${prefix}exec-cache:${'e'.repeat(64)}`,
      ].sort(),
    );
    expect((await s.health()).ok).toBe(true);
  });

  it('lets two stores on one server see each other’s runs, settings and sandbox registry', async () => {
    const prefix = uniquePrefix();
    const a = store(server.url, { keyPrefix: prefix });
    const b = store(server.url, { keyPrefix: prefix });
    const run = buildReasoningResult();
    await a.saveRun(run);
    expect(await b.getRun(run.id)).toEqual(run);
    const laterRun = buildReasoningResult();
    await b.saveRun(laterRun);
    expect(await a.listRecentRuns(10)).toEqual([laterRun.id, run.id]);

    await a.setSandboxSettings(buildSandboxSettings({ memoryLimitMb: 768 }));
    expect((await b.getSandboxSettings())?.memoryLimitMb).toBe(768);

    const sandbox = buildSandboxRecord({ owner: 'instance-b' });
    await b.registerSandbox(sandbox);
    expect(await a.listSandboxes()).toEqual([sandbox]);
    await a.unregisterSandbox(sandbox.sandboxId);
    expect(await b.listSandboxes()).toEqual([]);

    const progress = buildRunProgress();
    await a.setRunProgress(progress);
    expect(await b.getRunProgress(progress.runId)).toEqual(progress);
  });

  it('keeps stores with different prefixes apart', async () => {
    const a = store(server.url);
    const b = store(server.url);
    await a.setSandboxSettings(buildSandboxSettings());
    await a.registerSandbox(buildSandboxRecord());
    expect(await b.getSandboxSettings()).toBeNull();
    expect(await b.listSandboxes()).toEqual([]);
  });

  it('treats glob characters in the prefix literally when scanning', async () => {
    const id = randomUUID().slice(0, 8);
    const globby = store(server.url, { keyPrefix: `rk-test-${id}[ab]:` });
    const plain = store(server.url, { keyPrefix: `rk-test-${id}a:` });
    const mine = buildSandboxRecord();
    await globby.registerSandbox(mine);
    await plain.registerSandbox(buildSandboxRecord());
    expect(await globby.listSandboxes()).toEqual([mine]);
  });

  it('speaks TLS for rediss:// URLs (so a plain server is refused)', async () => {
    const s = store(`rediss://127.0.0.1:${server.port}`);
    const health = await s.health();
    expect(health.ok).toBe(false);
    expect(health.detail).toContain('rediss://127.0.0.1');
  });

  it('stores a run whole or not at all: a transaction the server refuses writes nothing', async () => {
    const prefix = uniquePrefix();
    const s = store(server.url, { keyPrefix: prefix });
    const r = raw();
    const run = buildReasoningResult();
    await r.config('SET', 'maxmemory', '1');
    let error: unknown;
    try {
      error = await s.saveRun(run).catch((e: unknown) => e);
    } finally {
      await r.config('SET', 'maxmemory', '0');
    }
    expect(unavailable(error)).toBe(true);
    expect((error as Error).message).toMatch(/OOM|EXECABORT/);
    expect(await r.exists(`${prefix}run:${run.id}`, `${prefix}runs:recent`)).toBe(0);
    expect(await s.getRun(run.id)).toBeNull();
    expect(await s.listRecentRuns(10)).toEqual([]);
  });

  it('uses the password and db given in the URL and never shows the password', async () => {
    const own = await startRedisServer();
    try {
      const admin = raw(own.url);
      await admin.config('SET', 'requirepass', 'pa55word');
      const s = store(`redis://:pa55word@127.0.0.1:${own.port}/3`, { keyPrefix: 'rk:' });
      await s.setSandboxSettings(buildSandboxSettings());
      const db3 = raw(`redis://:pa55word@127.0.0.1:${own.port}/3`);
      expect(await db3.exists('rk:settings:sandbox')).toBe(1);
      const db0 = raw(`redis://:pa55word@127.0.0.1:${own.port}/0`);
      expect(await db0.exists('rk:settings:sandbox')).toBe(0);

      const { records, logger } = captureLogs();
      const wrong = store(`redis://:wrong-secret@127.0.0.1:${own.port}/3`, {}, logger);
      const health = await wrong.health();
      expect(health.ok).toBe(false);
      expect(health.detail).toContain('REDIS_URL');
      expect(health.detail).not.toContain('wrong-secret');
      const error = await wrong.getRun('x').catch((e: unknown) => e);
      expect(unavailable(error)).toBe(true);
      expect(JSON.stringify(records)).not.toContain('wrong-secret');
      expect((error as Error).message).not.toContain('wrong-secret');
    } finally {
      await Promise.all(stores.splice(0).map((x) => x.close()));
      await own.stop();
    }
  });

  it('fails fast with STATE_UNAVAILABLE when no server listens, and closes cleanly', async () => {
    const own = await startRedisServer();
    const url = own.url;
    await own.stop(); // a port nobody listens on any more
    const s = store(url);
    const error = await s.saveRun(buildReasoningResult()).catch((e: unknown) => e);
    expect(unavailable(error)).toBe(true);
    expect((error as Error).message).toContain('REDIS_URL');
    expect(await s.health()).toMatchObject({ kind: 'redis', ok: false });
    await s.close();
  });

  it('closes its connection on close()', async () => {
    const s = store(server.url);
    expect((await s.health()).ok).toBe(true);
    const r = raw();
    const named = async () => String(await r.client('LIST')).split('\n').filter((l) => l.includes('name=reasoning-kernel')).length;
    expect(await named()).toBeGreaterThan(0);
    await s.close();
    await vi.waitFor(async () => expect(await named()).toBe(0), { timeout: 5000, interval: 50 });
  });

  describe('when the server dies and comes back', () => {
    let own: RedisServerHandle;
    beforeAll(async () => {
      own = await startRedisServer();
    });
    afterAll(async () => {
      await own?.stop();
    });

    it('fails calls in flight and calls made while down with STATE_UNAVAILABLE, then recovers by itself', async () => {
      const { records, logger } = captureLogs();
      const s = store(own.url, {}, logger);
      const before = buildReasoningResult();
      await s.saveRun(before);

      // Many saves in flight when the server is killed: each settles, as saved or STATE_UNAVAILABLE.
      const inFlight = Promise.allSettled(Array.from({ length: 200 }, () => s.saveRun(buildReasoningResult())));
      await own.kill();
      const settled = await inFlight;
      for (const outcome of settled) {
        if (outcome.status === 'rejected') expect(unavailable(outcome.reason)).toBe(true);
      }

      const lost = buildReasoningResult();
      const calls = await Promise.allSettled([
        s.saveRun(lost),
        s.getRun(before.id),
        s.listRecentRuns(5),
        s.setSandboxSettings(buildSandboxSettings()),
        s.listSandboxes(),
        s.getCachedExecution('f'.repeat(64)),
      ]);
      for (const outcome of calls) {
        expect(outcome.status).toBe('rejected');
        expect(unavailable((outcome as PromiseRejectedResult).reason)).toBe(true);
      }
      const down = await s.health();
      expect(down.ok).toBe(false);
      expect(down.detail).toContain('REDIS_URL');
      expect(records.some((rec) => rec.level === 40 && String(rec.msg).includes('unreachable'))).toBe(true);

      await own.restart();
      await vi.waitFor(async () => expect((await s.health()).ok).toBe(true), { timeout: RECOVERY_WAIT_MS, interval: 100 });
      // Same store object, working again; the save that failed while down was not replayed.
      const after = buildReasoningResult();
      await s.saveRun(after);
      expect(await s.getRun(after.id)).toEqual(after);
      expect(await s.getRun(lost.id)).toBeNull();
      expect(records.some((rec) => String(rec.msg).includes('reachable again'))).toBe(true);
    });
  });
});
