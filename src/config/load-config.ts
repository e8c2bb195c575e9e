import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { KernelError } from '../errors.js';
import { type AppConfig, type ConfigInput, configSchema } from './schema.js';

type Kind = 'string' | 'int' | 'number' | 'bool' | 'list';

/** Environment variable → config path. The only place that knows env var names. */
export const ENV_VARS: ReadonlyArray<readonly [name: string, path: string, kind: Kind]> = [
  ['DAYTONA_API_KEY', 'daytona.apiKey', 'string'],
  ['DAYTONA_API_URL', 'daytona.apiUrl', 'string'],
  ['DAYTONA_TARGET', 'daytona.target', 'string'],
  ['RK_DAYTONA_IMAGE', 'daytona.image', 'string'],
  ['RK_DAYTONA_SNAPSHOT', 'daytona.snapshot', 'string'],
  ['RK_SANDBOX_FALLBACK', 'daytona.fallback', 'string'],
  ['RK_DAYTONA_CREATE_TIMEOUT_S', 'daytona.createTimeoutS', 'number'],
  ['RK_DAYTONA_IDLE_TIMEOUT_S', 'daytona.idleTimeoutS', 'number'],
  ['RK_DAYTONA_AUTOSTOP_MIN', 'daytona.autoStopMinutes', 'int'],
  ['RK_DAYTONA_TTL_MIN', 'daytona.ttlMinutes', 'int'],
  ['RK_DAYTONA_PROBE_S', 'daytona.probeIntervalS', 'number'],
  ['RK_DAYTONA_MAX_RETRIES', 'daytona.maxRetries', 'int'],
  ['RK_DAYTONA_RETRY_BASE_MS', 'daytona.retryBaseDelayMs', 'int'],
  ['RK_DAYTONA_REQUEST_TIMEOUT_MS', 'daytona.requestTimeoutMs', 'int'],
  ['RK_DAYTONA_BATCH_SANDBOXES', 'daytona.batchSandboxes', 'int'],
  ['RK_INSTANCE_ID', 'instanceId', 'string'],
  ['REDIS_URL', 'state.redisUrl', 'string'],
  ['RK_STATE_PREFIX', 'state.keyPrefix', 'string'],
  ['RK_RUN_TTL_S', 'state.runTtlSeconds', 'int'],
  ['RK_RECENT_RUNS', 'state.recentRunsMax', 'int'],
  ['RK_PROGRESS_TTL_S', 'state.progressTtlSeconds', 'int'],
  ['RK_CACHE_TTL_S', 'state.cacheTtlSeconds', 'int'],
  ['RK_REDIS_COMMAND_TIMEOUT_MS', 'state.commandTimeoutMs', 'int'],
  ['RK_HOST', 'http.host', 'string'],
  ['RK_PORT', 'http.port', 'int'],
  ['RK_ADMIN_TOKEN', 'http.adminToken', 'string'],
  ['RK_MAX_CODE_BYTES', 'http.maxCodeBytes', 'int'],
  ['RK_BODY_LIMIT_BYTES', 'http.bodyLimitBytes', 'int'],
  ['RK_SHUTDOWN_GRACE_MS', 'http.shutdownGraceMs', 'int'],
  ['RK_HTTP_MAX_IN_FLIGHT', 'http.maxInFlightExecutions', 'int'],
  ['RK_HTTP_MAX_BATCH_ITEMS', 'http.maxBatchItems', 'int'],
  ['RK_PYTHON', 'python.executable', 'string'],
  ['RK_ISOLATION', 'local.isolation', 'string'],
  ['RK_REQUIRE_ISOLATION', 'local.requireIsolation', 'bool'],
  ['RK_MAX_CONCURRENCY', 'local.maxConcurrency', 'int'],
  ['RK_MAX_QUEUE', 'local.maxQueue', 'int'],
  ['RK_MAX_OUTPUT_BYTES', 'local.maxOutputBytes', 'int'],
  ['RK_MAX_PROCESSES', 'local.maxProcesses', 'int'],
  ['RK_SECCOMP', 'local.seccomp', 'bool'],
  ['RK_POOL_SIZE', 'local.poolSize', 'int'],
  ['RK_POOL_PREIMPORT', 'local.poolPreimport', 'list'],
  ['RK_POOL_LIGHT_SIZE', 'local.poolLightSize', 'int'],
  ['RK_POOL_LIGHT_PREIMPORT', 'local.poolLightPreimport', 'list'],
  ['RK_POOL_RECYCLE_JOBS', 'local.poolRecycleJobs', 'int'],
  ['RK_POOL_FALLBACK', 'local.poolFallback', 'string'],
  ['RK_POOL_MAX_GROWTH_MB', 'local.poolMaxGrowthMb', 'int'],
  ['RK_SANDBOX_CPU_LIMIT', 'sandbox.cpuLimit', 'int'],
  ['RK_SANDBOX_MEMORY_LIMIT_MB', 'sandbox.memoryLimitMb', 'int'],
  ['RK_SANDBOX_EXECUTION_TIMEOUT', 'sandbox.executionTimeoutS', 'number'],
  ['RK_SANDBOX_TEMP_STORAGE_MB', 'sandbox.tempStorageMb', 'int'],
  ['RK_SANDBOX_PYTHON_VERSION', 'sandbox.pythonVersion', 'string'],
  ['RK_SANDBOX_ENABLE_NETWORKING', 'sandbox.enableNetworking', 'bool'],
  ['RK_SANDBOX_ENABLE_AST_VALIDATION', 'sandbox.enableAstValidation', 'bool'],
  ['RK_SANDBOX_ALLOWED_IMPORTS', 'sandbox.allowedImports', 'list'],
  ['RK_EXTRA_ALLOWED_IMPORTS', 'extraAllowedImports', 'list'],
  ['RK_CEILING_MAX_CPU_LIMIT', 'ceiling.maxCpuLimit', 'int'],
  ['RK_CEILING_MAX_MEMORY_LIMIT_MB', 'ceiling.maxMemoryLimitMb', 'int'],
  ['RK_CEILING_MAX_EXECUTION_TIMEOUT', 'ceiling.maxExecutionTimeoutS', 'number'],
  ['RK_CEILING_MAX_TEMP_STORAGE_MB', 'ceiling.maxTempStorageMb', 'int'],
  ['RK_ALLOW_NETWORKING', 'ceiling.allowNetworking', 'bool'],
  ['RK_ALLOW_DISABLE_VALIDATION', 'ceiling.allowDisableValidation', 'bool'],
  ['RK_IMPORTABLE_MODULES', 'ceiling.importableModules', 'list'],
  ['RK_LLM_BASE_URL', 'llm.baseUrl', 'string'],
  ['RK_LLM_API_KEY', 'llm.apiKey', 'string'],
  ['RK_LLM_MODEL', 'llm.model', 'string'],
  ['RK_LLM_TIMEOUT_MS', 'llm.timeoutMs', 'int'],
  ['RK_LLM_MAX_RETRIES', 'llm.maxRetries', 'int'],
  ['RK_LOG_LEVEL', 'log.level', 'string'],
  ['RK_LOG_FORMAT', 'log.format', 'string'],
];

