import { injectable } from 'inversify';
import type { StageContext, StageOutcome, StagePlugin } from '../../src/kernel/tokens.js';
import { StageFailure } from '../../src/kernel/stage-failure.js';
import { catalogFamily, modelCatalog, type CatalogPrior } from '../model-catalog.js';
import type { Family, ParseOutput } from '../problem.js';
import { requireOutput } from '../stage-outputs.js';
import { isLlmParse } from '../llm-path.js';

/** What the retrieve stage outputs: the model family, the prior and the domain facts in play. */
export interface RetrieveOutput {
  family: Family;
  title: string;
  model: string;
  prior: CatalogPrior & { option: 'uniform' | 'jeffreys' };
  facts: string[];
  /** 0..1: how cleanly the family was recognised (cue margin over rival families). */
  fit: number;
}

// Families that share vocabulary by nature (a coin question cues all three); a rival among them
// is weaker evidence of a misfit than a rival from an unrelated family.
const RELATED: Family[][] = [['binomial', 'two-proportions', 'model-comparison']];

function related(a: Family, b: Family): boolean {
  return RELATED.some((group) => group.includes(a) && group.includes(b));
}

/** Model fit from the parser's cue scores: 1 when no other family's cues compete. */
export function familyFit(parse: ParseOutput): number {
  const family = parse.problem.family;
  const own = parse.familyScores.find((s) => s.family === family)?.score ?? 0;
  if (parse.familyScores.length === 0) return 0.9; // produced without cue scores (an LLM parse)
  let rival = 0;
  for (const s of parse.familyScores) {
    if (s.family === family) continue;
    rival = Math.max(rival, related(s.family, family) ? s.score / 2 : s.score);
  }
  if (own <= 0) return 0.6;
  return Math.max(0.5, Math.min(1, 1 - 0.5 * Math.max(0, rival / own - 0.25)));
}

/**
 * Retrieve: looks up the problem's family in the model catalog (`config/model-catalog.json`):
 * its model, the prior for `options.prior`, and the domain facts the question relies on.
 */
@injectable()
export class RetrievePlugin implements StagePlugin {
  readonly name = 'retrieve' as const;

  async run(context: StageContext): Promise<StageOutcome> {
    const raw = requireOutput<unknown>(context, 'parse');
    // The LLM's analysis names its own model and prior: there is no catalog entry to look up.
    if (isLlmParse(raw)) return { output: { source: 'llm', family: raw.llm.analysis.family }, confidence: 1, status: 'skipped' };
    const parse = raw as ParseOutput;
    const family = parse.problem.family;
    const entry = catalogFamily(family);
    const option = context.options.prior;
    const prior = entry.priors[option];
    if (!prior) throw new StageFailure(`The model catalog has no "${option}" prior for ${family}; use uniform or jeffreys.`);
    const facts: string[] = [];
    const text = parse.normalizedText;
    for (const [key, fact] of Object.entries(modelCatalog().facts)) {
      if (new RegExp(String.raw`\b${key}\b`).test(text) || (key === 'percent' && text.includes('%'))) facts.push(fact.text);
    }
    const fit = familyFit(parse);
    const output: RetrieveOutput = { family, title: entry.title, model: entry.model, prior: { ...prior, option }, facts, fit };
    return { output, confidence: fit };
  }
}
