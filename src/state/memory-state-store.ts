import type { AppConfig } from '../config/schema.js';
import { KernelError } from '../errors.js';
import type { ExecutionResult, ReasoningResult, SandboxSettings } from '../kernel/contracts.js';
import type { Logger, RunProgress, SandboxRecord, StateStore, StoreHealth } from '../kernel/tokens.js';
import { encodeValue, sortSandboxes } from './state-codec.js';
import { sandboxRecordTtlSeconds } from './state-keys.js';
import {
  executionResultSchema,
  reasoningResultSchema,
  runProgressSchema,
  sandboxRecordSchema,
  sandboxSettingsSchema,
} from './state-schemas.js';

/** How often expired entries are dropped even if nobody reads them. */
export const MEMORY_SWEEP_INTERVAL_MS = 60_000;
/** The in-process cache has no `maxmemory` behind it, so it is capped by count (oldest out). */
export const MEMORY_CACHE_MAX_ENTRIES = 1000;

interface Entry {
  /** The validated value as JSON: parsing it on every read hands out a fresh deep copy. */
  json: string;
  /** `Infinity` for entries without a TTL. */
  expiresAtMs: number;
}

/**
 * The default `StateStore`: one process, no server. Same semantics as the Redis store (TTLs,
 * recency order, validation, copies in and out) so the contract suite runs against both. TTLs are
 * checked on every read, and an unref'd sweep drops expired entries nobody reads.
 *
 * One difference, because nothing else bounds this process's memory: a run pushed out of the
 * recent-runs index (`state.recentRunsMax`) is forgotten, whereas Redis keeps it until its TTL.
 */
export class MemoryStateStore implements StateStore {
  readonly kind = 'memory' as const;
  private readonly runs = new Map<string, Entry>();
  private readonly progress = new Map<string, Entry>();
  private readonly sandboxes = new Map<string, Entry>();
  private readonly cache = new Map<string, Entry>();
  private settingsJson: string | null = null;
  private readonly sweepTimer: NodeJS.Timeout;
  private readonly state: AppConfig['state'];
  private readonly sandboxTtlSeconds: number;
  private closed = false;

  constructor(config: Pick<AppConfig, 'state' | 'daytona'>, private readonly logger: Logger) {
    this.state = config.state;
    this.sandboxTtlSeconds = sandboxRecordTtlSeconds(config.daytona);
    this.sweepTimer = setInterval(() => this.sweep(), MEMORY_SWEEP_INTERVAL_MS);
    this.sweepTimer.unref();
  }

  async saveRun(result: ReasoningResult): Promise<void> {
    this.assertOpen();
    const json = encodeValue(reasoningResultSchema, result, 'reasoning run');
    // Delete first so a re-saved run moves to the most recent end of the insertion order.
    this.runs.delete(result.id);
    this.runs.set(result.id, { json, expiresAtMs: this.expiry(this.state.runTtlSeconds) });
    while (this.runs.size > this.state.recentRunsMax) {
      const oldest = this.runs.keys().next().value as string;
      this.runs.delete(oldest);
    }
  }

  async getRun(id: string): Promise<ReasoningResult | null> {
    this.assertOpen();
    return this.read(this.runs, id) as ReasoningResult | null;
  }

  async listRecentRuns(limit: number): Promise<string[]> {
    this.assertOpen();
    const now = Date.now();
    const ids: string[] = [];
    for (const [id, entry] of [...this.runs].reverse()) {
      if (ids.length >= limit) break;
      if (entry.expiresAtMs > now) ids.push(id);
    }
    return ids;
  }

  async setRunProgress(progress: RunProgress): Promise<void> {
    this.assertOpen();
    const json = encodeValue(runProgressSchema, progress, 'run progress');
    this.progress.set(progress.runId, { json, expiresAtMs: this.expiry(this.state.progressTtlSeconds) });
  }

  async clearRunProgress(runId: string): Promise<void> {
    this.assertOpen();
    this.progress.delete(runId);
  }

  async getRunProgress(runId: string): Promise<RunProgress | null> {
    this.assertOpen();
    return this.read(this.progress, runId) as RunProgress | null;
  }

  async getSandboxSettings(): Promise<SandboxSettings | null> {
    this.assertOpen();
    return this.settingsJson === null ? null : (JSON.parse(this.settingsJson) as SandboxSettings);
  }

  async setSandboxSettings(settings: SandboxSettings): Promise<void> {
    this.assertOpen();
    this.settingsJson = encodeValue(sandboxSettingsSchema, settings, 'sandbox settings');
  }

  async registerSandbox(record: SandboxRecord): Promise<void> {
    this.assertOpen();
    const json = encodeValue(sandboxRecordSchema, record, 'sandbox record');
    this.sandboxes.set(record.sandboxId, { json, expiresAtMs: this.expiry(this.sandboxTtlSeconds) });
  }

  async unregisterSandbox(sandboxId: string): Promise<void> {
    this.assertOpen();
    this.sandboxes.delete(sandboxId);
  }

  async listSandboxes(): Promise<SandboxRecord[]> {
    this.assertOpen();
    const records: SandboxRecord[] = [];
    for (const id of [...this.sandboxes.keys()]) {
      const record = this.read(this.sandboxes, id) as SandboxRecord | null;
      if (record) records.push(record);
    }
    return sortSandboxes(records);
  }

  async getCachedExecution(key: string): Promise<ExecutionResult | null> {
    this.assertOpen();
    return this.read(this.cache, key) as ExecutionResult | null;
  }

  async setCachedExecution(key: string, result: ExecutionResult, ttlSeconds: number): Promise<void> {
    this.assertOpen();
    const json = encodeValue(executionResultSchema, result, 'execution result');
    this.cache.delete(key);
    this.cache.set(key, { json, expiresAtMs: this.expiry(ttlSeconds) });
    while (this.cache.size > MEMORY_CACHE_MAX_ENTRIES) this.cache.delete(this.cache.keys().next().value as string);
  }

  async health(): Promise<StoreHealth> {
    return this.closed ? { kind: 'memory', ok: false, detail: 'the store is closed' } : { kind: 'memory', ok: true };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.sweepTimer);
    this.logger.debug('memory state store closed');
  }

  private read(map: Map<string, Entry>, key: string): unknown {
    const entry = map.get(key);
    if (!entry) return null;
    if (entry.expiresAtMs <= Date.now()) {
      map.delete(key);
      return null;
    }
    return JSON.parse(entry.json);
  }

  private expiry(ttlSeconds: number): number {
    return Date.now() + ttlSeconds * 1000;
  }

  private sweep(): void {
    const now = Date.now();
    for (const map of [this.runs, this.progress, this.sandboxes, this.cache]) {
      for (const [key, entry] of map) if (entry.expiresAtMs <= now) map.delete(key);
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new KernelError('SHUTTING_DOWN', 'The state store is closed; the service is shutting down.');
  }
}