const ENV_BY_PATH = new Map(ENV_VARS.map(([name, path]) => [path, name]));

export interface LoadConfigOptions {
  /** Defaults to `process.env`; the only read of `process.env` in the code base. */
  env?: Record<string, string | undefined>;
  /** A JSON file with the nested config shape. Defaults to `RK_CONFIG_FILE` when set. */
  file?: string;
  /** Explicit values (highest precedence), e.g. from `createKernel({config})`. */
  overrides?: ConfigInput;
  /** Defaults of the embedding program (lowest precedence, above the schema's), e.g. the CLI's quieter log level. */
  defaults?: ConfigInput;
}

/**
 * Parses the configuration once: explicit overrides > environment > JSON file > caller defaults >
 * schema defaults.
 * Throws one `CONFIG_INVALID` error listing every bad key with the env var to fix.
 */
export function loadConfig(options: LoadConfigOptions = {}): Readonly<AppConfig> {
  const env = options.env ?? process.env;
  const problems: string[] = [];
  const raw: Record<string, unknown> = {};
  if (options.defaults) deepMerge(raw, options.defaults as Record<string, unknown>);

  const file = options.file ?? env.RK_CONFIG_FILE;
  if (file) {
    const path = isAbsolute(file) ? file : resolve(file);
    if (!existsSync(path)) {
      problems.push(`RK_CONFIG_FILE: ${path} does not exist; point it at a JSON file or unset it`);
    } else {
      try {
        deepMerge(raw, JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>);
      } catch (e) {
        problems.push(`RK_CONFIG_FILE: ${path} is not valid JSON (${(e as Error).message})`);
      }
    }
  }

  for (const [name, path, kind] of ENV_VARS) {
    const value = env[name];
    if (value === undefined || value.trim() === '') continue;
    const parsed = convert(value.trim(), kind);
    if (parsed === undefined) {
      problems.push(`${name}=${JSON.stringify(value)}: expected ${describeKind(kind)}`);
      continue;
    }
    setPath(raw, path, parsed);
  }
  if (options.overrides) deepMerge(raw, options.overrides as Record<string, unknown>);

  const result = configSchema.safeParse(raw);
  if (!result.success) {
    for (const issue of result.error.issues) {
      const path = issue.path.join('.');
      const envName = ENV_BY_PATH.get(path);
      problems.push(`${path}${envName ? ` (${envName})` : ''}: ${issue.message}`);
    }
  }
  if (problems.length > 0) {
    throw new KernelError(
      'CONFIG_INVALID',
      `Invalid configuration, fix these settings:\n  - ${problems.join('\n  - ')}`,
      { details: problems },
    );
  }
  const config = result.data!;
  const ceilingProblems = checkDefaultsWithinCeiling(config);
  if (ceilingProblems.length > 0) {
    throw new KernelError(
      'CONFIG_INVALID',
      `Invalid configuration, fix these settings:\n  - ${ceilingProblems.join('\n  - ')}`,
      { details: ceilingProblems },
    );
  }
  return deepFreeze(config);
}

