import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/**
 * The question corpus: the product's quality bar (issue 4). One JSON file per family in this folder,
 * one question per line; `expect` is written by `compute_expected.py` from each item's `data`,
 * independently of the reasoner. The meaning of every value is /work/notes/answer-spec.md.
 */

/** The eight model families the embedded reasoner must answer. */
export const CORPUS_FAMILIES = [
  'binomial',
  'two_proportions',
  'poisson_rate',
  'normal_mean',
  'bayes_rule',
  'categorical',
  'exponential',
  'model_comparison',
] as const;

export type CorpusFamily = (typeof CORPUS_FAMILIES)[number];

/** Why a decline question must be declined. */
export const DECLINE_REASONS = [
  'not_probabilistic',
  'missing_data',
  'more_successes_than_trials',
  'negative_count',
  'percentage_above_100',
  'counts_do_not_add_up',
  'zero_exposure',
  'nonsense',
  /** Two groups and a question for "the rate" that neither names one nor compares them. */
  'ambiguous',
] as const;

const valueExpectationSchema = z.strictObject({
  value: z.number(),
  /** Absolute tolerance on `answer.value` (relative tolerances are already converted). */
  tolerance: z.number(),
  /** What the value is, for humans reading a failure. */
  quantity: z.string(),
  /** For credible-interval questions: the expected `estimates[0].interval`. */
  interval: z.tuple([z.number(), z.number()]).optional(),
  intervalMass: z.number().optional(),
  intervalTolerance: z.number().optional(),
});

const declineExpectationSchema = z.strictObject({ declined: z.literal(true) });

const itemSchema = z.strictObject({
  id: z.string().regex(/^[a-z_]+-\d{2,3}$/),
  family: z.enum([...CORPUS_FAMILIES, 'decline']),
  question: z.string().min(1),
  prior: z.enum(['uniform', 'jeffreys']).optional(),
  expect: z.union([valueExpectationSchema, declineExpectationSchema]),
  data: z.record(z.string(), z.unknown()),
  note: z.string().optional(),
});

export type CorpusItem = z.infer<typeof itemSchema>;
export type ValueExpectation = z.infer<typeof valueExpectationSchema>;

/** Narrows an item to one that expects a number. */
export function expectsValue(item: CorpusItem): item is CorpusItem & { expect: ValueExpectation } {
  return 'value' in item.expect;
}

/** Folder holding the corpus JSON files. */
export const CORPUS_DIR = dirname(fileURLToPath(import.meta.url));

/** Reads and schema-checks every `*.json` file of the corpus, in file then line order. */
export function loadCorpus(dir: string = CORPUS_DIR): CorpusItem[] {
  const files = readdirSync(dir)
    .filter((name) => name.endsWith('.json'))
    .sort();
  const items: CorpusItem[] = [];
  for (const name of files) {
    const raw: unknown = JSON.parse(readFileSync(join(dir, name), 'utf8'));
    const parsed = z.array(itemSchema).safeParse(raw);
    if (!parsed.success) {
      throw new Error(`corpus file ${name} is malformed: ${z.prettifyError(parsed.error)}`);
    }
    items.push(...parsed.data);
  }
  return items;
}
