import type { ConfigInput } from '../config/schema.js';
import { loadConfig } from '../config/load-config.js';
import { createLogger } from '../logging/logger.js';
import { buildContainer } from './container.js';
import { PipelineRunner } from './pipeline-runner.js';
import { ReasoningKernel } from './reasoning-kernel.js';
import { type Logger, TOKENS } from './tokens.js';

export interface CreateKernelOptions {
  /** Explicit settings; they win over environment variables and the config file. */
  config?: ConfigInput;
  /** Environment to read settings from (default `process.env`). */
  env?: Record<string, string | undefined>;
  /** Lowest-precedence settings (the environment and `config` win over them). */
  defaults?: ConfigInput;
  /** JSON config file (default `RK_CONFIG_FILE`). */
  configFile?: string;
  /** Use this pino logger instead of creating one. */
  logger?: Logger;
}

/**
 * Parses the configuration, builds the DI container once and returns a ready kernel.
 * Throws `CONFIG_INVALID` listing every bad setting.
 */
export async function createKernel(options: CreateKernelOptions = {}): Promise<ReasoningKernel> {
  const config = loadConfig({ env: options.env, file: options.configFile, overrides: options.config, defaults: options.defaults });
  const logger = options.logger ?? createLogger(config);
  const container = buildContainer(config, logger);
  const kernel = new ReasoningKernel(
    {
      config,
      logger,
      container,
      sandbox: container.get(TOKENS.SandboxService),
      executor: container.get(TOKENS.SandboxExecutor),
      store: container.get(TOKENS.StateStore),
    },
    container.get(PipelineRunner),
  );
  return kernel;
}
