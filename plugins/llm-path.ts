/**
 * The LLM path through the stages (LLM mode only): when the embedded parser does not recognise a
 * question, parse asks the `LlmReasoner` for a structured analysis and the later stages follow
 * it: retrieve is skipped, graph takes the model's graph (checked acyclic), synthesize asks for a
 * program, infer runs it with the repair loop.
 */
import type { InferOutput, SynthesizeOutput } from '../src/kernel/contracts.js';
import type { LlmAnalysisResult } from '../src/llm/llm-reasoner.js';
import type { LlmProgram } from '../src/llm/llm-schemas.js';

/** The parse stage's output on the LLM path. */
export interface LlmParseOutput {
  source: 'llm';
  llm: LlmAnalysisResult;
  /** Why the embedded parser passed the question on. */
  embeddedDecline: string;
}

/** The synthesize stage's output on the LLM path. */
export interface LlmSynthesizeOutput extends SynthesizeOutput {
  reasoner: 'llm';
  llmProgram: LlmProgram;
}

/** The infer stage's output on the LLM path: after repairs, the program that ran is not synthesize's. */
export interface LlmInferOutput extends InferOutput {
  program: { language: 'python'; code: string; model: string };
}

export function isLlmParse(output: unknown): output is LlmParseOutput {
  return typeof output === 'object' && output !== null && (output as { source?: unknown }).source === 'llm' && 'llm' in output;
}

export function isLlmSynthesis(output: unknown): output is LlmSynthesizeOutput {
  return typeof output === 'object' && output !== null && (output as { reasoner?: unknown }).reasoner === 'llm' && 'llmProgram' in output;
}

/**
 * Embedded declines an LLM may overturn: the question was not recognised, or numbers were left
 * unexplained. Declines for inconsistent or missing data stand (a model must not invent data).
 */
export function llmMayRetry(decline: { reason: string; family?: string }): boolean {
  return decline.family === undefined || /embedded reasoner/i.test(decline.reason);
}

/** Appended to embedded declines when no LLM is configured. */
export const NO_LLM_HINT = ' (An LLM can try questions the embedded reasoner does not recognise: set RK_LLM_BASE_URL and RK_LLM_MODEL.)';
