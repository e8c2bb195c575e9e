/**
 * The seed's snake_case wire format (seconds, `cpu_limit`, ...). Used only at the edges: the
 * HTTP module and the CLI's `--json` output.
 */
import type { AppConfig } from '../config/schema.js';
import type { ExecutionResult, ExecutorStatus, ReasoningResult, SandboxInfo, SandboxSettings, Violation } from '../kernel/contracts.js';
import type { StoreHealth } from '../kernel/tokens.js';

export interface WireSandboxConfig {
  cpu_limit: number;
  memory_limit_mb: number;
  execution_timeout: number;
  temp_storage_mb: number;
  python_version: string;
  enable_networking: boolean;
  enable_ast_validation: boolean;
  allowed_imports: string[];
}

export function settingsToWire(s: SandboxSettings): WireSandboxConfig {
  return {
    cpu_limit: s.cpuLimit,
    memory_limit_mb: s.memoryLimitMb,
    execution_timeout: s.executionTimeoutS,
    temp_storage_mb: s.tempStorageMb,
    python_version: s.pythonVersion,
    enable_networking: s.enableNetworking,
    enable_ast_validation: s.enableAstValidation,
    allowed_imports: [...s.allowedImports],
  };
}

const WIRE_TO_SETTINGS: Record<keyof WireSandboxConfig, keyof SandboxSettings> = {
  cpu_limit: 'cpuLimit',
  memory_limit_mb: 'memoryLimitMb',
  execution_timeout: 'executionTimeoutS',
  temp_storage_mb: 'tempStorageMb',
  python_version: 'pythonVersion',
  enable_networking: 'enableNetworking',
  enable_ast_validation: 'enableAstValidation',
  allowed_imports: 'allowedImports',
};

/** Known wire field names, for "unknown field" messages. */
export const WIRE_CONFIG_FIELDS = Object.keys(WIRE_TO_SETTINGS) as (keyof WireSandboxConfig)[];

/**
 * Renames a snake_case partial config to camelCase. Unknown keys are kept under their own name so
 * that strict validation downstream reports them by the name the caller sent.
 */
export function wireToSettingsPatch(input: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) {
    const mapped = (WIRE_TO_SETTINGS as Record<string, string>)[key];
    out[mapped ?? key] = value;
  }
  return out;
}

export interface WireViolation {
  rule: string;
  message: string;
  line: number;
  column: number;
}

export interface WireExecutionResult {
  exit_code: number | null;
  stdout: string;
  stderr: string;
  execution_time: number;
  status: string;
  resource_usage: { cpu_usage_percent: number; memory_usage_mb: number };
  metadata: {
    sandbox_type: string;
    sandbox_id: string | null;
    isolation: string;
    truncated: boolean;
    fallback: boolean;
    streams_merged: boolean;
    cache?: string;
    reason?: string;
    warm_tier?: 'full' | 'light';
  };
  violations?: WireViolation[];
}

export function executionToWire(r: ExecutionResult): WireExecutionResult {
  return {
    exit_code: r.exitCode,
    stdout: r.stdout,
    stderr: r.stderr,
    execution_time: r.executionTime,
    status: r.status,
    resource_usage: {
      cpu_usage_percent: r.resourceUsage.cpuUsagePercent,
      memory_usage_mb: r.resourceUsage.memoryUsageMb,
    },
    metadata: {
      sandbox_type: r.metadata.sandboxType,
      sandbox_id: r.metadata.sandboxId,
      isolation: r.metadata.isolation,
      truncated: r.metadata.truncated,
      fallback: r.metadata.fallback,
      streams_merged: r.metadata.streamsMerged,
      ...(r.metadata.cache ? { cache: r.metadata.cache } : {}),
      ...(r.metadata.reason ? { reason: r.metadata.reason } : {}),
      ...(r.metadata.warmTier ? { warm_tier: r.metadata.warmTier } : {}),
    },
    ...(r.violations ? { violations: r.violations.map((v: Violation) => ({ ...v })) } : {}),
  };
}

