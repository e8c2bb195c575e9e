/**
 * The one result line a synthesized program prints (`RK_RESULT {json}`), found and checked with
 * zod: finite numbers, ordered intervals, masses in (0, 1). Pure.
 */
import { z } from 'zod';
import { RESULT_MARKER } from '../synthesize/templates/prelude.js';

const finite = z.number().refine(Number.isFinite, 'must be a finite number');

export const estimateSchema = z
  .object({
    name: z.string().min(1),
    description: z.string(),
    mean: finite,
    sd: finite.refine((x) => x >= 0, 'sd must be >= 0'),
    interval: z.tuple([finite, finite]),
    intervalMass: z.number().gt(0).lt(1),
  })
  .refine((e) => e.interval[0] <= e.interval[1] + 1e-12, 'interval must be ordered (lo <= hi)');

export const resultLineSchema = z.object({
  estimates: z.array(estimateSchema).min(1),
  answer: z.object({ value: finite }),
  diagnostics: z.record(z.string(), z.unknown()).default({}),
});

export type ResultLine = z.infer<typeof resultLineSchema>;

/** Parses the last marker line of `stdout`; an error message when absent or malformed. */
export function parseResultLine(stdout: string): { ok: true; value: ResultLine } | { ok: false; error: string } {
  const line = stdout
    .split(/\r?\n/)
    .reverse()
    .find((l) => l.startsWith(RESULT_MARKER));
  if (line === undefined) return { ok: false, error: `the program printed no "${RESULT_MARKER.trim()}" line` };
  let json: unknown;
  try {
    json = JSON.parse(line.slice(RESULT_MARKER.length));
  } catch (e) {
    return { ok: false, error: `the result line is not valid JSON (${(e as Error).message})` };
  }
  const parsed = resultLineSchema.safeParse(json);
  if (!parsed.success) {
    return { ok: false, error: `the result line failed the schema check: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}` };
  }
  return { ok: true, value: parsed.data };
}
