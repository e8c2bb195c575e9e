import { Writable } from 'node:stream';
import { Container } from 'inversify';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load-config.js';
import { TOKENS } from '../../../src/kernel/tokens.js';
import { MemoryStateStore } from '../../../src/state/memory-state-store.js';
import { RedisStateStore, reconnectDelayMs, redactRedisUrl } from '../../../src/state/redis-state-store.js';
import { createStateModule } from '../../../src/state/state-module.js';

async function containerWith(env: Record<string, string>) {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _enc, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  const container = new Container();
  const config = loadConfig({ env });
  container.bind(TOKENS.Config).toConstantValue(config);
  container.bind(TOKENS.Logger).toConstantValue(pino({ level: 'info' }, stream));
  container.load(await createStateModule(config));
  return { container, lines };
}

describe('createStateModule', () => {
  it('binds the memory store when REDIS_URL is unset, once, and logs the choice once', async () => {
    const { container, lines } = await containerWith({});
    const store = container.get(TOKENS.StateStore);
    try {
      expect(store).toBeInstanceOf(MemoryStateStore);
      expect(container.get(TOKENS.StateStore)).toBe(store);
      expect(lines.filter((l) => l.includes('state store:'))).toHaveLength(1);
    } finally {
      await store.close();
    }
  });

  it('binds the Redis store when REDIS_URL is set, logging the URL without its password', async () => {
    // Port 1 on loopback: nothing listens, which is fine for choosing and logging.
    const { container, lines } = await containerWith({ REDIS_URL: 'redis://user:s3cret-pw@127.0.0.1:1/2' });
    const store = container.get(TOKENS.StateStore);
    try {
      expect(store).toBeInstanceOf(RedisStateStore);
      expect(container.get(TOKENS.StateStore)).toBe(store);
      const choice = lines.filter((l) => l.includes('state store:'));
      expect(choice).toHaveLength(1);
      expect(JSON.parse(choice[0]).url).toBe('redis://user:***@127.0.0.1:1/2');
      expect((await store.health()).ok).toBe(false);
      expect(lines.join('\n')).not.toContain('s3cret-pw');
    } finally {
      await store.close();
    }
  });
});

describe('Redis connection policy', () => {
  it('backs off exponentially up to a cap', () => {
    const delays = [1, 2, 3, 4, 5, 6, 50, 10_000].map(reconnectDelayMs);
    expect(delays.slice(0, 5)).toEqual([100, 200, 400, 800, 1600]);
    expect(new Set(delays.slice(5))).toEqual(new Set([2000]));
  });

  it('redacts only the password of a URL', () => {
    expect(redactRedisUrl('rediss://default:hunter2@cache.example.com:6380/4')).toBe('rediss://default:***@cache.example.com:6380/4');
    expect(redactRedisUrl('redis://127.0.0.1:6379')).toBe('redis://127.0.0.1:6379');
    expect(redactRedisUrl('redis://:only-pw@h:1')).toBe('redis://:***@h:1');
  });
});
