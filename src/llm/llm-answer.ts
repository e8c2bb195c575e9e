/**
 * The infer stage's output for an LLM-written program that ran and passed the result-line check.
 * The sentence states the quantity, the model (and so its prior, which the prompt asks the model to
 * name) and the credible interval, and says that a model wrote the program. Pure.
 */
import type { InferOutput } from '../kernel/contracts.js';
import { fmt } from '../../plugins/infer/answer-text.js';
import type { ProgramOutcome } from './llm-reasoner.js';

/** Builds `InferOutput` (answer, estimates, execution, diagnostics) from an answered outcome. */
export function llmInferOutput(outcome: Extract<ProgramOutcome, { status: 'answered' }>): InferOutput {
  const { parsedResult, execution, program, answerQuantity, attempts } = outcome;
  const estimates = parsedResult.estimates.map((e) => ({ ...e, interval: [e.interval[0], e.interval[1]] as [number, number] }));
  const main = estimates[0];
  const value = parsedResult.answer.value;
  const ci = `${Math.round(main.intervalMass * 100)}% credible interval of ${main.name} ${fmt(main.interval[0])}–${fmt(main.interval[1])}`;
  const quantity = answerQuantity.trim() || 'the requested quantity';
  const rounds = attempts.length === 1 ? '' : `, after ${attempts.length - 1} repair${attempts.length === 2 ? '' : 's'}`;
  const text = `${quantity.charAt(0).toUpperCase()}${quantity.slice(1)}: ${fmt(value)} (${program.model}; ${ci}; program written by the LLM${rounds}).`;
  return {
    answer: { text, value, quantity },
    estimates,
    execution,
    diagnostics: { ...parsedResult.diagnostics, llmRounds: attempts.length },
  };
}
