/**
 * The HTTP API's zod schemas (snake_case wire format). Requests are validated with them and the
 * OpenAPI document is generated from them, so the two cannot drift.
 */
import { z } from 'zod';
import { sandboxSettingsFields as settings } from '../config/schema.js';

// ---------------------------------------------------------------------------------------------
// Requests

/**
 * A partial seed `SandboxConfig` with the config schema's bounds and no defaults: an absent field
 * means "unchanged" (PUT /config merges), never "reset to the default".
 */
export const wireConfigPatchSchema = z
  .object({
    cpu_limit: settings.cpuLimit.optional().describe('CPU cores'),
    memory_limit_mb: settings.memoryLimitMb.optional().describe('RAM in MiB'),
    execution_timeout: settings.executionTimeoutS.optional().describe('wall-clock limit in seconds'),
    temp_storage_mb: settings.tempStorageMb.optional().describe('scratch storage in MiB'),
    python_version: settings.pythonVersion.optional(),
    enable_networking: settings.enableNetworking.optional().describe('refused unless the operator allowed it (RK_ALLOW_NETWORKING)'),
    enable_ast_validation: settings.enableAstValidation
      .optional()
      .describe('turning it off is refused unless the operator allowed it (RK_ALLOW_DISABLE_VALIDATION)'),
    allowed_imports: settings.allowedImports.optional().describe('top-level modules, within the operator list (RK_IMPORTABLE_MODULES)'),
  })
  .strict();

const codeField = z.string().min(1, 'code is empty: send the Python program to run').describe('Python source (UTF-8)');
const timeoutField = z.number().positive().describe('seconds; overrides execution_timeout for this request only');

/** One program to run; `config` applies to this request only. */
export const executeBodySchema = z
  .object({
    code: codeField,
    timeout: timeoutField.optional(),
    config: wireConfigPatchSchema.optional(),
    cache: z.boolean().optional().describe('use the execution-result cache (opt-in)'),
  })
  .strict();

export const batchBodySchema = z
  .object({
    items: z.array(executeBodySchema).min(1, 'items is empty: send at least one {code}'),
    concurrency: z.number().int().min(1).max(32).optional().describe('programs run at once (default 4)'),
  })
  .strict();

export const reasonBodySchema = z
  .object({
    query: z.string().describe('a probabilistic question with its data'),
    options: z
      .object({
        prior: z.enum(['uniform', 'jeffreys']).optional(),
        interval_mass: z.number().gt(0).lt(1).optional().describe('credible-interval mass, default 0.95'),
        seed: z.number().int().min(0).max(2 ** 32 - 1).optional(),
        cache: z.boolean().optional().describe('use the execution-result cache for the synthesized program'),
      })
      .strict()
      .optional(),
  })
  .strict();

export const runIdParamsSchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9_-]{1,100}$/, 'a run id as returned by POST /api/v2/reason'),
});

// ---------------------------------------------------------------------------------------------
// Responses

export const wireSandboxConfigSchema = z
  .object({
    cpu_limit: z.number().int(),
    memory_limit_mb: z.number().int(),
    execution_timeout: z.number(),
    temp_storage_mb: z.number().int(),
    python_version: z.string(),
    enable_networking: z.boolean(),
    enable_ast_validation: z.boolean(),
    allowed_imports: z.array(z.string()),
  })
  .strict();

export const wireViolationSchema = z
  .object({ rule: z.string(), message: z.string(), line: z.number().int(), column: z.number().int() })
  .strict();

export const wireExecutionResultSchema = z
  .object({
    exit_code: z.number().int().nullable(),
    stdout: z.string(),
    stderr: z.string(),
    execution_time: z.number().min(0).describe('seconds'),
    status: z.enum(['completed', 'failed', 'timeout', 'security_violation', 'resource_exceeded', 'error']),
    resource_usage: z.object({ cpu_usage_percent: z.number().min(0), memory_usage_mb: z.number().min(0) }).strict(),
    metadata: z
      .object({
        sandbox_type: z.enum(['local', 'daytona']),
        sandbox_id: z.string().nullable(),
        isolation: z.enum(['bubblewrap', 'landlock', 'process', 'daytona', 'none']),
        truncated: z.boolean(),
        fallback: z.boolean(),
        streams_merged: z.boolean(),
        cache: z.enum(['hit', 'miss']).optional(),
        reason: z.string().optional(),
        warm_tier: z.enum(['full', 'light']).optional().describe('warm interpreter tier that ran the program (absent: a cold interpreter)'),
      })
      .strict(),
    violations: z.array(wireViolationSchema).optional(),
  })
  .strict();