export interface WireStatus {
  daytona_available: boolean;
  sandbox_active: boolean;
  config: WireSandboxConfig;
  api_key_configured: boolean;
  service_status: string;
  sandbox_id: string | null;
  sandbox_type: string;
  isolation: string;
  indicator: string;
  detail?: string;
  python_executable?: string;
  python_version_found?: string;
  queue_depth: number;
  running: number;
  state_store?: { kind: string; ok: boolean; detail?: string };
}

export function statusToWire(
  status: ExecutorStatus,
  settings: SandboxSettings,
  config: Readonly<AppConfig>,
  store?: StoreHealth,
): WireStatus {
  return {
    daytona_available: status.kind === 'daytona' && status.available && status.serviceStatus === 'operational',
    sandbox_active: status.sandboxActive,
    config: settingsToWire(settings),
    api_key_configured: Boolean(config.daytona.apiKey),
    service_status: status.serviceStatus,
    sandbox_id: status.sandboxId,
    sandbox_type: status.kind,
    isolation: status.isolation,
    indicator: status.indicator,
    ...(status.detail ? { detail: status.detail } : {}),
    ...(status.pythonExecutable ? { python_executable: status.pythonExecutable } : {}),
    ...(status.pythonVersion ? { python_version_found: status.pythonVersion } : {}),
    queue_depth: status.queueDepth,
    running: status.running,
    ...(store ? { state_store: { kind: store.kind, ok: store.ok, ...(store.detail ? { detail: store.detail } : {}) } } : {}),
  };
}

export interface WireSandboxInfo {
  sandbox_id: string;
  sandbox_type: string;
  created_at: string;
  reused: boolean;
}

export function sandboxInfoToWire(info: SandboxInfo): WireSandboxInfo {
  return { sandbox_id: info.sandboxId, sandbox_type: info.sandboxType, created_at: info.createdAt, reused: info.reused };
}

/** `ReasoningResult` in the HTTP API's snake_case (durations in ms, as named). */
export interface WireReasoningResult {
  id: string;
  query: string;
  success: boolean;
  overall_confidence: number;
  answer?: { text: string; value: number; quantity: string };
  estimates: { name: string; description: string; mean: number; sd: number; interval: [number, number]; interval_mass: number }[];
  declined?: { reason: string };
  stages: { name: string; status: string; duration_ms: number; confidence: number; error?: string }[];
  program?: { language: 'python'; code: string; model: string };
  execution?: WireExecutionResult;
  backend: { reasoning: string; sandbox: string };
  duration_ms: number;
  created_at: string;
  persisted?: boolean;
}

export function reasoningToWire(r: ReasoningResult): WireReasoningResult {
  return {
    id: r.id,
    query: r.query,
    success: r.success,
    overall_confidence: r.overallConfidence,
    ...(r.answer ? { answer: { text: r.answer.text, value: r.answer.value, quantity: r.answer.quantity } } : {}),
    estimates: r.estimates.map((e) => ({
      name: e.name,
      description: e.description,
      mean: e.mean,
      sd: e.sd,
      interval: [e.interval[0], e.interval[1]],
      interval_mass: e.intervalMass,
    })),
    ...(r.declined ? { declined: { reason: r.declined.reason } } : {}),
    stages: r.stages.map((s) => ({
      name: s.name,
      status: s.status,
      duration_ms: s.durationMs,
      confidence: s.confidence,
      ...(s.error !== undefined ? { error: s.error } : {}),
    })),
    ...(r.program ? { program: { language: r.program.language, code: r.program.code, model: r.program.model } } : {}),
    ...(r.execution ? { execution: executionToWire(r.execution) } : {}),
    backend: { reasoning: r.backend.reasoning, sandbox: r.backend.sandbox },
    duration_ms: r.durationMs,
    created_at: r.createdAt,
    ...(r.persisted !== undefined ? { persisted: r.persisted } : {}),
  };
}
