import { Redis, type RedisOptions } from 'ioredis';
import type { AppConfig } from '../config/schema.js';
import { KernelError, isKernelError } from '../errors.js';
import type { ExecutionResult, ReasoningResult, SandboxSettings } from '../kernel/contracts.js';
import type { Logger, RunProgress, SandboxRecord, StateStore, StoreHealth } from '../kernel/tokens.js';
import { ValueDecoder, encodeValue, sortSandboxes } from './state-codec.js';
import { type StateKeys, sandboxRecordTtlSeconds, stateKeys } from './state-keys.js';
import {
  executionResultSchema,
  reasoningResultSchema,
  runProgressSchema,
  sandboxRecordSchema,
  sandboxSettingsSchema,
} from './state-schemas.js';

/** Reconnect delays double from 100 ms and stop growing here, so recovery takes at most this long. */
export const REDIS_MAX_RECONNECT_DELAY_MS = 2000;
/** One TCP (and TLS) connection attempt may take this long before it counts as failed. */
export const REDIS_CONNECT_TIMEOUT_MS = 5000;
/** Keys fetched per `SCAN` step and per `MGET`. */
const SCAN_BATCH = 200;
/** How long `close()` waits for the server to acknowledge `QUIT` before dropping the socket. */
const CLOSE_GRACE_MS = 1000;

/** Capped exponential backoff for ioredis' `retryStrategy`; `attempt` starts at 1. */
export function reconnectDelayMs(attempt: number): number {
  return Math.min(100 * 2 ** Math.min(attempt - 1, 10), REDIS_MAX_RECONNECT_DELAY_MS);
}

/** The URL with its password replaced, fit for logs and error messages. */
export function redactRedisUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable REDIS_URL)';
  }
}

let lastScoreUs = 0;
/**
 * Recency score for the recent-runs index: wall-clock microseconds, strictly increasing within
 * the process so runs saved in the same millisecond keep their order (2^53 µs is year 2255).
 */
function recencyScoreUs(): number {
  const nowUs = Math.floor((performance.timeOrigin + performance.now()) * 1000);
  lastScoreUs = Math.max(nowUs, lastScoreUs + 1);
  return lastScoreUs;
}

/**
 * `StateStore` on Redis (ioredis), selected by `REDIS_URL`. Key names: `state-keys.ts`.
 *
 * Failure behaviour: there is no offline queue and nothing is re-sent after a reconnect, so while
 * Redis is down every call fails at once (or after `state.commandTimeoutMs` at worst) with
 * `STATE_UNAVAILABLE`, and a call that failed is never applied later behind the caller's back.
 * ioredis keeps reconnecting with capped backoff, so the store recovers by itself. A run and its
 * index entry are written in one MULTI/EXEC: stored whole or not at all.
 */
export class RedisStateStore implements StateStore {
  readonly kind = 'redis' as const;
  /** The URL with the password redacted. */
  readonly url: string;
  private readonly client: Redis;
  private readonly keys: StateKeys;
  private readonly decoder: ValueDecoder;
  private readonly state: AppConfig['state'];
  private readonly sandboxTtlSeconds: number;
  private lastError: string | undefined;
  private down = false;
  private closed = false;

  constructor(config: Pick<AppConfig, 'state' | 'daytona'>, private readonly logger: Logger) {
    const url = config.state.redisUrl;
    if (!url) throw new KernelError('CONFIG_INVALID', 'The Redis state store needs a URL: set REDIS_URL (redis:// or rediss://).');
    this.state = config.state;
    this.url = redactRedisUrl(url);
    this.keys = stateKeys(config.state.keyPrefix);
    this.decoder = new ValueDecoder(logger);
    this.sandboxTtlSeconds = sandboxRecordTtlSeconds(config.daytona);
    const options: RedisOptions = {
      connectionName: 'reasoning-kernel',
      // Fail fast while down instead of queueing; never replay a command the caller saw fail.
      enableOfflineQueue: false,
      autoResendUnfulfilledCommands: false,
      maxRetriesPerRequest: 0,
      commandTimeout: config.state.commandTimeoutMs,
      connectTimeout: REDIS_CONNECT_TIMEOUT_MS,
      retryStrategy: reconnectDelayMs,
    };
    // The URL goes to ioredis as is: it understands rediss:// (TLS), user:password@ and /db.
    this.client = new Redis(url, options);
    this.client.on('error', (e: Error) => this.markDown(e.message));
    this.client.on('close', () => {
      if (!this.closed) this.markDown('connection closed');
    });
    this.client.on('ready', () => {
      if (this.down) this.logger.info({ url: this.url }, 'Redis state store reachable again');
      this.down = false;
      this.lastError = undefined;
    });
  }