/** The startup defaults must themselves respect the operator ceiling. */
function checkDefaultsWithinCeiling(c: AppConfig): string[] {
  const p: string[] = [];
  const s = c.sandbox;
  const k = c.ceiling;
  if (s.cpuLimit > k.maxCpuLimit) p.push(`sandbox.cpuLimit (RK_SANDBOX_CPU_LIMIT) ${s.cpuLimit} exceeds ceiling.maxCpuLimit (RK_CEILING_MAX_CPU_LIMIT) ${k.maxCpuLimit}`);
  if (s.memoryLimitMb > k.maxMemoryLimitMb) p.push(`sandbox.memoryLimitMb (RK_SANDBOX_MEMORY_LIMIT_MB) ${s.memoryLimitMb} exceeds ceiling.maxMemoryLimitMb (RK_CEILING_MAX_MEMORY_LIMIT_MB) ${k.maxMemoryLimitMb}`);
  if (s.executionTimeoutS > k.maxExecutionTimeoutS) p.push(`sandbox.executionTimeoutS (RK_SANDBOX_EXECUTION_TIMEOUT) ${s.executionTimeoutS} exceeds ceiling.maxExecutionTimeoutS (RK_CEILING_MAX_EXECUTION_TIMEOUT) ${k.maxExecutionTimeoutS}`);
  if (s.tempStorageMb > k.maxTempStorageMb) p.push(`sandbox.tempStorageMb (RK_SANDBOX_TEMP_STORAGE_MB) ${s.tempStorageMb} exceeds ceiling.maxTempStorageMb (RK_CEILING_MAX_TEMP_STORAGE_MB) ${k.maxTempStorageMb}`);
  return p;
}

function convert(value: string, kind: Kind): unknown {
  switch (kind) {
    case 'string':
      return value;
    case 'int':
      return /^-?\d+$/.test(value) ? Number(value) : undefined;
    case 'number':
      return /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : undefined;
    case 'bool': {
      const v = value.toLowerCase();
      if (['1', 'true', 'yes', 'on'].includes(v)) return true;
      if (['0', 'false', 'no', 'off'].includes(v)) return false;
      return undefined;
    }
    case 'list':
      return value.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  }
}

function describeKind(kind: Kind): string {
  return {
    string: 'a string',
    int: 'an integer',
    number: 'a number',
    bool: 'true or false',
    list: 'a comma-separated list',
  }[kind];
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    if (typeof node[key] !== 'object' || node[key] === null) node[key] = {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys[keys.length - 1]] = value;
}

function deepMerge(target: Record<string, unknown>, source: Record<string, unknown>): void {
  for (const [key, value] of Object.entries(source)) {
    if (key === '__proto__' || key === 'constructor' || key === 'prototype') continue;
    if (value && typeof value === 'object' && !Array.isArray(value)) {
      if (typeof target[key] !== 'object' || target[key] === null || Array.isArray(target[key])) target[key] = {};
      deepMerge(target[key] as Record<string, unknown>, value as Record<string, unknown>);
    } else if (value !== undefined) {
      target[key] = value;
    }
  }
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
