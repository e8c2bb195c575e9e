import { inject, injectable, optional } from 'inversify';
import { LlmReasoner } from '../../src/llm/llm-reasoner.js';
import { type LlmParseOutput, llmMayRetry, NO_LLM_HINT } from '../llm-path.js';
import type { StageContext, StageOutcome, StagePlugin } from '../../src/kernel/tokens.js';
import { parseQuestion } from './question-parser.js';

/**
 * Parse: the question → a structured `Problem` (quantities with units, the asked quantity) with
 * the embedded rules, or a decline that says what is wrong (not probabilistic, missing data,
 * inconsistent data, not recognised). Confidence is how completely the question was understood:
 * the product of the parser's penalties (unexplained or distractor numbers, spelling fixes,
 * guesses). An LLM fallback plugs in here: it produces the same `ParseOutput` (validate its
 * problem with `problemSchema`) when the embedded parser declines as "not recognised".
 */
@injectable()
export class ParsePlugin implements StagePlugin {
  readonly name = 'parse' as const;

  constructor(@inject(LlmReasoner) @optional() private readonly llm?: LlmReasoner) {}

  async run(context: StageContext): Promise<StageOutcome> {
    const result = parseQuestion(context.query);
    if (result.kind === 'declined') {
      const retry = llmMayRetry(result);
      if (retry && this.llm) {
        const analysis = await this.llm.analyze(context.query, context.signal);
        if (analysis.decline) return { output: { source: 'llm', normalizedText: result.normalizedText }, confidence: 0, decline: analysis.decline };
        const output: LlmParseOutput = { source: 'llm', llm: analysis, embeddedDecline: result.reason };
        context.logger.debug({ family: analysis.analysis.family, confidence: analysis.confidence }, 'question analysed by the LLM');
        return { output, confidence: analysis.confidence };
      }
      return {
        output: { normalizedText: result.normalizedText, corrections: result.corrections, family: result.family ?? null },
        confidence: 0,
        decline: { reason: retry ? `${result.reason}${NO_LLM_HINT}` : result.reason },
      };
    }
    context.logger.debug({ family: result.output.problem.family, confidence: result.confidence }, 'question parsed');
    return { output: result.output, confidence: result.confidence };
  }
}
