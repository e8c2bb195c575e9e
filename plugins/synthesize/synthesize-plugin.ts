import { inject, injectable, optional } from 'inversify';
import { LlmReasoner } from '../../src/llm/llm-reasoner.js';
import { StageFailure } from '../../src/kernel/stage-failure.js';
import { isLlmParse, type LlmSynthesizeOutput } from '../llm-path.js';
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

  constructor(@inject(LlmReasoner) @optional() private readonly llm?: LlmReasoner) {}

  async run(context: StageContext): Promise<StageOutcome> {
    const raw = requireOutput<unknown>(context, 'parse');
    if (isLlmParse(raw)) {
      if (!this.llm) throw new StageFailure('The question was analysed by an LLM but no LLM is configured now (RK_LLM_BASE_URL, RK_LLM_MODEL).');
      const { intervalMass, seed, prior } = context.options;
      const program = await this.llm.synthesize(context.query, raw.llm.analysis, { intervalMass, seed, prior, signal: context.signal });
      const output: LlmSynthesizeOutput = {
        program: { language: 'python', code: program.code, model: program.model },
        reasoner: 'llm',
        llmProgram: program,
      };
      // Exact methods deserve more trust than sampling the model chose without an error estimate.
      return { output, confidence: program.method === 'closed-form' || program.method === 'quadrature' ? 1 : 0.9 };
    }
    const parse = raw as ParseOutput;
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
