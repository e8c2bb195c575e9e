import { z } from 'zod';

/** The seed's default import allowlist (its `SandboxConfig.allowed_imports`). */
export const SEED_ALLOWED_IMPORTS = ['numpy', 'scipy', 'jax', 'numpyro', 'pandas', 'matplotlib', 'json', 'math'];

/** Harmless standard modules the operator allows in addition (design §4). */
export const DEFAULT_EXTRA_IMPORTS = [
  'random', 'statistics', 'itertools', 'functools', 'collections', 'dataclasses', 'typing', 'fractions', 'decimal',
];

const moduleName = z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'a top-level module name such as "numpy"');
const port = z.number().int().min(0).max(65535);

/** Field rules of the seed's `SandboxConfig`, camelCase, without defaults (used for partial updates). */
export const sandboxSettingsFields = {
  cpuLimit: z.number().int().min(1).max(64),
  memoryLimitMb: z.number().int().min(32).max(65536),
  executionTimeoutS: z.number().positive().max(3600),
  tempStorageMb: z.number().int().min(1).max(65536),
  pythonVersion: z.string().regex(/^3\.\d+$/, 'a version such as "3.11"'),
  enableNetworking: z.boolean(),
  enableAstValidation: z.boolean(),
  allowedImports: z.array(moduleName).max(200),
};

/** The seed's `SandboxConfig`, camelCase. Defaults are the seed's. */
export const sandboxSettingsSchema = z.object({
  cpuLimit: sandboxSettingsFields.cpuLimit.default(2),
  memoryLimitMb: sandboxSettingsFields.memoryLimitMb.default(512),
  executionTimeoutS: sandboxSettingsFields.executionTimeoutS.default(30),
  tempStorageMb: sandboxSettingsFields.tempStorageMb.default(50),
  pythonVersion: sandboxSettingsFields.pythonVersion.default('3.11'),
  enableNetworking: sandboxSettingsFields.enableNetworking.default(false),
  enableAstValidation: sandboxSettingsFields.enableAstValidation.default(true),
  allowedImports: sandboxSettingsFields.allowedImports.default(SEED_ALLOWED_IMPORTS),
});

/**
 * The operator's ceiling: what `PUT /config` or a request's `config` may change, and up to which
 * values. Turning validation off or networking on is refused unless allowed here.
 */
export const ceilingSchema = z.object({
  maxCpuLimit: z.number().int().min(1).max(64).default(4),
  maxMemoryLimitMb: z.number().int().min(32).max(65536).default(2048),
  maxExecutionTimeoutS: z.number().positive().max(3600).default(120),
  maxTempStorageMb: z.number().int().min(1).max(65536).default(512),
  allowNetworking: z.boolean().default(false),
  allowDisableValidation: z.boolean().default(false),
  /** Modules a caller may add to `allowed_imports`; defaults to the seed list plus the extras. */
  importableModules: z.array(moduleName).default([...SEED_ALLOWED_IMPORTS, ...DEFAULT_EXTRA_IMPORTS]),
});

