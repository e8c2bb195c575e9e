/**
 * Every DI id in one place, typed with the port it resolves to. The ports (interfaces) that the
 * rest of the code base implements sit beside them.
 */
import type { ServiceIdentifier } from 'inversify';
import type { Logger } from 'pino';
import type { AppConfig } from '../config/schema.js';
import type {
  ExecutionResult,
  ExecutorStatus,
  ReasoningResult,
  RunRequest,
  SandboxInfo,
  SandboxSettings,
  SandboxType,
  StageName,
  ValidationReport,
} from './contracts.js';

export type { Logger } from 'pino';

// ---------------------------------------------------------------------------------------------
// Ports

/** Static policy check of a Python program (tree-sitter). Advisory: the sandbox is the boundary. */
export interface CodeValidator {
  /** Validates the exact bytes that will run against the allowlist in `allowedImports`. */
  validate(code: string, options: { allowedImports: readonly string[] }): ValidationReport;
}

/** Options of `SandboxExecutor.runBatch`. */
export interface BatchOptions {
  concurrency?: number;
  /** Turns an item's thrown error into its result so that the rest of the batch still runs. */
  onItemError?: (error: unknown, index: number) => ExecutionResult;
}

/** Runs already-validated code in some sandbox. User-code failure is data; infra failure throws. */
export interface SandboxExecutor {
  readonly kind: SandboxType;
  run(request: RunRequest): Promise<ExecutionResult>;
  /**
   * Runs many requests with at most `concurrency` in flight; results in request order. Without
   * `onItemError` the batch rejects with the first item that throws (an infrastructure failure or
   * an abort; program failures are results); with it, that item's result is `onItemError(error,
   * index)` and the batch goes on.
   */
  runBatch(requests: RunRequest[], options?: BatchOptions): Promise<ExecutionResult[]>;
  status(): Promise<ExecutorStatus>;
  /** Creates (or returns the existing) persistent sandbox. */
  createSandbox(): Promise<SandboxInfo>;
  /** Deletes the persistent sandbox; false when there was none. */
  destroySandbox(): Promise<boolean>;
  /**
   * Optional: prepares in advance what runs need (isolation probe, warm interpreters) and resolves
   * once that is done or has failed; calling it is never required. `createKernel` starts it.
   */
  warmUp?(): Promise<void>;
  /** Frees everything (processes, sandboxes, sockets). Idempotent. */
  close(): Promise<void>;
}

/** A reasoning run's progress while it is in flight. */
export interface RunProgress {
  runId: string;
  query: string;
  stage: StageName | 'done';
  startedAt: string;
}

/** A Daytona sandbox this deployment created, so a restarted instance can find and delete it. */
export interface SandboxRecord {
  sandboxId: string;
  name: string;
  createdAt: string;
  owner: string;
}

export interface StoreHealth {
  kind: 'memory' | 'redis';
  ok: boolean;
  detail?: string;
}

/** Persistent state (design §7). Memory by default, Redis when `REDIS_URL` is set. */
export interface StateStore {
  readonly kind: 'memory' | 'redis';
  saveRun(result: ReasoningResult): Promise<void>;
  getRun(id: string): Promise<ReasoningResult | null>;
  /** Most recent first. */
  listRecentRuns(limit: number): Promise<string[]>;
  setRunProgress(progress: RunProgress): Promise<void>;
  clearRunProgress(runId: string): Promise<void>;
  getRunProgress(runId: string): Promise<RunProgress | null>;
  getSandboxSettings(): Promise<SandboxSettings | null>;
  setSandboxSettings(settings: SandboxSettings): Promise<void>;
  registerSandbox(record: SandboxRecord): Promise<void>;
  unregisterSandbox(sandboxId: string): Promise<void>;
  listSandboxes(): Promise<SandboxRecord[]>;
  getCachedExecution(key: string): Promise<ExecutionResult | null>;
  setCachedExecution(key: string, result: ExecutionResult, ttlSeconds: number): Promise<void>;
  health(): Promise<StoreHealth>;
  close(): Promise<void>;
}

/** One MSA stage. Registered in one ordered list (`STAGE_PLUGINS`, multi-injected). */
export interface StagePlugin {
  readonly name: StageName;
  run(context: StageContext): Promise<StageOutcome>;
}

export interface ReasonOptions {
  prior?: 'uniform' | 'jeffreys';
  /** Credible-interval mass, default 0.95. */
  intervalMass?: number;
  seed?: number;
  stageTimeoutMs?: number;
  signal?: AbortSignal;
  /** Use the execution-result cache for the synthesized program. */
  cache?: boolean;
  onProgress?: (event: StageProgressEvent) => void;
}

export interface StageProgressEvent {
  runId: string;
  stage: StageName;
  phase: 'start' | 'end';
  status?: 'completed' | 'failed' | 'skipped';
  durationMs?: number;
}

