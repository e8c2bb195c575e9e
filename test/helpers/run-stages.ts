/** Test helper: runs stage plugins in order the way the pipeline runner does, without the kernel. */
import { pino } from 'pino';
import type { StageName } from '../../src/kernel/contracts.js';
import { StageFailure } from '../../src/kernel/stage-failure.js';
import type { ReasonOptions, StagePlugin } from '../../src/kernel/tokens.js';

export interface StagesRun {
  outputs: Partial<Record<StageName, unknown>>;
  confidences: Partial<Record<StageName, number>>;
  declined?: { stage: StageName; reason: string };
  failed?: { stage: StageName; message: string; output?: unknown };
}

export async function runStages(plugins: StagePlugin[], query: string, options: Partial<ReasonOptions> = {}): Promise<StagesRun> {
  const outputs: Partial<Record<StageName, unknown>> = {};
  const confidences: Partial<Record<StageName, number>> = {};
  const controller = new AbortController();
  const resolved = { prior: options.prior ?? 'uniform', intervalMass: options.intervalMass ?? 0.95, seed: options.seed ?? 42, ...options } as const;
  for (const plugin of plugins) {
    try {
      const outcome = await plugin.run({ runId: 'test', query, options: resolved, outputs, signal: controller.signal, logger: pino({ level: 'silent' }) });
      outputs[plugin.name] = outcome.output;
      confidences[plugin.name] = outcome.confidence;
      if (outcome.decline) return { outputs, confidences, declined: { stage: plugin.name, reason: outcome.decline.reason } };
    } catch (e) {
      if (e instanceof StageFailure) return { outputs, confidences, failed: { stage: plugin.name, message: e.message, output: e.output } };
      throw e;
    }
  }
  return { outputs, confidences };
}
