/** Shorthands for parser tests: the problem of an understood question, or the reason of a decline. */
import { parseQuestion } from '../../plugins/parse/question-parser.js';
import type { Problem } from '../../plugins/problem.js';

export function problemOf(question: string): Problem {
  const result = parseQuestion(question);
  if (result.kind !== 'understood') throw new Error(`declined: ${result.reason}`);
  return result.output.problem;
}

export function declineOf(question: string): string {
  const result = parseQuestion(question);
  if (result.kind !== 'declined') throw new Error(`answered: ${JSON.stringify(result.output.problem)}`);
  return result.reason;
}
