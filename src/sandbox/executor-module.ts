import { ContainerModule } from 'inversify';
import { TOKENS } from '../kernel/tokens.js';
import { INDICATORS } from '../logging/logger.js';
import { DaytonaExecutor } from './daytona/daytona-executor.js';
import { FallbackExecutor } from './daytona/fallback-executor.js';

/**
 * THE single place that binds `TOKENS.SandboxExecutor` (design §2): Daytona, with the local
 * executor as fallback, when `DAYTONA_API_KEY` is set; otherwise the very same instance as
 * `TOKENS.LocalExecutor`. The choice is logged once, with the seed's indicator, when the
 * executor is first resolved. The SDK itself is only loaded when Daytona is first used.
 */
export const executorModule = new ContainerModule((options) => {
  options.bind(DaytonaExecutor).toSelf().inSingletonScope();
  options.bind(FallbackExecutor).toSelf().inSingletonScope();
  options
    .bind(TOKENS.SandboxExecutor)
    .toDynamicValue((context) => {
      const config = context.get(TOKENS.Config);
      const log = context.get(TOKENS.Logger).child({ component: 'executor-module' });
      if (config.daytona.apiKey) {
        log.info(
          { sandbox: 'daytona', apiUrl: config.daytona.apiUrl, fallback: config.daytona.fallback, indicator: INDICATORS.daytona },
          'code runs in Daytona Cloud (DAYTONA_API_KEY is set)',
        );
        return context.get(FallbackExecutor);
      }
      log.info({ sandbox: 'local', indicator: INDICATORS.local }, 'code runs on the local executor (DAYTONA_API_KEY is not set)');
      return context.get(TOKENS.LocalExecutor);
    })
    .inSingletonScope();
});