  async saveRun(result: ReasoningResult): Promise<void> {
    const json = encodeValue(reasoningResultSchema, result, 'reasoning run');
    const ttl = this.state.runTtlSeconds;
    const score = recencyScoreUs();
    await this.call('save the run', async () => {
      const replies = await this.client
        .multi()
        .set(this.keys.run(result.id), json, 'EX', ttl)
        .zadd(this.keys.recentRuns, score, result.id)
        // Index entries older than the run TTL point at expired runs; beyond the cap, oldest go.
        .zremrangebyscore(this.keys.recentRuns, '-inf', `(${score - ttl * 1e6}`)
        .zremrangebyrank(this.keys.recentRuns, 0, -(this.state.recentRunsMax + 1))
        .expire(this.keys.recentRuns, ttl)
        .exec();
      if (replies === null) throw new Error('transaction aborted');
      const failed = replies.find(([err]) => err);
      if (failed) throw failed[0];
    });
  }

  async getRun(id: string): Promise<ReasoningResult | null> {
    const key = this.keys.run(id);
    const raw = await this.call('read the run', () => this.client.get(key));
    return this.decoder.decode(reasoningResultSchema, raw, key);
  }

  async listRecentRuns(limit: number): Promise<string[]> {
    if (limit <= 0) return [];
    const oldestLiveUs = Math.floor((performance.timeOrigin + performance.now()) * 1000) - this.state.runTtlSeconds * 1e6;
    return this.call('list recent runs', () =>
      this.client.zrevrangebyscore(this.keys.recentRuns, '+inf', oldestLiveUs, 'LIMIT', 0, limit),
    );
  }

  async setRunProgress(progress: RunProgress): Promise<void> {
    const json = encodeValue(runProgressSchema, progress, 'run progress');
    await this.call('save run progress', () =>
      this.client.set(this.keys.progress(progress.runId), json, 'EX', this.state.progressTtlSeconds),
    );
  }

  async clearRunProgress(runId: string): Promise<void> {
    await this.call('clear run progress', () => this.client.del(this.keys.progress(runId)));
  }

  async getRunProgress(runId: string): Promise<RunProgress | null> {
    const key = this.keys.progress(runId);
    const raw = await this.call('read run progress', () => this.client.get(key));
    return this.decoder.decode(runProgressSchema, raw, key);
  }

  async getSandboxSettings(): Promise<SandboxSettings | null> {
    const key = this.keys.sandboxSettings;
    const raw = await this.call('read the sandbox settings', () => this.client.get(key));
    return this.decoder.decode(sandboxSettingsSchema, raw, key);
  }

  async setSandboxSettings(settings: SandboxSettings): Promise<void> {
    const json = encodeValue(sandboxSettingsSchema, settings, 'sandbox settings');
    await this.call('save the sandbox settings', () => this.client.set(this.keys.sandboxSettings, json));
  }

  async registerSandbox(record: SandboxRecord): Promise<void> {
    const json = encodeValue(sandboxRecordSchema, record, 'sandbox record');
    await this.call('register the sandbox', () =>
      this.client.set(this.keys.sandbox(record.sandboxId), json, 'EX', this.sandboxTtlSeconds),
    );
  }

  async unregisterSandbox(sandboxId: string): Promise<void> {
    await this.call('unregister the sandbox', () => this.client.del(this.keys.sandbox(sandboxId)));
  }

  async listSandboxes(): Promise<SandboxRecord[]> {
    return this.call('list sandboxes', async () => {
      const keys = new Set<string>();
      let cursor = '0';
      do {
        const [next, batch] = await this.client.scan(cursor, 'MATCH', this.keys.sandboxPattern, 'COUNT', SCAN_BATCH);
        for (const key of batch) keys.add(key);
        cursor = next;
      } while (cursor !== '0');
      const all = [...keys];
      const records: SandboxRecord[] = [];
      for (let i = 0; i < all.length; i += SCAN_BATCH) {
        const chunk = all.slice(i, i + SCAN_BATCH);
        const values = await this.client.mget(chunk);
        chunk.forEach((key, j) => {
          const record = this.decoder.decode(sandboxRecordSchema, values[j], key);
          if (record) records.push(record);
        });
      }
      return sortSandboxes(records);
    });
  }

