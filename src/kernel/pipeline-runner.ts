import { inject, injectable, multiInject } from 'inversify';
import type { InferOutput, ReasoningResult, StageName, StageReport, SynthesizeOutput } from './contracts.js';
import { KernelError } from '../errors.js';
import { StageFailure } from './stage-failure.js';
import { type Logger, type ReasonOptions, type StageContext, type StagePlugin, type StateStore, TOKENS } from './tokens.js';
import type { AppConfig } from '../config/schema.js';

/** Default per-stage deadline: the program's own timeout plus margin for the other stages. */
const STAGE_MARGIN_MS = 5_000;

export type ResolvedReasonOptions = StageContext['options'];

/**
 * Runs the ordered stage plugins. Every stage sees the query and all earlier outputs; a stage
 * that throws is `failed` with its message, a stage that declines ends the run honestly, and
 * the stages after either are `skipped`. Never throws for a user's question.
 */
@injectable()
export class PipelineRunner {
  private readonly log: Logger;

  constructor(
    @multiInject(TOKENS.StagePlugin) private readonly plugins: StagePlugin[],
    @inject(TOKENS.Config) private readonly config: Readonly<AppConfig>,
    @inject(TOKENS.StateStore) private readonly store: StateStore,
    @inject(TOKENS.Logger) logger: Logger,
  ) {
    this.log = logger.child({ component: 'pipeline' });
  }

  /** Stage names in execution order. */
  get stageNames(): StageName[] {
    return this.plugins.map((p) => p.name);
  }

  async run(runId: string, query: string, options: ResolvedReasonOptions, sandboxKind: 'local' | 'daytona'): Promise<ReasoningResult> {
    const started = performance.now();
    const createdAt = new Date().toISOString();
    const outputs: Partial<Record<StageName, unknown>> = {};
    const stages: StageReport[] = [];
    let declined: { reason: string } | undefined;
    let failed = false;
    const runLog = this.log.child({ runId });

    for (const plugin of this.plugins) {
      if (declined || failed) {
        stages.push({ name: plugin.name, status: 'skipped', durationMs: 0, confidence: 0 });
        continue;
      }
      options.signal?.throwIfAborted?.();
      await this.store
        .setRunProgress({ runId, query, stage: plugin.name, startedAt: createdAt })
        .catch(() => undefined); // progress is best effort; the run itself is persisted at the end
      options.onProgress?.({ runId, stage: plugin.name, phase: 'start' });
      const t0 = performance.now();
      const stageLog = runLog.child({ stage: plugin.name });
      try {
        const outcome = await this.runStage(plugin, { runId, query, options, outputs: { ...outputs }, logger: stageLog });
        const durationMs = round(performance.now() - t0);
        outputs[plugin.name] = outcome.output;
        const status = outcome.status ?? 'completed';
        stages.push({ name: plugin.name, status, durationMs, confidence: clamp01(outcome.confidence) });
        if (outcome.decline) declined = outcome.decline;
        options.onProgress?.({ runId, stage: plugin.name, phase: 'end', status, durationMs });
      } catch (e) {
        const durationMs = round(performance.now() - t0);
        if (e instanceof KernelError && e.code === 'ABORTED') throw e;
        const message = e instanceof Error ? e.message : String(e);
        if (e instanceof StageFailure) {
          if (e.output !== undefined) outputs[plugin.name] = e.output;
          stageLog.info({ reason: message }, 'stage failed');
        } else {
          stageLog.error({ err: e }, 'stage crashed');
        }
        failed = true;
        stages.push({ name: plugin.name, status: 'failed', durationMs, confidence: 0, error: message });
        options.onProgress?.({ runId, stage: plugin.name, phase: 'end', status: 'failed', durationMs });
      }
    }
    await this.store.clearRunProgress(runId).catch(() => undefined);
    return this.assemble({ runId, query, createdAt, started, outputs, stages, declined, sandboxKind });
  }

  private async runStage(plugin: StagePlugin, base: Omit<StageContext, 'signal'>): Promise<Awaited<ReturnType<StagePlugin['run']>>> {
    const timeoutMs = base.options.stageTimeoutMs ?? this.config.sandbox.executionTimeoutS * 1000 + STAGE_MARGIN_MS;
    const controller = new AbortController();
    const parent = base.options.signal;
    const onParentAbort = (): void => controller.abort(parent?.reason);
    parent?.addEventListener('abort', onParentAbort, { once: true });
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        controller.abort(new Error('stage timeout'));
        reject(new StageFailure(`stage "${plugin.name}" did not finish within ${timeoutMs} ms (stageTimeoutMs)`));
      }, timeoutMs);
      controller.signal.addEventListener('abort', () => {
        if (parent?.aborted) reject(new KernelError('ABORTED', 'reason() was aborted by its AbortSignal', { cause: parent.reason }));
      }, { once: true });
    });
    try {
      return await Promise.race([plugin.run({ ...base, signal: controller.signal }), deadline]);
    } finally {
      clearTimeout(timer);
      parent?.removeEventListener('abort', onParentAbort);
    }
  }

  private assemble(a: {
    runId: string;
    query: string;
    createdAt: string;
    started: number;
    outputs: Partial<Record<StageName, unknown>>;
    stages: StageReport[];
    declined?: { reason: string };
    sandboxKind: 'local' | 'daytona';
  }): ReasoningResult {
    const synth = a.outputs.synthesize as SynthesizeOutput | undefined;
    const infer = a.outputs.infer as Partial<InferOutput> | undefined;
    const inferStage = a.stages.find((s) => s.name === 'infer');
    const success = !a.declined && inferStage?.status === 'completed' && infer?.answer !== undefined;
    // Skipped stages (e.g. retrieve on the LLM path) contribute nothing, neither trust nor doubt.
    const overallConfidence = success ? round(a.stages.filter((s) => s.status === 'completed').reduce((p, s) => p * s.confidence, 1), 4) : 0;
    // After LLM repairs the program that ran is infer's, not synthesize's first draft.
    const program = (a.outputs.infer as { program?: SynthesizeOutput['program'] } | undefined)?.program ?? synth?.program;
    const execution = infer?.execution ?? (a.outputs.infer as { execution?: InferOutput['execution'] } | undefined)?.execution;
    return {
      id: a.runId,
      query: a.query,
      success,
      overallConfidence,
      ...(success && infer?.answer ? { answer: infer.answer } : {}),
      estimates: success ? (infer?.estimates ?? []) : [],
      ...(a.declined ? { declined: a.declined } : {}),
      stages: a.stages,
      ...(program ? { program } : {}),
      ...(execution ? { execution } : {}),
      backend: { reasoning: synth?.reasoner ?? 'embedded', sandbox: execution?.metadata.sandboxType ?? a.sandboxKind },
      durationMs: round(performance.now() - a.started),
      createdAt: a.createdAt,
    };
  }
}

function clamp01(x: number): number {
  return Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0;
}

function round(x: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
