import { randomUUID } from 'node:crypto';
import type { Container } from 'inversify';
import type { AppConfig } from '../config/schema.js';
import { KernelError, isKernelError } from '../errors.js';
import type { ReasoningResult } from './contracts.js';
import type { PipelineRunner, ResolvedReasonOptions } from './pipeline-runner.js';
import type { Logger, ReasonOptions, SandboxExecutor, SandboxService, StateStore } from './tokens.js';

/** Longest question accepted, in characters. */
export const MAX_QUERY_CHARS = 10_000;

/** Services shared with the HTTP module and the CLI (the same container, built once). */
export interface KernelServices {
  config: Readonly<AppConfig>;
  logger: Logger;
  sandbox: SandboxService;
  executor: SandboxExecutor;
  store: StateStore;
  container: Container;
}

/**
 * Answers probabilistic questions: `reason(query)` runs parse → retrieve → graph → synthesize →
 * infer and returns a `ReasoningResult`, saved in the state store.
 */
export class ReasoningKernel {
  private closed = false;
  private closing?: Promise<void>;

  constructor(
    readonly services: KernelServices,
    private readonly runner: PipelineRunner,
  ) {}

  /**
   * Runs the pipeline on `query`. Never throws for a bad question (it declines instead); throws
   * `INVALID_INPUT` for a non-string, `ABORTED` when `options.signal` fires, `SHUTTING_DOWN` after close().
   */
  async reason(query: string, options: ReasonOptions = {}): Promise<ReasoningResult> {
    if (this.closed) throw new KernelError('SHUTTING_DOWN', 'the kernel is closed; create a new one with createKernel()');
    if (typeof query !== 'string') throw new KernelError('INVALID_INPUT', 'query must be a string');
    const resolved = resolveOptions(options);
    const runId = randomUUID();
    const trimmed = query.length > MAX_QUERY_CHARS ? query.slice(0, MAX_QUERY_CHARS) : query;
    const result =
      trimmed.trim().length === 0
        ? this.declinedEarly(runId, query, 'The question is empty: ask a probabilistic question with its data, e.g. "A coin is flipped 20 times with 14 heads observed".')
        : query.length > MAX_QUERY_CHARS
          ? this.declinedEarly(runId, query.slice(0, 200), `The question is longer than ${MAX_QUERY_CHARS} characters; shorten it to the data and what you want to know.`)
          : await this.runner.run(runId, query, resolved, this.services.executor.kind);
    try {
      await this.services.store.saveRun(result);
      result.persisted = true;
    } catch (e) {
      if (!isKernelError(e, 'STATE_UNAVAILABLE')) throw e;
      result.persisted = false;
      this.services.logger.warn({ runId, err: e }, 'run not persisted: state store unavailable');
    }
    return result;
  }

  /** A stored run, or null when unknown or expired. */
  getRun(id: string): Promise<ReasoningResult | null> {
    return this.services.store.getRun(id);
  }

  /** Frees sandboxes, Python processes and connections. Idempotent. */
  close(): Promise<void> {
    this.closed = true;
    this.closing ??= (async () => {
      const errors: unknown[] = [];
      await this.services.executor.close().catch((e: unknown) => errors.push(e));
      await this.services.store.close().catch((e: unknown) => errors.push(e));
      for (const e of errors) this.services.logger.warn({ err: e }, 'error while closing the kernel');
      this.services.logger.flush?.();
    })();
    return this.closing;
  }

  private declinedEarly(runId: string, query: string, reason: string): ReasoningResult {
    return {
      id: runId,
      query,
      success: false,
      overallConfidence: 0,
      estimates: [],
      declined: { reason },
      stages: this.runner.stageNames.map((name) => ({ name, status: 'skipped' as const, durationMs: 0, confidence: 0 })),
      backend: { reasoning: 'embedded', sandbox: this.services.executor.kind },
      durationMs: 0,
      createdAt: new Date().toISOString(),
    };
  }
}

function resolveOptions(options: ReasonOptions): ResolvedReasonOptions {
  const prior = options.prior ?? 'uniform';
  if (prior !== 'uniform' && prior !== 'jeffreys') {
    throw new KernelError('INVALID_INPUT', `prior must be "uniform" or "jeffreys", got ${JSON.stringify(prior)}`);
  }
  const intervalMass = options.intervalMass ?? 0.95;
  if (typeof intervalMass !== 'number' || !(intervalMass > 0 && intervalMass < 1)) {
    throw new KernelError('INVALID_INPUT', 'intervalMass must be a number between 0 and 1 (exclusive), e.g. 0.95');
  }
  const seed = options.seed ?? 20_240_611;
  if (!Number.isInteger(seed) || seed < 0 || seed > 2 ** 32 - 1) {
    throw new KernelError('INVALID_INPUT', 'seed must be an integer between 0 and 2^32-1');
  }
  if (options.stageTimeoutMs !== undefined && !(options.stageTimeoutMs > 0)) {
    throw new KernelError('INVALID_INPUT', 'stageTimeoutMs must be a positive number of milliseconds');
  }
  return { ...options, prior, intervalMass, seed };
}
