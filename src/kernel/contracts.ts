/**
 * Data contracts shared by every part of the kernel (camelCase; the seed's snake_case wire format
 * lives only at the HTTP/CLI edge, see `src/http/wire.ts`).
 */

/** Outcome of one sandboxed execution (design §3). */
export type ExecutionStatus =
  | 'completed' // exit code 0
  | 'failed' // non-zero exit
  | 'timeout' // wall-clock or CPU deadline hit
  | 'security_violation' // refused before running
  | 'resource_exceeded' // memory, output or process limit
  | 'error'; // the sandbox itself failed

export type SandboxType = 'local' | 'daytona';

/** The isolation actually in force for a run. */
export type IsolationLevel = 'bubblewrap' | 'landlock' | 'process' | 'daytona' | 'none';

/** One reason the static validator refused a program. */
export interface Violation {
  /** Stable rule id, e.g. `import-not-allowed`, `forbidden-name`. */
  rule: string;
  message: string;
  /** 1-based line. */
  line: number;
  /** 1-based column. */
  column: number;
}

export interface ValidationReport {
  ok: boolean;
  violations: Violation[];
  durationMs: number;
}

export interface ResourceUsage {
  /** CPU time (user + system) divided by wall time, in percent (may exceed 100 with threads). */
  cpuUsagePercent: number;
  /** Peak resident set size of the program, MiB. */
  memoryUsageMb: number;
}

export interface ExecutionMetadata {
  sandboxType: SandboxType;
  sandboxId: string | null;
  isolation: IsolationLevel;
  /** stdout or stderr was cut at the output cap. */
  truncated: boolean;
  /** The configured executor (Daytona) failed and the local one ran the code instead. */
  fallback: boolean;
  /** stdout and stderr arrive merged in `stdout` (Daytona `codeRun`); `stderr` is then empty. */
  streamsMerged: boolean;
  /** Result-cache outcome when caching was requested. */
  cache?: 'hit' | 'miss';
  /** Which limit was exceeded for `resource_exceeded`, or why an `error` happened. */
  reason?: string;
  pythonVersion?: string;
  /** Ran in a warm pooled interpreter (forked from a pre-imported zygote) rather than a cold one. */
  warm?: boolean;
  /** Which warm tier ran it: `full` (numpy and scipy imported) or `light` (standard modules only). */
  warmTier?: 'full' | 'light';
}

/** Result of running a program (mirrors the seed's `/execute` response). */
export interface ExecutionResult {
  exitCode: number | null;
  stdout: string;
  stderr: string;
  /** Wall time in seconds. */
  executionTime: number;
  status: ExecutionStatus;
  resourceUsage: ResourceUsage;
  metadata: ExecutionMetadata;
  violations?: Violation[];
}

/**
 * The seed's `SandboxConfig`, camelCase with units in names. The HTTP edge maps it to
 * `cpu_limit`, `memory_limit_mb`, `execution_timeout` (s), ...
 */
export interface SandboxSettings {
  cpuLimit: number;
  memoryLimitMb: number;
  executionTimeoutS: number;
  tempStorageMb: number;
  pythonVersion: string;
  enableNetworking: boolean;
  enableAstValidation: boolean;
  allowedImports: string[];
}

/** Limits an executor applies to one run, resolved from the effective `SandboxSettings`. */
export interface RunLimits {
  timeoutMs: number;
  memoryLimitMb: number;
  cpuLimit: number;
  tempStorageMb: number;
  maxOutputBytes: number;
  enableNetworking: boolean;
}

/** What an executor is asked to run; the code has already passed validation. */
export interface RunRequest {
  code: string;
  limits: RunLimits;
  signal?: AbortSignal;
}

export type ServiceStatus = 'operational' | 'fallback_mode' | 'unavailable';

export interface ExecutorStatus {
  kind: SandboxType;
  /** Isolation that runs would get right now. */
  isolation: IsolationLevel;
  available: boolean;
  serviceStatus: ServiceStatus;
  sandboxActive: boolean;
  sandboxId: string | null;
  pythonExecutable?: string;
  pythonVersion?: string;
  /** Human-readable explanation (why fallback, why unavailable, which isolation layers). */
  detail?: string;
  /** Seed status indicator: "✅ Daytona Cloud integration active" and friends. */
  indicator: string;
  queueDepth: number;
  running: number;
  extra?: Record<string, unknown>;
}

export interface SandboxInfo {
  sandboxId: string;
  sandboxType: SandboxType;
  createdAt: string;
  reused: boolean;
}

// ---------------------------------------------------------------------------------------------
// Reasoning results (design §3)

export type StageName = 'parse' | 'retrieve' | 'graph' | 'synthesize' | 'infer';
export type StageStatus = 'completed' | 'failed' | 'skipped';

export interface StageReport {
  name: StageName;
  status: StageStatus;
  durationMs: number;
  /** 0..1, this stage's contribution to `overallConfidence`. */
  confidence: number;
  error?: string;
}

export interface Estimate {
  name: string;
  description: string;
  mean: number;
  sd: number;
  interval: [number, number];
  intervalMass: number;
}

export interface Answer {
  text: string;
  value: number;
  quantity: string;
}

export interface ReasoningResult {
  id: string;
  query: string;
  success: boolean;
  overallConfidence: number;
  answer?: Answer;
  estimates: Estimate[];
  declined?: { reason: string };
  stages: StageReport[];
  program?: { language: 'python'; code: string; model: string };
  execution?: ExecutionResult;
  backend: { reasoning: 'embedded' | 'llm'; sandbox: SandboxType };
  durationMs: number;
  createdAt: string;
  /** False when the state store could not save the run (e.g. Redis down). */
  persisted?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Stage outputs the pipeline runner reads to assemble a `ReasoningResult`.

/** What the synthesize stage outputs (the runner copies `program` into the result). */
export interface SynthesizeOutput {
  program: { language: 'python'; code: string; model: string };
  /** Which reasoner produced the program. */
  reasoner: 'embedded' | 'llm';
}

/** What the infer stage outputs (the runner copies these into the result). */
export interface InferOutput {
  answer: Answer;
  estimates: Estimate[];
  execution: ExecutionResult;
  diagnostics?: Record<string, unknown>;
}
