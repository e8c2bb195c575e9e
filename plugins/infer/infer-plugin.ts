import { inject, injectable, optional } from 'inversify';
import { LlmReasoner } from '../../src/llm/llm-reasoner.js';
import { llmInferOutput } from '../../src/llm/llm-answer.js';
import { isLlmParse, isLlmSynthesis, type LlmInferOutput } from '../llm-path.js';
import type { ExecutionResult, InferOutput } from '../../src/kernel/contracts.js';
import { StageFailure } from '../../src/kernel/stage-failure.js';
import { TOKENS, type SandboxService, type StageContext, type StageOutcome, type StagePlugin } from '../../src/kernel/tokens.js';
import type { ParseOutput } from '../problem.js';
import type { RetrieveOutput } from '../retrieve/retrieve-plugin.js';
import { requireOutput } from '../stage-outputs.js';
import type { EmbeddedSynthesizeOutput } from '../synthesize/synthesize-plugin.js';
import { answerIsProbability, describeAnswer } from './answer-text.js';
import { parseResultLine } from './result-line.js';

function tail(text: string, chars = 600): string {
  const t = text.trim();
  return t.length <= chars ? t : `…${t.slice(-chars)}`;
}

/**
 * Inference quality measured from the program's diagnostics: the quadrature error estimate and
 * the Monte Carlo cross-check (1 when exact).
 */
export function diagnosticsQuality(diagnostics: Record<string, unknown>): number {
  let quality = 1;
  const num = (k: string) => (typeof diagnostics[k] === 'number' ? (diagnostics[k] as number) : undefined);
  const quadError = num('quadratureError');
  if (quadError !== undefined) quality *= 1 - Math.min(0.5, quadError * 1e3);
  const se = num('mcStandardError');
  if (se !== undefined) quality *= 1 - Math.min(0.5, se * 5);
  const check = num('mcCheck');
  // Quadrature and draws disagreeing by more than 4 standard errors means one of them is wrong.
  if (check !== undefined && se !== undefined && check > 4 * se + 1e-6) quality *= 0.6;
  return quality;
}

/**
 * Infer: runs the synthesized program through the `SandboxService` (validation, limits, cache,
 * the bound executor), checks its result line with zod and fills the answer and estimates. A
 * program that fails, times out or is refused fails the stage with its execution attached.
 */
@injectable()
export class InferPlugin implements StagePlugin {
  readonly name = 'infer' as const;

  constructor(
    @inject(TOKENS.SandboxService) private readonly sandbox: SandboxService,
    @inject(LlmReasoner) @optional() private readonly llm?: LlmReasoner,
  ) {}

  async run(context: StageContext): Promise<StageOutcome> {
    const raw = requireOutput<unknown>(context, 'parse');
    if (isLlmParse(raw)) return this.runLlmProgram(context, raw.llm.analysis);
    const parse = raw as ParseOutput;
    const retrieve = requireOutput<RetrieveOutput>(context, 'retrieve');
    const synth = requireOutput<EmbeddedSynthesizeOutput>(context, 'synthesize');
    const execution: ExecutionResult = await this.sandbox.execute({
      code: synth.program.code,
      cache: context.options.cache,
      signal: context.signal,
    });
    const fail = (message: string): never => {
      throw new StageFailure(message, { output: { execution } });
    };
    if (execution.status === 'security_violation') {
      const rules = (execution.violations ?? []).map((v) => `${v.rule} at ${v.line}:${v.column}`).join(', ');
      fail(`The sandbox refused the program (${rules || 'validation failed'}).`);
    }
    if (execution.status !== 'completed') {
      fail(`The program did not complete (status ${execution.status}${execution.metadata.reason ? `: ${execution.metadata.reason}` : ''}). ${tail(execution.stderr || execution.stdout)}`.trim());
    }
    const parsed = parseResultLine(execution.stdout);
    if (!parsed.ok) fail(`The program ran but ${parsed.error}.`);
    const line = (parsed as Extract<typeof parsed, { ok: true }>).value;
    const value = line.answer.value;
    if (answerIsProbability(parse.problem) && (value < -1e-12 || value > 1 + 1e-12)) {
      fail(`The program returned ${value} for a probability; expected a value in 0..1.`);
    }
    const estimates = line.estimates.map((e) => ({ ...e, interval: [e.interval[0], e.interval[1]] as [number, number] }));
    const clamped = answerIsProbability(parse.problem) ? Math.min(1, Math.max(0, value)) : value;
    const { quantity, text } = describeAnswer(parse.problem, clamped, retrieve.prior.label, estimates);
    const output: InferOutput = {
      answer: { text, value: clamped, quantity },
      estimates,
      execution,
      diagnostics: line.diagnostics,
    };
    return { output, confidence: diagnosticsQuality(line.diagnostics) };
  }

  /** LLM path: run the model's program with the repair loop (validation or runtime errors fed back). */
  private async runLlmProgram(context: StageContext, analysis: Parameters<LlmReasoner['runProgram']>[1]): Promise<StageOutcome> {
    const synth = requireOutput<unknown>(context, 'synthesize');
    if (!this.llm || !isLlmSynthesis(synth)) throw new StageFailure('The LLM path needs an LLM program from the synthesize stage and a configured LLM.');
    const { intervalMass, seed, prior, cache } = context.options;
    const outcome = await this.llm.runProgram(context.query, analysis, synth.llmProgram, { intervalMass, seed, prior, cache, signal: context.signal });
    if (outcome.status === 'failed') {
      throw new StageFailure(outcome.failure.reason, { output: { execution: outcome.execution, program: outcome.program } });
    }
    const output: LlmInferOutput = { ...llmInferOutput(outcome), program: outcome.program };
    return { output, confidence: outcome.confidence };
  }
}
