import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RedisServerHandle, redisAvailable, startRedisServer } from '../../helpers/redis-server.js';
import { expectErrorShape, startTestServer } from './http-harness.js';

describe.runIf(redisAvailable('http persistence'))('PUT /config with a real redis-server', () => {
  let redis: RedisServerHandle;

  beforeAll(async () => {
    redis = await startRedisServer();
  });
  afterAll(async () => {
    await redis?.stop();
  });

  it('survives a server restart', async () => {
    const config = { state: { redisUrl: redis.url, keyPrefix: `rk-http-${process.pid}:` } };
    const first = await startTestServer({ config });
    let updated: unknown;
    try {
      const r = await first.call('/api/v2/daytona/config', { method: 'PUT', json: { cpu_limit: 3, execution_timeout: 7 } });
      expect(r.status).toBe(200);
      updated = r.body;
    } finally {
      await first.stop();
    }
    const second = await startTestServer({ config });
    try {
      const r = await second.call('/api/v2/daytona/config');
      expect(r.status).toBe(200);
      expect(r.body).toEqual(updated);
      expect(r.body).toMatchObject({ cpu_limit: 3, execution_timeout: 7, memory_limit_mb: 256 });
      const status = await second.call('/api/v2/daytona/status');
      expect(status.body.config).toEqual(updated);
      expect(status.body.state_store).toMatchObject({ kind: 'redis', ok: true });
    } finally {
      await second.stop();
    }
  });

  it('answers 503 STATE_UNAVAILABLE with Retry-After when Redis is down, and recovers', async () => {
    const config = { state: { redisUrl: redis.url, keyPrefix: `rk-http-down-${process.pid}:`, commandTimeoutMs: 300 } };
    const server = await startTestServer({ config });
    try {
      expect((await server.call('/api/v2/daytona/config', { method: 'PUT', json: { cpu_limit: 1 } })).status).toBe(200);
      await redis.kill();
      const r = await server.call('/api/v2/daytona/config', { method: 'PUT', json: { cpu_limit: 2 } });
      expect(r.status).toBe(503);
      expect(expectErrorShape(r).code).toBe('STATE_UNAVAILABLE');
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
      const status = await server.call('/api/v2/daytona/status');
      expect(status.status).toBe(200);
      expect(status.body.state_store.ok).toBe(false);
      await redis.restart();
      const deadline = Date.now() + 15_000;
      let again = await server.call('/api/v2/daytona/config', { method: 'PUT', json: { cpu_limit: 2 } });
      while (again.status !== 200 && Date.now() < deadline) {
        await new Promise((res) => setTimeout(res, 100));
        again = await server.call('/api/v2/daytona/config', { method: 'PUT', json: { cpu_limit: 2 } });
      }
      expect(again.status).toBe(200);
    } finally {
      await server.stop();
    }
  });
});
