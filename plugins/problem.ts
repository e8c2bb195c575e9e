/**
 * The structured problem: the seam between understanding a question and computing its answer.
 * The embedded parser produces it; an LLM parser may produce the same shape (validate it with
 * `problemSchema`). Everything downstream (retrieve, graph, synthesize) reads only this.
 *
 * All quantities are already converted: probabilities are fractions, exposures, windows,
 * thresholds and durations are expressed in the asked unit.
 */
import { z } from 'zod';

export const FAMILIES = [
  'binomial',
  'two-proportions',
  'poisson',
  'normal-mean',
  'bayes-rule',
  'categorical',
  'exponential',
  'model-comparison',
] as const;

export type Family = (typeof FAMILIES)[number];

const count = z.number().int().min(0);
const fraction = z.number().min(0).max(1);
const positive = z.number().positive();
const comparison = z.enum(['greater', 'less']);

export const binomialProblemSchema = z.object({
  family: z.literal('binomial'),
  successes: count,
  trials: z.number().int().min(1),
  /** What a success is ("heads", "conversion"), for the answer text. */
  successLabel: z.string(),
  target: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('mean') }),
    z.object({ kind: z.literal('interval') }),
    z.object({ kind: z.literal('predictive') }),
    z.object({ kind: z.literal('prob-p'), comparison, threshold: fraction }),
  ]),
});

const groupSchema = z.object({ label: z.string(), successes: count, trials: z.number().int().min(1) });

export const twoProportionsProblemSchema = z.object({
  family: z.literal('two-proportions'),
  groups: z.tuple([groupSchema, groupSchema]),
  target: z.discriminatedUnion('kind', [
    /** P(p[first] > p[second]). */
    z.object({ kind: z.literal('prob-greater'), first: z.union([z.literal(0), z.literal(1)]), second: z.union([z.literal(0), z.literal(1)]) }),
    /** Posterior mean of p[minuend] - p[subtrahend]. */
    z.object({ kind: z.literal('difference'), minuend: z.union([z.literal(0), z.literal(1)]), subtrahend: z.union([z.literal(0), z.literal(1)]) }),
  ]),
});

export const poissonProblemSchema = z.object({
  family: z.literal('poisson'),
  events: count,
  /** Exposure in asked units. */
  exposure: positive,
  /** The unit the answer is expressed in ("hour"); the rate is per one of these. */
  unit: z.string(),
  /** Unit the exposure was stated in, for the text. */
  exposureUnit: z.string(),
  /** What is counted ("calls"). */
  eventLabel: z.string(),
  target: z.discriminatedUnion('kind', [
    /** Posterior mean of the expected count in `window` units (1 = the rate). */
    z.object({ kind: z.literal('rate'), window: positive }),
    z.object({ kind: z.literal('prob-rate'), comparison, threshold: z.number().min(0) }),
    /** Posterior predictive probability of no event in `window` units. */
    z.object({ kind: z.literal('prob-none'), window: positive }),
    /** Posterior predictive probability of at least one event in `window` units (1 - P(none)). */
    z.object({ kind: z.literal('prob-at-least-one'), window: positive }),
  ]),
});

export const normalMeanProblemSchema = z.object({
  family: z.literal('normal-mean'),
  values: z.array(z.number()).min(2),
  unit: z.string(),
  target: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('mean') }),
    z.object({ kind: z.literal('prob-mean'), comparison, threshold: z.number() }),
  ]),
});

export const bayesRuleProblemSchema = z.object({
  family: z.literal('bayes-rule'),
  prevalence: fraction,
  sensitivity: fraction,
  falsePositiveRate: fraction,
  result: z.enum(['positive', 'negative']),
  /** The condition ("disease", "spam", "blue cab"). */
  conditionLabel: z.string(),
  /** The question asks for the absence of the condition: value = 1 - P(condition | result). */
  complement: z.boolean(),
});

export const categoricalProblemSchema = z.object({
  family: z.literal('categorical'),
  categoryCount: z.number().int().min(2),
  total: count,
  /** Count of the asked category, or the summed counts when several are asked ("an even number"). */
  askedCount: count,
  askedLabel: z.string(),
  /** How many categories the question asks about together (1 unless "an odd number", "not a six" ...). */
  askedCategories: z.number().int().min(1).optional(),
  /** All category counts when listed (length = categoryCount), else null. */
  counts: z.array(count).nullable(),
});

export const exponentialProblemSchema = z.object({
  family: z.literal('exponential'),
  count: z.number().int().min(1),
  /** Total observed time, in asked units. */
  totalTime: positive,
  unit: z.string(),
  target: z.discriminatedUnion('kind', [
    z.object({ kind: z.literal('rate') }),
    z.object({ kind: z.literal('mean-lifetime') }),
    /** P(next > duration), duration in asked units. */
    z.object({ kind: z.literal('prob-longer'), duration: positive }),
    /** P(next <= duration): the next one ends (fails, arrives) within the duration. */
    z.object({ kind: z.literal('prob-shorter'), duration: positive }),
  ]),
});

export const modelComparisonProblemSchema = z.object({
  family: z.literal('model-comparison'),
  successes: count,
  trials: z.number().int().min(1),
  successLabel: z.string(),
  /** The hypothesis the question names: "fair" → P(H0 | data), "biased" → P(H1 | data). */
  hypothesis: z.enum(['fair', 'biased']),
});

export const problemSchema = z.discriminatedUnion('family', [
  binomialProblemSchema,
  twoProportionsProblemSchema,
  poissonProblemSchema,
  normalMeanProblemSchema,
  bayesRuleProblemSchema,
  categoricalProblemSchema,
  exponentialProblemSchema,
  modelComparisonProblemSchema,
]);

export type Problem = z.infer<typeof problemSchema>;
export type ProblemOf<F extends Family> = Extract<Problem, { family: F }>;

/** A confidence penalty the parser applied, with why (shown in the parse output). */
export interface ParsePenalty {
  reason: string;
  factor: number;
}

/** A number found in the question and what the parser did with it. */
export interface QuantityNote {
  text: string;
  value: number;
  role: string;
}

/** What the parse stage outputs when it understood the question. */
export interface ParseOutput {
  problem: Problem;
  /** Who produced the problem. */
  source: 'embedded' | 'llm';
  quantities: QuantityNote[];
  /** Spelling corrections applied before parsing ("fliped" → "flipped"). */
  corrections: { from: string; to: string }[];
  penalties: ParsePenalty[];
  /** Families whose cues appeared, best first, with their scores (model fit evidence for retrieve). */
  familyScores: { family: Family; score: number }[];
  /** The normalised text the parser worked on. */
  normalizedText: string;
  /** Interval mass the question asks for ("90% credible interval"); overrides the option. */
  requestedIntervalMass?: number;
}
