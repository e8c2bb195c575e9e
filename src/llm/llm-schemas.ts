/**
 * The shapes the LLM must return, as zod schemas (the single source for both the JSON Schema
 * sent to the server and the check on our side). Free-text fields stay free text: they are shown
 * to people and sent back to the model, never executed or interpolated into code.
 */
import { z } from 'zod';
import { topologicalOrder } from '../../plugins/graph/dependency-graph.js';

const finite = z.number().refine(Number.isFinite, 'must be a finite number');

export const llmQuantitySchema = z.object({
  name: z.string().min(1).describe('short identifier, e.g. "heads" or "exposure_hours"'),
  value: finite.describe('the number as a plain number; percentages as written (e.g. 35 for "35%"), with unit "%"'),
  unit: z.string().nullable().describe('unit as stated ("hours", "%", "mg"); null for plain counts'),
  role: z.string().describe('what the number is in the problem ("number of trials"); "irrelevant" for distractors'),
});

export const llmGraphNodeSchema = z.object({
  id: z.string().min(1),
  kind: z.enum(['latent', 'observed', 'derived', 'constant']),
  definition: z.string().describe('distribution or definition, e.g. "Beta(1, 1)", "Binomial(20, p) = 14", "P(p > 0.5)"'),
});

export const llmGraphSchema = z.object({
  nodes: z.array(llmGraphNodeSchema),
  edges: z.array(z.object({ from: z.string(), to: z.string() })).describe('parent -> child'),
  target: z.string().describe('id of the node the question asks about'),
});

/** The structured problem and its dependency graph (one round-trip). */
export const llmAnalysisSchema = z
  .object({
    decline: z
      .object({ reason: z.string().min(1) })
      .nullable()
      .describe('set when the text is not a probabilistic question, lacks data, or is inconsistent; else null'),
    family: z.string().describe('the model family in plain words, e.g. "beta-binomial", "gamma-poisson rate"'),
    summary: z.string().describe('one sentence restating the problem'),
    quantities: z.array(llmQuantitySchema).describe('every number in the question, distractors included'),
    observations: z.array(z.string()).describe('what was observed, as plain statements'),
    question: z.string().describe('the question asked, restated'),
    target: z.object({
      name: z.string(),
      description: z.string().describe('what the answer value is, e.g. "posterior mean of the heads probability"'),
      isProbability: z.boolean().describe('true when the answer is a probability (a fraction in 0..1)'),
      unit: z.string().nullable(),
    }),
    latentVariables: z.array(z.object({ name: z.string(), description: z.string(), prior: z.string() })),
    graph: llmGraphSchema,
    missingData: z.array(z.string()).describe('data the question needs but does not give (not assumptions such as a default prior)'),
    inconsistencies: z.array(z.string()).describe('contradictions: more successes than trials, negative counts, rates above 100%'),
    assumptions: z.array(z.string()).describe('assumptions made, e.g. "uniform Beta(1, 1) prior"'),
  })
  .superRefine((a, ctx) => {
    if (a.decline !== null) return;
    const ids = a.graph.nodes.map((n) => n.id);
    if (ids.length === 0) ctx.addIssue({ code: 'custom', path: ['graph', 'nodes'], message: 'the graph needs at least one node' });
    if (new Set(ids).size !== ids.length) ctx.addIssue({ code: 'custom', path: ['graph', 'nodes'], message: 'node ids must be unique' });
    if (!ids.includes(a.graph.target)) ctx.addIssue({ code: 'custom', path: ['graph', 'target'], message: `target "${a.graph.target}" is not a node id` });
    const dangling = a.graph.edges.filter((e) => !ids.includes(e.from) || !ids.includes(e.to));
    if (dangling.length > 0) {
      ctx.addIssue({ code: 'custom', path: ['graph', 'edges'], message: `edges refer to unknown nodes: ${dangling.map((e) => `${e.from}->${e.to}`).join(', ')}` });
    } else if (topologicalOrder(a.graph) === null) {
      ctx.addIssue({ code: 'custom', path: ['graph', 'edges'], message: 'the graph has a cycle; a dependency graph must be acyclic' });
    }
  });

export type LlmAnalysis = z.infer<typeof llmAnalysisSchema>;

/** A synthesized (or repaired) program. */
export const llmProgramSchema = z.object({
  model: z.string().min(1).describe('the statistical model in a few words, e.g. "Beta-Binomial, uniform prior"'),
  method: z.enum(['closed-form', 'quadrature', 'monte-carlo', 'mixed']),
  answerQuantity: z.string().describe('what answer.value is, in plain words'),
  code: z.string().min(1).describe('the complete Python program'),
});

export type LlmProgram = z.infer<typeof llmProgramSchema>;