export const batchResponseSchema = z
  .object({ results: z.array(wireExecutionResultSchema).describe('one per item, in request order') })
  .strict();

export const wireStatusSchema = z
  .object({
    daytona_available: z.boolean(),
    sandbox_active: z.boolean(),
    config: wireSandboxConfigSchema,
    api_key_configured: z.boolean(),
    service_status: z.enum(['operational', 'fallback_mode', 'unavailable']),
    sandbox_id: z.string().nullable(),
    sandbox_type: z.enum(['local', 'daytona']),
    isolation: z.string(),
    indicator: z.string(),
    detail: z.string().optional(),
    python_executable: z.string().optional(),
    python_version_found: z.string().optional(),
    queue_depth: z.number().int().min(0),
    running: z.number().int().min(0),
    state_store: z.object({ kind: z.enum(['memory', 'redis']), ok: z.boolean(), detail: z.string().optional() }).strict().optional(),
  })
  .strict();

export const selfTestResponseSchema = z
  .object({
    test_status: z.enum(['passed', 'failed']),
    test_name: z.string(),
    expected_stdout: z.string(),
    message: z.string(),
    result: wireExecutionResultSchema,
  })
  .strict();

export const sandboxInfoSchema = z
  .object({ sandbox_id: z.string(), sandbox_type: z.enum(['local', 'daytona']), created_at: z.string(), reused: z.boolean() })
  .strict();

export const sandboxDeletedSchema = z
  .object({ deleted: z.boolean(), message: z.string() })
  .strict();

export const wireReasoningResultSchema = z
  .object({
    id: z.string(),
    query: z.string(),
    success: z.boolean(),
    overall_confidence: z.number().min(0).max(1),
    answer: z.object({ text: z.string(), value: z.number(), quantity: z.string() }).strict().optional(),
    estimates: z.array(
      z
        .object({
          name: z.string(),
          description: z.string(),
          mean: z.number(),
          sd: z.number(),
          interval: z.tuple([z.number(), z.number()]),
          interval_mass: z.number(),
        })
        .strict(),
    ),
    declined: z.object({ reason: z.string() }).strict().optional(),
    stages: z.array(
      z
        .object({
          name: z.string(),
          status: z.enum(['completed', 'failed', 'skipped']),
          duration_ms: z.number().min(0),
          confidence: z.number().min(0).max(1),
          error: z.string().optional(),
        })
        .strict(),
    ),
    program: z.object({ language: z.literal('python'), code: z.string(), model: z.string() }).strict().optional(),
    execution: wireExecutionResultSchema.optional(),
    backend: z.object({ reasoning: z.enum(['embedded', 'llm']), sandbox: z.enum(['local', 'daytona']) }).strict(),
    duration_ms: z.number().min(0),
    created_at: z.string(),
    persisted: z.boolean().optional(),
  })
  .strict();

export const healthSchema = z
  .object({ status: z.enum(['ok', 'shutting_down']), uptime_s: z.number().min(0) })
  .strict();

/** Every non-2xx answer. */
export const errorBodySchema = z
  .object({
    error: z
      .object({
        code: z.string().describe('stable code, see the README error table'),
        message: z.string().describe('what went wrong and what to do'),
        details: z.unknown().optional(),
      })
      .strict(),
  })
  .strict();

/** Schemas published as OpenAPI components, by component name. */
export const API_SCHEMAS = {
  SandboxConfigPatch: wireConfigPatchSchema,
  ExecuteRequest: executeBodySchema,
  ExecuteBatchRequest: batchBodySchema,
  ReasonRequest: reasonBodySchema,
  SandboxConfig: wireSandboxConfigSchema,
  Violation: wireViolationSchema,
  ExecutionResult: wireExecutionResultSchema,
  ExecuteBatchResponse: batchResponseSchema,
  Status: wireStatusSchema,
  SelfTestResponse: selfTestResponseSchema,
  SandboxInfo: sandboxInfoSchema,
  SandboxDeleted: sandboxDeletedSchema,
  ReasoningResult: wireReasoningResultSchema,
  Health: healthSchema,
  Error: errorBodySchema,
} as const;

export type ApiSchemaName = keyof typeof API_SCHEMAS;
