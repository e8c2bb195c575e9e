import { ContainerModule } from 'inversify';
import { TOKENS } from '../../kernel/tokens.js';
import { LocalExecutor } from './local-executor.js';

/** Binds `TOKENS.LocalExecutor` to the one local executor of the container. */
export const localExecutorModule = new ContainerModule((options) => {
  options.bind(TOKENS.LocalExecutor).to(LocalExecutor).inSingletonScope();
});
