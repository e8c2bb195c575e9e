/**
 * The model catalog (`config/model-catalog.json`), validated once with zod. Pure data: the
 * retrieve stage reads families, priors and facts from it; the embedded parser reads the cue
 * vocabulary, units and complement pairs.
 */
import { z } from 'zod';
import catalogJson from '../config/model-catalog.json' with { type: 'json' };
import { FAMILIES, type Family } from './problem.js';

const priorSchema = z.object({
  label: z.string().min(1),
  alpha: z.number().positive().optional(),
  beta: z.number().positive().optional(),
  shapeOffset: z.number().min(0).optional(),
});

const familySchema = z.object({
  title: z.string().min(1),
  model: z.string().min(1),
  description: z.string().min(1),
  priors: z.object({ uniform: priorSchema, jeffreys: priorSchema }),
  cues: z.array(z.string().min(1)).min(1),
});

const unitSchema = z.object({
  seconds: z.number().positive().optional(),
  dimension: z.string().optional(),
  size: z.number().positive().optional(),
  aliases: z.array(z.string().min(1)).min(1),
});

const catalogSchema = z.object({
  version: z.literal(1),
  families: z.record(z.enum(FAMILIES), familySchema),
  facts: z.record(z.string(), z.object({ text: z.string() }).loose()),
  units: z.record(z.string(), unitSchema),
  complements: z.array(z.tuple([z.string(), z.string()])),
  vocabulary: z.array(z.string()),
});

export type ModelCatalog = z.infer<typeof catalogSchema>;
export type CatalogFamily = z.infer<typeof familySchema>;
export type CatalogPrior = z.infer<typeof priorSchema>;
export type CatalogUnit = z.infer<typeof unitSchema>;

let cached: ModelCatalog | undefined;

/** The validated catalog (parsed once; a malformed catalog fails loudly at first use). */
export function modelCatalog(): ModelCatalog {
  if (!cached) {
    const parsed = catalogSchema.safeParse(catalogJson);
    if (!parsed.success) {
      throw new Error(`config/model-catalog.json is invalid: ${parsed.error.message}. Fix the file and restart.`);
    }
    for (const family of FAMILIES) {
      if (!parsed.data.families[family]) throw new Error(`config/model-catalog.json lacks the family "${family}".`);
    }
    cached = Object.freeze(parsed.data);
  }
  return cached;
}

/** Catalog entry of one family. */
export function catalogFamily(family: Family): CatalogFamily {
  return modelCatalog().families[family];
}
