/**
 * The five stage plugins run in order on real python3 (through a test SandboxService that runs
 * the program directly), checking the numbers each family produces.
 */
import { describe, expect, it } from 'vitest';
import type { InferOutput } from '../../../src/kernel/contracts.js';
import type { ExecuteRequest } from '../../../src/kernel/tokens.js';
import { GraphPlugin } from '../../../plugins/graph/graph-plugin.js';
import { InferPlugin } from '../../../plugins/infer/infer-plugin.js';
import { ParsePlugin } from '../../../plugins/parse/parse-plugin.js';
import { RetrievePlugin } from '../../../plugins/retrieve/retrieve-plugin.js';
import { SynthesizePlugin } from '../../../plugins/synthesize/synthesize-plugin.js';
import { pythonSandboxService, runPython } from '../../helpers/python-sandbox-service.js';
import { runStages } from '../../helpers/run-stages.js';

function plugins(onExecute?: (r: ExecuteRequest) => void) {
  return [new ParsePlugin(), new RetrievePlugin(), new GraphPlugin(), new SynthesizePlugin(), new InferPlugin(pythonSandboxService(onExecute))];
}

async function answer(question: string, prior: 'uniform' | 'jeffreys' = 'uniform'): Promise<InferOutput> {
  const run = await runStages(plugins(), question, { prior });
  if (run.declined || run.failed) throw new Error(JSON.stringify(run.declined ?? run.failed));
  return run.outputs.infer as InferOutput;
}

describe('stage plugins on python3', () => {
  it('answers the coin question: Beta(15, 7)', async () => {
    const out = await answer('A coin is flipped 20 times with 14 heads observed');
    expect(out.answer.value).toBeCloseTo(0.6818, 4);
    expect(out.answer.text).toMatch(/uniform Beta\(1,1\)/);
    expect(out.answer.text).toMatch(/0\.682/);
    const p = out.estimates.find((e) => e.name === 'p')!;
    expect(p.interval[0]).toBeCloseTo(0.4782, 3);
    expect(p.interval[1]).toBeCloseTo(0.8541, 3);
    expect(out.estimates.find((e) => e.name === 'P(p > 0.5)')!.mean).toBeCloseTo(0.9608, 3);
    expect(out.execution.status).toBe('completed');
  }, 30_000);

  it.each([
    ['A coin is flipped 20 times with 14 heads observed. What is the probability that p > 0.5?', 'uniform', 0.9608, 0.001],
    ['A coin is flipped 20 times with 14 heads observed', 'jeffreys', 14.5 / 21, 0.0005],
    ['11 tails out of 30 tosses. What is the probability of heads?', 'uniform', 20 / 32, 0.0005],
    ['Variant A had 120 conversions out of 1,000 visitors; variant B had 145 conversions out of 1,000 visitors. What is the probability that B is better than A?', 'uniform', 0.9502, 0.002],
    ['A call center received 18 calls in 6 hours. What is the rate per minute?', 'uniform', 19 / 360, 1e-5],
    ['A call center received 18 calls in 6 hours. What is the probability of no calls in the next 10 minutes?', 'uniform', (360 / 370) ** 19, 1e-5],
    ['The measured weights were 10.2, 9.8, 10.1, 10.4 and 9.9 grams. What is the mean weight?', 'uniform', 10.08, 1e-9],
    ['A disease affects 1% of the population. A test has 90% sensitivity and a 5% false positive rate. If a person tests positive, what is the probability that they have the disease?', 'uniform', 2 / 13, 1e-9],
    ['A die is rolled 60 times and we see 12 sixes. What is the probability of rolling a six?', 'uniform', 13 / 66, 1e-9],
    ['Five light bulbs lasted 800, 950, 1,100, 700 and 1,200 hours. Assuming exponential lifetimes, what is the failure rate per hour?', 'uniform', 6 / 4750, 1e-9],
    ['A coin is flipped 20 times with 14 heads observed. Is the coin fair?', 'uniform', 0.43702, 0.0005],
  ] as const)('%s (%s prior)', async (question, prior, expected, tolerance) => {
    const out = await answer(question, prior);
    expect(Math.abs(out.answer.value - expected)).toBeLessThanOrEqual(tolerance);
    for (const e of out.estimates) expect(e.interval[0]).toBeLessThanOrEqual(e.interval[1]);
  }, 30_000);

  it('passes the cache option and the abort signal to the sandbox service', async () => {
    const seen: ExecuteRequest[] = [];
    await runStages(plugins((r) => seen.push(r)), 'A coin is flipped 20 times with 14 heads observed', { cache: true });
    expect(seen).toHaveLength(1);
    expect(seen[0].cache).toBe(true);
    expect(seen[0].signal).toBeInstanceOf(AbortSignal);
  }, 30_000);

  it('declines in the parse stage and runs nothing', async () => {
    const seen: ExecuteRequest[] = [];
    const run = await runStages(plugins((r) => seen.push(r)), 'What is the capital of France?');
    expect(run.declined?.stage).toBe('parse');
    expect(run.declined?.reason).toMatch(/not a probabilistic/);
    expect(seen).toHaveLength(0);
  });

  it('fails the infer stage with the execution when the program crashes', async () => {
    const failing = pythonSandboxService();
    const infer = new InferPlugin({ ...failing, execute: () => runPython('raise SystemExit("boom")') });
    const run = await runStages([new ParsePlugin(), new RetrievePlugin(), new GraphPlugin(), new SynthesizePlugin(), infer], 'A coin is flipped 20 times with 14 heads observed');
    expect(run.failed?.stage).toBe('infer');
    expect(run.failed?.message).toMatch(/did not complete.*boom/s);
    expect((run.failed?.output as { execution: { status: string } }).execution.status).toBe('failed');
  }, 30_000);

  it('fails the infer stage when the result line is missing', async () => {
    const infer = new InferPlugin({ ...pythonSandboxService(), execute: () => runPython('print("hello")') });
    const run = await runStages([new ParsePlugin(), new RetrievePlugin(), new GraphPlugin(), new SynthesizePlugin(), infer], 'A coin is flipped 20 times with 14 heads observed');
    expect(run.failed?.message).toMatch(/no "RK_RESULT" line/);
  }, 30_000);
});
