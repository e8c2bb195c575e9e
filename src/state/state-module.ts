import { ContainerModule } from 'inversify';
import type { AppConfig } from '../config/schema.js';
import { type Logger, type StateStore, TOKENS } from '../kernel/tokens.js';
import { MemoryStateStore } from './memory-state-store.js';
import { RedisStateStore, redactRedisUrl } from './redis-state-store.js';

/** Picks the store: Redis when `REDIS_URL` (`state.redisUrl`) is set, else in-process memory. */
export function createStateStore(config: Readonly<AppConfig>, rootLogger: Logger): StateStore {
  const logger = rootLogger.child({ component: 'state' });
  const { redisUrl, keyPrefix } = config.state;
  if (redisUrl) {
    logger.info({ store: 'redis', url: redactRedisUrl(redisUrl), keyPrefix }, 'state store: Redis (shared by every instance on it)');
    return new RedisStateStore(config, logger);
  }
  logger.info({ store: 'memory' }, 'state store: in-process memory (set REDIS_URL to share state between instances)');
  return new MemoryStateStore(config, logger);
}

/**
 * Binds `TOKENS.StateStore` once per container (singleton, so the choice is logged once). Whoever
 * shuts the kernel down calls `close()` on it: an async `onDeactivation` would make inversify's
 * synchronous `unbindAll()` throw.
 */
export const stateModule = new ContainerModule((options) => {
  options
    .bind(TOKENS.StateStore)
    .toResolvedValue((config: Readonly<AppConfig>, logger: Logger) => createStateStore(config, logger), [TOKENS.Config, TOKENS.Logger])
    .inSingletonScope();
});
