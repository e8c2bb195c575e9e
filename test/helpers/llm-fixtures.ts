/**
 * Scripted model replies for the LLM-mode suites: a valid analysis of the coin question and
 * programs that succeed, get refused, crash, or break the result-line contract.
 */
import type { LlmAnalysis, LlmProgram } from '../../src/llm/llm-schemas.js';

export const COIN_QUESTION = 'A coin is flipped 20 times with 14 heads observed. What is the probability of heads?';

/** A complete, valid analysis of the coin question; override the part a test cares about. */
export function buildAnalysis(overrides: Partial<LlmAnalysis> = {}): LlmAnalysis {
  return {
    decline: null,
    family: 'beta-binomial',
    summary: 'Estimate the heads probability of a coin from 14 heads in 20 flips.',
    quantities: [
      { name: 'flips', value: 20, unit: null, role: 'number of trials' },
      { name: 'heads', value: 14, unit: null, role: 'number of successes' },
    ],
    observations: ['14 heads in 20 flips'],
    question: 'What is the probability of heads?',
    target: { name: 'p', description: 'posterior mean of the heads probability', isProbability: true, unit: null },
    latentVariables: [{ name: 'p', description: 'heads probability', prior: 'Beta(1, 1)' }],
    graph: {
      nodes: [
        { id: 'p', kind: 'latent', definition: 'Beta(1, 1)' },
        { id: 'k', kind: 'observed', definition: 'Binomial(20, p) = 14' },
        { id: 'answer', kind: 'derived', definition: 'E[p | k]' },
      ],
      edges: [
        { from: 'p', to: 'k' },
        { from: 'p', to: 'answer' },
        { from: 'k', to: 'answer' },
      ],
      target: 'answer',
    },
    missingData: [],
    inconsistencies: [],
    assumptions: ['uniform Beta(1, 1) prior'],
    ...overrides,
  };
}

export const analysisReply = (overrides: Partial<LlmAnalysis> = {}): string => JSON.stringify(buildAnalysis(overrides));

/** Posterior Beta(15, 7): mean 15/22. */
export const COIN_POSTERIOR_MEAN = 15 / 22;

export const GOOD_PROGRAM = `import json
from scipy import stats

MASS = 0.95
post = stats.beta(15, 7)
lo, hi = post.interval(MASS)
est = {"name": "p", "description": "heads probability", "mean": float(post.mean()), "sd": float(post.std()),
       "interval": [float(lo), float(hi)], "intervalMass": MASS}
print("RK_RESULT " + json.dumps({"estimates": [est], "answer": {"value": float(post.mean())},
                                 "diagnostics": {"method": "closed-form"}}))
`;

/** Refused by the validator before running: a module outside the allowlist. */
export const REFUSED_PROGRAM = `import os
import json
print("RK_RESULT " + json.dumps({"cwd": os.getcwd()}))
`;

/** Passes validation, then crashes at run time. */
export const CRASHING_PROGRAM = `import json
from scipy import stats

post = stats.beta(15, 7)
ratio = 1 / 0
print("RK_RESULT " + json.dumps({"answer": {"value": ratio}}))
`;

/** Runs fine but never prints the result line. */
export const SILENT_PROGRAM = `from scipy import stats

print(float(stats.beta(15, 7).mean()))
`;

/** Prints a probability as a percentage. */
export const PERCENT_PROGRAM = GOOD_PROGRAM.replace('"answer": {"value": float(post.mean())}', '"answer": {"value": 100 * float(post.mean())}');

export function programReply(code: string, overrides: Partial<LlmProgram> = {}): string {
  const program: LlmProgram = { model: 'Beta-Binomial, uniform prior', method: 'closed-form', answerQuantity: 'posterior mean of the heads probability', code, ...overrides };
  return JSON.stringify(program);
}
