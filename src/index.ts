/** Public API of reasoning-kernel. */
export { createKernel, type CreateKernelOptions } from './kernel/create-kernel.js';
export { ReasoningKernel, type KernelServices } from './kernel/reasoning-kernel.js';
export { loadConfig, type LoadConfigOptions } from './config/load-config.js';
export type { AppConfig, ConfigInput } from './config/schema.js';
export { KernelError, ERROR_CODES, type ErrorCode } from './errors.js';
export type * from './kernel/contracts.js';
export type { ReasonOptions, StageProgressEvent, ExecuteRequest, SandboxService } from './kernel/tokens.js';
export { buildServer } from './http/build-server.js';
export { serve } from './http/serve.js';
