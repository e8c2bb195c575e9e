/**
 * How completely an LLM analysis accounts for the numbers written in the question: a measurable
 * part of the parse confidence (design §3) that does not rely on the model's self-rating. Pure.
 */
import type { LlmAnalysis } from './llm-schemas.js';

const NUMERAL = /(?<![\w.])-?\d{1,3}(?:,\d{3})+(?:\.\d+)?|(?<![\w.])-?\d+(?:\.\d+)?/g;

export interface AnalysisCoverage {
  /** Share of the question's numerals found among the analysis quantities (1 when there are none). */
  coverage: number;
  /** Numerals in the question that no quantity accounts for. */
  unaccounted: string[];
}

/** Compares the numerals in `query` with `analysis.quantities` (also as percent and fraction). */
export function analysisCoverage(query: string, analysis: Pick<LlmAnalysis, 'quantities'>): AnalysisCoverage {
  const numerals = [...query.matchAll(NUMERAL)].map((m) => m[0]);
  if (numerals.length === 0) return { coverage: 1, unaccounted: [] };
  const values = analysis.quantities.map((q) => q.value);
  const near = (a: number, b: number) => Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
  const unaccounted = numerals.filter((text) => {
    const x = Number(text.replace(/,/g, ''));
    return !values.some((v) => near(v, x) || near(v * 100, x) || near(v, x * 100));
  });
  return { coverage: (numerals.length - unaccounted.length) / numerals.length, unaccounted };
}
