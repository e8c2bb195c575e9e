/**
 * Every key the state store writes, in one place. All keys live under one prefix
 * (`state.keyPrefix`, `RK_STATE_PREFIX`, default `rk:`), so several deployments can share a Redis
 * database and `SCAN MATCH <prefix>*` finds everything one deployment owns.
 *
 * | Key                              | Type       | Value                        | TTL                                   |
 * |----------------------------------|------------|------------------------------|---------------------------------------|
 * | `<prefix>run:<runId>`            | string     | `ReasoningResult` JSON       | `state.runTtlSeconds` (`RK_RUN_TTL_S`) |
 * | `<prefix>runs:recent`            | sorted set | run ids, score = save time µs | refreshed to the run TTL on each save; capped at `state.recentRunsMax` |
 * | `<prefix>progress:<runId>`       | string     | `RunProgress` JSON           | `state.progressTtlSeconds` (`RK_PROGRESS_TTL_S`) |
 * | `<prefix>settings:sandbox`       | string     | `SandboxSettings` JSON       | none (one key, shared by instances)   |
 * | `<prefix>sandbox:<sandboxId>`    | string     | `SandboxRecord` JSON         | Daytona's hard cap (`RK_DAYTONA_TTL_MIN`) + 1 h |
 * | `<prefix>exec-cache:<sha256>`    | string     | `ExecutionResult` JSON       | per entry (`state.cacheTtlSeconds`, `RK_CACHE_TTL_S`) |
 */
export interface StateKeys {
  readonly prefix: string;
  run(runId: string): string;
  readonly recentRuns: string;
  progress(runId: string): string;
  readonly sandboxSettings: string;
  sandbox(sandboxId: string): string;
  /** `SCAN MATCH` pattern for every sandbox record (glob characters in the prefix escaped). */
  readonly sandboxPattern: string;
  /** Strips the sandbox-record key prefix, giving back the sandbox id. */
  sandboxIdOf(key: string): string;
  execCache(cacheKey: string): string;
}

/** Builds the key names for one prefix. */
export function stateKeys(prefix: string): StateKeys {
  const sandboxPrefix = `${prefix}sandbox:`;
  return {
    prefix,
    run: (runId) => `${prefix}run:${runId}`,
    recentRuns: `${prefix}runs:recent`,
    progress: (runId) => `${prefix}progress:${runId}`,
    sandboxSettings: `${prefix}settings:sandbox`,
    sandbox: (sandboxId) => `${sandboxPrefix}${sandboxId}`,
    sandboxPattern: `${escapeGlob(sandboxPrefix)}*`,
    sandboxIdOf: (key) => key.slice(sandboxPrefix.length),
    execCache: (cacheKey) => `${prefix}exec-cache:${cacheKey}`,
  };
}

/** Redis glob metacharacters (`* ? [ ] \`) in a prefix must match literally. */
function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, (c) => `\\${c}`);
}

/** Seconds past Daytona's own hard cap on a sandbox's life after which its record is useless. */
const SANDBOX_RECORD_GRACE_S = 3600;

/**
 * A sandbox record outlives the sandbox by at most an hour: Daytona deletes every sandbox of this
 * deployment after `daytona.ttlMinutes` (`RK_DAYTONA_TTL_MIN`) whatever happens to us, so a record
 * older than that points at nothing and may expire.
 */
export function sandboxRecordTtlSeconds(daytona: { ttlMinutes: number }): number {
  return daytona.ttlMinutes * 60 + SANDBOX_RECORD_GRACE_S;
}
