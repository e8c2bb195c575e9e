import { injectable } from 'inversify';
import type { SynthesizeOutput } from '../../src/kernel/contracts.js';
import type { StageContext, StageOutcome, StagePlugin } from '../../src/kernel/tokens.js';
import type { ParseOutput } from '../problem.js';
import type { RetrieveOutput } from '../retrieve/retrieve-plugin.js';
import { requireOutput } from '../stage-outputs.js';
import { synthesizeProgram } from './embedded-synthesizer.js';

/** What the synthesize stage outputs (the contract's part plus what infer needs). */
export interface EmbeddedSynthesizeOutput extends SynthesizeOutput {
  method: 'closed-form' | 'quadrature';
  draws: number;
  intervalMass: number;
}

/**
 * Synthesize: writes the Python program for the problem (exact closed forms; quadrature plus
 * seeded draws for two proportions). Confidence is the expected inference quality: 1 for closed
 * forms, 1 - 0.5/sqrt(draws) where draws enter an estimate.
 */
@injectable()
export class SynthesizePlugin implements StagePlugin {
  readonly name = 'synthesize' as const;

  async run(context: StageContext): Promise<StageOutcome> {
    const parse = requireOutput<ParseOutput>(context, 'parse');
    const retrieve = requireOutput<RetrieveOutput>(context, 'retrieve');
    const intervalMass = parse.requestedIntervalMass ?? context.options.intervalMass;
    const result = synthesizeProgram(parse.problem, retrieve.prior, { intervalMass, seed: context.options.seed });
    if (result.kind === 'decline') return { output: null, confidence: 0, decline: { reason: result.reason } };
    const { program } = result;
    const output: EmbeddedSynthesizeOutput = {
      program: { language: 'python', code: program.code, model: program.model },
      reasoner: parse.source,
      method: program.method,
      draws: program.draws,
      intervalMass,
    };
    const confidence = program.draws > 0 ? 1 - 0.5 / Math.sqrt(program.draws) : 1;
    return { output, confidence };
  }
}
