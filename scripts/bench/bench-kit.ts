/** Shared helpers for `npm run bench`: every scenario module returns `BenchRow`s. */

export interface BenchRow {
  /** Area, e.g. `validator`, `local-executor`, `daytona`, `state`, `http`, `reason`. */
  group: string;
  scenario: string;
  runs: number;
  medianMs: number;
  p95Ms: number;
  p99Ms?: number;
  /** The same scenario done the naive way in the same run, for a ratio. */
  baseline?: { scenario: string; medianMs: number; p95Ms: number };
  /** baseline.medianMs / medianMs. */
  speedup?: number;
  /** Free-form figures: throughput, requests per execution, memory. */
  extra?: Record<string, number | string>;
}

export interface Timing {
  runs: number;
  medianMs: number;
  p95Ms: number;
  p99Ms: number;
  meanMs: number;
}

/** Percentile of sorted samples (nearest rank). */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

export function summarize(samplesMs: number[]): Timing {
  const sorted = [...samplesMs].sort((a, b) => a - b);
  const mean = sorted.reduce((s, x) => s + x, 0) / Math.max(1, sorted.length);
  return {
    runs: sorted.length,
    medianMs: round(percentile(sorted, 50)),
    p95Ms: round(percentile(sorted, 95)),
    p99Ms: round(percentile(sorted, 99)),
    meanMs: round(mean),
  };
}

/** Runs `fn` `warmup` times unmeasured, then `runs` times measured, sequentially. */
export async function measure(fn: () => unknown, options: { runs: number; warmup?: number }): Promise<Timing> {
  for (let i = 0; i < (options.warmup ?? 0); i++) await fn();
  const samples: number[] = [];
  for (let i = 0; i < options.runs; i++) {
    const t0 = performance.now();
    await fn();
    samples.push(performance.now() - t0);
  }
  return summarize(samples);
}

export function round(x: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
