import { ContainerModule } from 'inversify';
import { TOKENS } from '../kernel/tokens.js';

/**
 * THE single place that binds `TOKENS.SandboxExecutor`. Until the Daytona executor lands this is
 * always the local executor.
 */
export const executorModule = new ContainerModule((options) => {
  options.bind(TOKENS.SandboxExecutor).toService(TOKENS.LocalExecutor);
});
