import type { ConfigInput } from '../config/schema.js';

/**
 * Settings of the one-shot commands (`reason`, `exec`, `status`, `demo`), below the environment and
 * the config file. No warm pool: a process that runs one program would start interpreters that
 * import numpy and scipy.stats (about a second of CPU each) on the cores its own cold run needs,
 * and never use them. `RK_POOL_SIZE` and `RK_POOL_LIGHT_SIZE` still win; `serve` keeps the configured pool.
 */
export const ONE_SHOT_DEFAULTS = { log: { level: 'warn' }, local: { poolSize: 0, poolLightSize: 0 } } as const satisfies ConfigInput;
