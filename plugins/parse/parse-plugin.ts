import { injectable } from 'inversify';
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

  async run(context: StageContext): Promise<StageOutcome> {
    const result = parseQuestion(context.query);
    if (result.kind === 'declined') {
      return {
        output: { normalizedText: result.normalizedText, corrections: result.corrections, family: result.family ?? null },
        confidence: 0,
        decline: { reason: result.reason },
      };
    }
    context.logger.debug({ family: result.output.problem.family, confidence: result.confidence }, 'question parsed');
    return { output: result.output, confidence: result.confidence };
  }
}
