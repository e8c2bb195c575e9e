/**
 * Typed access to earlier stage outputs. The runner passes them as `unknown`; each stage knows
 * what its predecessors produce, and a missing one is a wiring error worth a clear message.
 */
import type { StageName } from '../src/kernel/contracts.js';
import type { StageContext } from '../src/kernel/tokens.js';
import { StageFailure } from '../src/kernel/stage-failure.js';

/** The output of an earlier stage; throws a `StageFailure` when it is missing. */
export function requireOutput<T>(context: StageContext, stage: StageName): T {
  const output = context.outputs[stage];
  if (output === undefined || output === null) {
    throw new StageFailure(`The ${stage} stage produced no output; it must run (and succeed) before this stage.`);
  }
  return output as T;
}
