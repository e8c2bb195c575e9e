/** Public API of reasoning-kernel. */
export { createKernel, type CreateKernelOptions } from './kernel/create-kernel.js';
export { ReasoningKernel, type KernelServices } from './kernel/reasoning-kernel.js';
export { loadConfig, type LoadConfigOptions } from './config/load-config.js';
export type { AppConfig, ConfigInput } from './config/schema.js';
export { KernelError, ERROR_CODES, type ErrorCode } from './errors.js';
export type * from './kernel/contracts.js';
export type { ReasonOptions, StageProgressEvent, ExecuteRequest, SandboxService } from './kernel/tokens.js';
export type { BuildServerOptions } from './http/build-server.js';
export type { ServeOptions } from './http/serve.js';

/**
 * Builds the admin HTTP server (fastify) around a kernel; see `src/http/build-server.ts`. The HTTP
 * stack is imported on the first call, so an embedder that only calls `reason()` never loads it.
 */
export async function buildServer(
  ...args: Parameters<typeof import('./http/build-server.js').buildServer>
): ReturnType<typeof import('./http/build-server.js').buildServer> {
  const http = await import('./http/build-server.js');
  return http.buildServer(...args);
}

/** `reasoning-kernel serve` as a function; see `src/http/serve.ts`. Loads the HTTP stack when called. */
export async function serve(...args: Parameters<typeof import('./http/serve.js').serve>): ReturnType<typeof import('./http/serve.js').serve> {
  const http = await import('./http/serve.js');
  return http.serve(...args);
}
