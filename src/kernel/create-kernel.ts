import type { ConfigInput } from '../config/schema.js';
import { loadConfig } from '../config/load-config.js';
import { createLogger } from '../logging/logger.js';
import { resolvePythonRuntime } from '../sandbox/local/python-runtime.js';
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
  /**
   * Start preparing the bound executor in the background (default true): the local executor probes
   * its isolation layer and starts its warm pool (`local.poolSize`) so the first run does not wait
   * for them. `close()` stops whatever is still starting.
   */
  warmUp?: boolean;
}

/**
 * Parses the configuration, builds the DI container once and returns a ready kernel.
 * Throws `CONFIG_INVALID` listing every bad setting.
 */
export async function createKernel(options: CreateKernelOptions = {}): Promise<ReasoningKernel> {
  const config = loadConfig({ env: options.env, file: options.configFile, overrides: options.config, defaults: options.defaults });
  const logger = options.logger ?? createLogger(config);
  // The interpreter probe (a subprocess, slow through a pyenv shim) runs while the container's
  // modules load: they are imported here, not at the top, so that a cold process overlaps the two.
  // Errors are reported by the executor when it needs the interpreter.
  resolvePythonRuntime(config.python.executable).catch(() => undefined);
  const [{ buildContainer }, { PipelineRunner }] = await Promise.all([import('./container.js'), import('./pipeline-runner.js')]);
  const container = await buildContainer(config, logger);
  const executor = container.get(TOKENS.SandboxExecutor);
  const kernel = new ReasoningKernel(
    {
      config,
      logger,
      container,
      sandbox: container.get(TOKENS.SandboxService),
      executor,
      store: container.get(TOKENS.StateStore),
    },
    container.get(PipelineRunner),
  );
  if (options.warmUp !== false && executor.warmUp) {
    executor.warmUp().catch((e: unknown) => logger.warn({ err: e }, 'sandbox warm-up failed; runs will retry it'));
  }
  return kernel;
}