export const configSchema = z.object({
  sandbox: sandboxSettingsSchema.prefault({}),
  ceiling: ceilingSchema.prefault({}),
  /** Standard modules allowed on top of `sandbox.allowedImports` (not shown in `/config`). */
  extraAllowedImports: z.array(moduleName).default(DEFAULT_EXTRA_IMPORTS),
  python: z
    .object({
      /** `RK_PYTHON`: interpreter to run programs with; resolved once to its real executable. */
      executable: z.string().min(1).default('python3'),
    })
    .prefault({}),
  local: z
    .object({
      /** `RK_ISOLATION`: auto picks the strongest available layer. */
      isolation: z.enum(['auto', 'bubblewrap', 'landlock', 'process']).default('auto'),
      /** `RK_REQUIRE_ISOLATION`: refuse to run without OS isolation instead of degrading. */
      requireIsolation: z.boolean().default(false),
      /** `RK_MAX_CONCURRENCY`: simultaneous local runs; 0 = number of cores. */
      maxConcurrency: z.number().int().min(0).max(256).default(0),
      /** `RK_MAX_QUEUE`: queued runs beyond which `QUEUE_FULL` is raised. */
      maxQueue: z.number().int().min(0).max(100_000).default(256),
      /** `RK_MAX_OUTPUT_BYTES`: cap per stream. */
      maxOutputBytes: z.number().int().min(1024).max(64 * 1024 * 1024).default(1024 * 1024),
      /** `RK_MAX_PROCESSES`: process/thread cap inside a run. */
      maxProcesses: z.number().int().min(1).max(4096).default(64),
      /**
       * `RK_SECCOMP`: bubblewrap sandboxes load a seccomp filter that denies system calls no
       * program needs (io_uring, bpf, userfaultfd, ptrace, keyrings, mounts, new namespaces...).
       */
      seccomp: z.boolean().default(true),
      /** `RK_POOL_SIZE`: warm interpreters (0 disables the warm pool). */
      poolSize: z.number().int().min(0).max(32).default(2),
      /** `RK_POOL_PREIMPORT`: modules imported by warm interpreters before forking jobs. */
      poolPreimport: z.array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_.]*$/)).default(['numpy', 'scipy', 'scipy.stats', 'scipy.special', 'json', 'math']),
      /**
       * `RK_POOL_LIGHT_SIZE`: warm interpreters of the light tier, which pre-import only cheap standard
       * modules (`RK_POOL_LIGHT_PREIMPORT`). Programs that import nothing from the full tier's heavy
       * modules (numpy, scipy, other third-party packages) run there: forking a ~15 MB interpreter
       * costs a fraction of forking one with numpy and scipy loaded. 0 disables the tier.
       */
      poolLightSize: z.number().int().min(0).max(32).default(2),
      /** `RK_POOL_LIGHT_PREIMPORT`: modules the light tier imports before forking jobs. */
      poolLightPreimport: z
        .array(z.string().regex(/^[A-Za-z_][A-Za-z0-9_.]*$/))
        .default(['json', 'math', 'random', 'statistics', 'itertools', 'functools', 'collections', 'dataclasses', 'typing', 'fractions', 'decimal']),
      /** `RK_POOL_RECYCLE_JOBS`: replace a warm interpreter after this many jobs. */
      poolRecycleJobs: z.number().int().min(1).default(5000),
      /**
       * `RK_POOL_FALLBACK`: when no warm interpreter is free, `wait` queues for one (a few ms; cold
       * while the pool is still warming up or down); `cold` starts a fresh interpreter at once
       * (about 20x the CPU of a warm job, which hurts throughput under load).
       */
      poolFallback: z.enum(['cold', 'wait']).default('wait'),
      /** `RK_POOL_MAX_GROWTH_MB`: replace a warm interpreter whose resident memory grew by more than this. */
      poolMaxGrowthMb: z.number().int().min(1).max(65536).default(64),
    })
    .prefault({}),
  daytona: z
    .object({
      /** `DAYTONA_API_KEY`: when set, code runs in Daytona Cloud. */
      apiKey: z.string().min(1).optional(),
      /** `DAYTONA_API_URL`. */
      apiUrl: z.url().default('https://app.daytona.io/api'),
      /** `DAYTONA_TARGET`: region such as `us` or `eu`. */
      target: z.string().min(1).optional(),
      /** `RK_DAYTONA_IMAGE`: image to build sandboxes from (required to apply cpu/memory limits). */
      image: z.string().min(1).optional(),
      /** `RK_DAYTONA_SNAPSHOT`: snapshot to create sandboxes from. */
      snapshot: z.string().min(1).optional(),
      /** `RK_SANDBOX_FALLBACK`: `auto` runs locally when Daytona fails; `never` raises. */
      fallback: z.enum(['auto', 'never']).default('auto'),
      /** `RK_DAYTONA_CREATE_TIMEOUT_S`. */
      createTimeoutS: z.number().positive().max(600).default(60),
      /** `RK_DAYTONA_IDLE_TIMEOUT_S`: delete the reused sandbox after this much idleness (0 = never). */
      idleTimeoutS: z.number().min(0).max(86_400).default(300),
      /** `RK_DAYTONA_AUTOSTOP_MIN`: server-side auto-stop backstop, minutes. */
      autoStopMinutes: z.number().int().min(1).max(1440).default(15),
      /** `RK_DAYTONA_TTL_MIN`: server-side hard cap on a sandbox's life, minutes. */
      ttlMinutes: z.number().int().min(1).max(10_080).default(120),
      /** `RK_DAYTONA_PROBE_S`: how often to re-probe Daytona while in fallback. */
      probeIntervalS: z.number().positive().max(3600).default(30),
      /** `RK_DAYTONA_MAX_RETRIES`: retries of 429/5xx responses. */
      maxRetries: z.number().int().min(0).max(10).default(3),
      /** `RK_DAYTONA_RETRY_BASE_MS`: first backoff step of those retries (doubles, full jitter). */
      retryBaseDelayMs: z.number().int().min(1).max(60_000).default(250),
      /** `RK_DAYTONA_REQUEST_TIMEOUT_MS`: per HTTP response deadline of the SDK. */
      requestTimeoutMs: z.number().int().min(100).max(600_000).default(60_000),
      /** `RK_DAYTONA_BATCH_SANDBOXES`: sandboxes a batch runs on at once, the persistent one included (1 = one after the other). */
      batchSandboxes: z.number().int().min(1).max(16).default(3),
    })
    .prefault({}),
  /** `RK_INSTANCE_ID`: identifies this service instance in sandbox labels. */
  instanceId: z.string().regex(/^[A-Za-z0-9_.-]{1,63}$/).optional(),
  state: z
    .object({
      /** `REDIS_URL`: redis:// or rediss://; unset = in-memory store. */
      redisUrl: z
        .string()
        .regex(/^rediss?:\/\//, 'a URL starting with redis:// or rediss://')
        .optional(),
      /** `RK_STATE_PREFIX`. */
      keyPrefix: z.string().min(1).max(64).default('rk:'),
      /** `RK_RUN_TTL_S`: how long reasoning runs are kept. */
      runTtlSeconds: z.number().int().min(1).default(7 * 86_400),
      /** `RK_RECENT_RUNS`: size of the recent-runs index. */
      recentRunsMax: z.number().int().min(1).max(100_000).default(1000),
      /** `RK_PROGRESS_TTL_S`: backstop TTL of a run's in-progress key (cleared when the run ends). */
      progressTtlSeconds: z.number().int().min(1).default(3600),
      /** `RK_CACHE_TTL_S`: execution-result cache TTL. */
      cacheTtlSeconds: z.number().int().min(1).default(3600),
      /** `RK_REDIS_COMMAND_TIMEOUT_MS`. */
      commandTimeoutMs: z.number().int().min(10).max(60_000).default(2000),
    })
    .prefault({}),
  http: z
    .object({
      /** `RK_HOST`. */
      host: z.string().min(1).default('127.0.0.1'),
      /** `RK_PORT`. */
      port: port.default(5000),
      /** `RK_ADMIN_TOKEN`: bearer token for every route but `/healthz`. */
      adminToken: z.string().min(16, 'at least 16 characters').optional(),
      /** `RK_MAX_CODE_BYTES`: largest program accepted by `/execute`. */
      maxCodeBytes: z.number().int().min(1024).max(16 * 1024 * 1024).default(256 * 1024),
      /** `RK_BODY_LIMIT_BYTES`. */
      bodyLimitBytes: z.number().int().min(1024).max(64 * 1024 * 1024).default(1024 * 1024),
      /** `RK_SHUTDOWN_GRACE_MS`: how long shutdown waits for running executions. */
      shutdownGraceMs: z.number().int().min(0).max(600_000).default(10_000),
      /** `RK_HTTP_MAX_IN_FLIGHT`: executions the HTTP server runs at once (a batch counts its concurrency); beyond it 429. */
      maxInFlightExecutions: z.number().int().min(1).max(10_000).default(64),
      /** `RK_HTTP_MAX_BATCH_ITEMS`: most programs in one `/execute/batch` request. */
      maxBatchItems: z.number().int().min(1).max(10_000).default(100),
    })
    .prefault({}),
  llm: z
    .object({
      /** `RK_LLM_BASE_URL`: OpenAI-compatible endpoint; LLM mode is on when this and a model are set. */
      baseUrl: z.url().optional(),
      /** `RK_LLM_API_KEY`. */
      apiKey: z.string().min(1).optional(),
      /** `RK_LLM_MODEL`. */
      model: z.string().min(1).optional(),
      /** `RK_LLM_TIMEOUT_MS`. */
      timeoutMs: z.number().int().min(100).max(600_000).default(60_000),
      /** `RK_LLM_MAX_RETRIES`: client retries of 429/5xx/timeouts per request (honours Retry-After). */
      maxRetries: z.number().int().min(0).max(10).default(2),
    })
    .prefault({}),
  log: z
    .object({
      /** `RK_LOG_LEVEL`. */
      level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
      /** `RK_LOG_FORMAT`: `pretty` for terminals, `json` otherwise; `auto` picks by TTY. */
      format: z.enum(['auto', 'pretty', 'json']).default('auto'),
    })
    .prefault({}),
});

export type AppConfig = z.infer<typeof configSchema>;
export type ConfigInput = z.input<typeof configSchema>;
