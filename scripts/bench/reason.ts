/** Benchmarks of `reason()`: cold process, warm kernel on the coin question, mixed questions, per stage. */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createKernel } from '../../src/kernel/create-kernel.js';
import type { StageName } from '../../src/kernel/contracts.js';
import { type BenchRow, measure, summarize } from './bench-kit.js';

const COIN = 'A coin is flipped 20 times with 14 heads observed';

/** A spread of families, reused to make 100 mixed questions. */
export const MIXED_QUESTIONS = [
  COIN,
  'A basketball player made 45 of 60 free throws. What is the probability she makes the next one?',
  'Variant A had 120 conversions from 2,400 visitors and variant B had 150 conversions from 2,380 visitors. What is the probability that B is better than A?',
  'A call center received 18 calls in 6 hours. What is the expected number of calls per hour?',
  'Measurements: 9.8, 10.1, 10.3, 9.9, 10.0, 10.4. What is the mean?',
  'A disease affects 1% of people. A test detects it 95% of the time and has a 5% false positive rate. If someone tests positive, what is the probability they have the disease?',
  'A die was rolled 60 times and six came up 15 times. What is the probability of rolling a six?',
  'Five light bulbs lasted 120, 340, 560, 210 and 470 hours. What is the mean lifetime?',
  'A coin landed heads 62 times in 100 flips. Is the coin fair?',
  'What is the capital of France?',
];

const BIN = fileURLToPath(new URL('../../../bin/reasoning-kernel.js', import.meta.url));

export async function benchReason(): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];

  // Cold: a fresh Node process answering the coin question (includes Node start-up and imports).
  const coldSamples: number[] = [];
  for (let i = 0; i < 5; i++) {
    const t0 = performance.now();
    const r = spawnSync(process.execPath, [BIN, 'reason', '--json', COIN], { encoding: 'utf8' });
    coldSamples.push(performance.now() - t0);
    if (r.status !== 0) throw new Error(`cold reason failed: ${r.stderr}`);
  }
  const cold = summarize(coldSamples);
  rows.push({ group: 'reason', scenario: 'reason() coin question, cold process (CLI)', runs: cold.runs, medianMs: cold.medianMs, p95Ms: cold.p95Ms });

  const kernel = await createKernel({ config: { log: { level: 'silent' } } });
  try {
    const perStage: Record<string, number[]> = {};
    const warm = await measure(
      async () => {
        const r = await kernel.reason(COIN);
        if (!r.success) throw new Error('coin question failed');
        for (const s of r.stages) (perStage[s.name] ??= []).push(s.durationMs);
      },
      { runs: 50, warmup: 3 },
    );
    rows.push({ group: 'reason', scenario: 'reason() coin question, warm kernel', runs: warm.runs, medianMs: warm.medianMs, p95Ms: warm.p95Ms, p99Ms: warm.p99Ms });
    for (const [stage, samples] of Object.entries(perStage)) {
      const s = summarize(samples.slice(3));
      rows.push({ group: 'reason', scenario: `  stage ${stage as StageName}`, runs: s.runs, medianMs: s.medianMs, p95Ms: s.p95Ms });
    }
    const questions = Array.from({ length: 100 }, (_, i) => MIXED_QUESTIONS[i % MIXED_QUESTIONS.length]);
    const t0 = performance.now();
    const perQuestion: number[] = [];
    for (const q of questions) {
      const q0 = performance.now();
      await kernel.reason(q);
      perQuestion.push(performance.now() - q0);
    }
    const total = performance.now() - t0;
    const mixed = summarize(perQuestion);
    rows.push({
      group: 'reason',
      scenario: 'reason() on 100 mixed questions (sequential)',
      runs: mixed.runs,
      medianMs: mixed.medianMs,
      p95Ms: mixed.p95Ms,
      extra: { totalMs: Math.round(total) },
    });
  } finally {
    await kernel.close();
  }
  return rows;
}