  async getCachedExecution(key: string): Promise<ExecutionResult | null> {
    const redisKey = this.keys.execCache(key);
    const raw = await this.call('read the execution cache', () => this.client.get(redisKey));
    return this.decoder.decode(executionResultSchema, raw, redisKey);
  }

  async setCachedExecution(key: string, result: ExecutionResult, ttlSeconds: number): Promise<void> {
    const json = encodeValue(executionResultSchema, result, 'execution result');
    await this.call('write the execution cache', () => this.client.set(this.keys.execCache(key), json, 'EX', ttlSeconds));
  }

  async health(): Promise<StoreHealth> {
    try {
      await this.call('ping', () => this.client.ping());
      return { kind: 'redis', ok: true, detail: `connected to ${this.url}` };
    } catch (e) {
      return { kind: 'redis', ok: false, detail: (e as Error).message };
    }
  }

  /** Quits cleanly (QUIT, then the socket closes); stops reconnecting. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.client.status === 'ready') {
      try {
        await this.client.quit();
      } catch {
        this.client.disconnect();
      }
    } else {
      this.client.disconnect();
    }
    await this.waitForEnd();
    this.logger.debug({ url: this.url }, 'Redis state store closed');
  }

  /** Runs one Redis operation, turning every failure into `STATE_UNAVAILABLE` with what to check. */
  private async call<T>(what: string, operation: () => Promise<T>): Promise<T> {
    if (this.closed) throw new KernelError('SHUTTING_DOWN', 'The state store is closed; the service is shutting down.');
    await this.whenReady(what);
    try {
      return await operation();
    } catch (e) {
      if (isKernelError(e)) throw e;
      throw this.unavailable(what, (e as Error).message, e);
    }
  }

  /**
   * Ready: go. Connecting: wait for the handshake, at most the command timeout. Known down
   * (waiting to reconnect): fail now rather than make every caller sit out the backoff.
   */
  private async whenReady(what: string): Promise<void> {
    const status = this.client.status;
    if (status === 'ready') return;
    if (status !== 'connecting' && status !== 'connect') {
      throw this.unavailable(what, this.lastError ?? `connection ${status}`);
    }
    await new Promise<void>((resolve, reject) => {
      const done = (error?: string) => {
        clearTimeout(timer);
        this.client.off('ready', onReady);
        this.client.off('close', onClose);
        if (error === undefined) resolve();
        else reject(this.unavailable(what, error));
      };
      const onReady = () => done();
      const onClose = () => done(this.lastError ?? 'connection closed');
      const timer = setTimeout(
        () => done(`not connected within ${this.state.commandTimeoutMs} ms`),
        this.state.commandTimeoutMs,
      );
      this.client.on('ready', onReady);
      this.client.on('close', onClose);
    });
  }

  private unavailable(what: string, reason: string, cause?: unknown): KernelError {
    return new KernelError(
      'STATE_UNAVAILABLE',
      `Could not ${what}: the Redis state store at ${this.url} (REDIS_URL) failed: ${reason.replace(/\.+$/, '')}. ` +
        'Check that redis-server is running and reachable from this host, that the password and db in ' +
        'REDIS_URL are right (rediss:// for TLS), and that it is not out of memory; the store reconnects by itself.',
      { cause, retryAfterS: Math.ceil(REDIS_MAX_RECONNECT_DELAY_MS / 1000) },
    );
  }

  private markDown(reason: string): void {
    this.lastError = reason;
    if (this.down || this.closed) return;
    this.down = true;
    this.logger.warn({ url: this.url, reason }, 'Redis state store unreachable; calls fail with STATE_UNAVAILABLE until it returns');
  }

  /** Resolves once ioredis has no socket left (or after a grace period, dropping it). */
  private async waitForEnd(): Promise<void> {
    const status = this.client.status;
    if (status === 'end' || status === 'reconnecting' || status === 'wait') return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.client.off('end', onEnd);
        this.client.disconnect();
        resolve();
      }, CLOSE_GRACE_MS);
      const onEnd = () => {
        clearTimeout(timer);
        resolve();
      };
      this.client.once('end', onEnd);
    });
  }
}
