import 'reflect-metadata';
import { Container, ContainerModule } from 'inversify';
import type { AppConfig } from '../config/schema.js';
import { DefaultSandboxService } from '../sandbox/sandbox-service.js';
import { executorModule } from '../sandbox/executor-module.js';
import { createLlmModule } from '../llm/llm-module.js';
import { localExecutorModule } from '../sandbox/local/local-module.js';
import { validatorModule } from '../sandbox/validator/validator-module.js';
import { createStateModule } from '../state/state-module.js';
import { pluginsModule } from '../../plugins/plugins-module.js';
import { PipelineRunner } from './pipeline-runner.js';
import { type Logger, TOKENS } from './tokens.js';

/** Kernel-level services: the sandbox policy and the pipeline runner. */
const kernelModule = new ContainerModule((options) => {
  options.bind(TOKENS.SandboxService).to(DefaultSandboxService).inSingletonScope();
  options.bind(PipelineRunner).toSelf().inSingletonScope();
});

/**
 * Builds the container once from the parsed configuration. Async only to load optional areas
 * (Redis store, LLM provider) when the configuration turns them on, so a default process never
 * imports ioredis or openai; binding itself stays synchronous.
 */
export async function buildContainer(config: Readonly<AppConfig>, logger: Logger): Promise<Container> {
  const [stateModule, llmModule] = await Promise.all([createStateModule(config), createLlmModule(config)]);
  const container = new Container({ defaultScope: 'Singleton' });
  container.bind(TOKENS.Config).toConstantValue(config);
  container.bind(TOKENS.Logger).toConstantValue(logger);
  container.load(validatorModule, localExecutorModule, executorModule, stateModule, llmModule, kernelModule, pluginsModule);
  return container;
}