export interface StageContext {
  runId: string;
  query: string;
  options: Readonly<Required<Pick<ReasonOptions, 'prior' | 'intervalMass' | 'seed'>>> & ReasonOptions;
  /** Outputs of the earlier stages, by stage name. */
  outputs: Readonly<Partial<Record<StageName, unknown>>>;
  signal: AbortSignal;
  logger: Logger;
}

export interface StageOutcome {
  output: unknown;
  /** 0..1: how well this stage did its part. */
  confidence: number;
  status?: 'completed' | 'skipped';
  /** The kernel refuses to answer: later stages are skipped, `declined.reason` is set. */
  decline?: { reason: string };
}

/** A request to run untrusted code through the shared policy (validation, ceiling, cache). */
export interface ExecuteRequest {
  code: string;
  /** Seconds; overrides `executionTimeoutS` for this request only (within the ceiling). */
  timeoutS?: number;
  /** Applies to this request only, never to the shared settings; checked against the ceiling. */
  config?: Partial<SandboxSettings>;
  /** Use the execution-result cache (opt-in). */
  cache?: boolean;
  signal?: AbortSignal;
}

/**
 * The one way to run untrusted code: validates with the `CodeValidator`, resolves the effective
 * settings (shared settings from the store + per-request config, both within the operator's
 * ceiling), consults the cache, and calls the bound `SandboxExecutor`. Used by the infer stage,
 * the HTTP module and the CLI.
 */
export interface SandboxService {
  execute(request: ExecuteRequest): Promise<ExecutionResult>;
  executeBatch(requests: ExecuteRequest[], options?: { concurrency?: number }): Promise<ExecutionResult[]>;
  validate(code: string, config?: Partial<SandboxSettings>): Promise<ValidationReport>;
  getSettings(): Promise<SandboxSettings>;
  /** Merges a partial update into the shared settings (checked against the ceiling) and persists it. */
  updateSettings(patch: Partial<SandboxSettings>): Promise<SandboxSettings>;
  status(): Promise<ExecutorStatus>;
  createSandbox(): Promise<SandboxInfo>;
  destroySandbox(): Promise<boolean>;
}

/** One chat message sent to a language model. */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface ChatOptions {
  /** Ask for structured output matching this JSON Schema (`response_format: json_schema`) where
   *  the server supports it. The reply is still only text: callers validate it with zod. */
  jsonSchema?: { name: string; schema: Record<string, unknown> };
  signal?: AbortSignal;
}

export interface ChatReply {
  content: string;
  /** The model that answered (as the server reports it). */
  model: string;
  finishReason: string | null;
  usage?: { promptTokens: number; completionTokens: number };
}

/**
 * A chat-completions language model (LLM mode, optional). Bound only when `RK_LLM_BASE_URL` and
 * `RK_LLM_MODEL` are set. Infrastructure failures throw `LLM_ERROR` (or `ABORTED`).
 */
export interface ModelProvider {
  /** The configured model name. */
  readonly model: string;
  chat(messages: readonly ChatMessage[], options?: ChatOptions): Promise<ChatReply>;
}

// ---------------------------------------------------------------------------------------------
// Tokens

export const TOKENS: {
  readonly Config: ServiceIdentifier<Readonly<AppConfig>>;
  readonly Logger: ServiceIdentifier<Logger>;
  readonly CodeValidator: ServiceIdentifier<CodeValidator>;
  readonly SandboxExecutor: ServiceIdentifier<SandboxExecutor>;
  readonly LocalExecutor: ServiceIdentifier<SandboxExecutor>;
  readonly SandboxService: ServiceIdentifier<SandboxService>;
  readonly StateStore: ServiceIdentifier<StateStore>;
  readonly StagePlugin: ServiceIdentifier<StagePlugin>;
  readonly ModelProvider: ServiceIdentifier<ModelProvider>;
} = {
  Config: Symbol.for('rk.Config'),
  Logger: Symbol.for('rk.Logger'),
  CodeValidator: Symbol.for('rk.CodeValidator'),
  /** The executor bound at startup (Daytona with fallback when `DAYTONA_API_KEY` is set, else local). */
  SandboxExecutor: Symbol.for('rk.SandboxExecutor'),
  /** Always the local executor (the Daytona fallback uses it). */
  LocalExecutor: Symbol.for('rk.LocalExecutor'),
  SandboxService: Symbol.for('rk.SandboxService'),
  StateStore: Symbol.for('rk.StateStore'),
  /** Multi-injected, in pipeline order. */
  StagePlugin: Symbol.for('rk.StagePlugin'),
  /** Bound only in LLM mode (`RK_LLM_BASE_URL` and `RK_LLM_MODEL` set); inject with `@optional()`. */
  ModelProvider: Symbol.for('rk.ModelProvider'),
};
