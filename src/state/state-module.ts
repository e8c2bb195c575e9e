import { ContainerModule } from 'inversify';
import type { AppConfig } from '../config/schema.js';
import { KernelError } from '../errors.js';
import { type Logger, type StateStore, TOKENS } from '../kernel/tokens.js';
import { MemoryStateStore } from './memory-state-store.js';
import type { RedisStateStore } from './redis-state-store.js';

/** Picks the store: Redis when `REDIS_URL` (`state.redisUrl`) is set, else in-process memory. */
function createStateStore(config: Readonly<AppConfig>, rootLogger: Logger, redisStore: typeof RedisStateStore | undefined): StateStore {
  const logger = rootLogger.child({ component: 'state' });
  const { redisUrl, keyPrefix } = config.state;
  if (redisUrl) {
    if (!redisStore) {
      throw new KernelError('CONFIG_INVALID', 'REDIS_URL is set but the state module was created for a configuration without it: pass the same configuration to createStateModule and the container');
    }
    const store = new redisStore(config, logger);
    logger.info({ store: 'redis', url: store.url, keyPrefix }, 'state store: Redis (shared by every instance on it)');
    return store;
  }
  logger.info({ store: 'memory' }, 'state store: in-process memory (set REDIS_URL to share state between instances)');
  return new MemoryStateStore(config, logger);
}

/**
 * Binds `TOKENS.StateStore` once per container (singleton, so the choice is logged once). Whoever
 * shuts the kernel down calls `close()` on it: an async `onDeactivation` would make inversify's
 * synchronous `unbindAll()` throw. Async because the Redis store (and ioredis, ~80 ms of imports)
 * is loaded only when `config` sets `REDIS_URL`; pass the configuration the container is built with.
 */
export async function createStateModule(config: Pick<AppConfig, 'state'>): Promise<ContainerModule> {
  const redisStore = config.state.redisUrl ? (await import('./redis-state-store.js')).RedisStateStore : undefined;
  return new ContainerModule((options) => {
    options
      .bind(TOKENS.StateStore)
      .toResolvedValue((resolved: Readonly<AppConfig>, logger: Logger) => createStateStore(resolved, logger, redisStore), [TOKENS.Config, TOKENS.Logger])
      .inSingletonScope();
  });
}
