/**
 * LLM mode against the loopback OpenAI emulator (the real `openai` client, the real sandbox): our
 * overhead per model round-trip and per `solve()`. The emulator answers at once, so a real model's
 * latency adds to these figures; what they show is what the kernel itself costs.
 */
import 'reflect-metadata';
import { pino } from 'pino';
import { createKernel } from '../../src/kernel/create-kernel.js';
import { TOKENS } from '../../src/kernel/tokens.js';
import { createLlmModule } from '../../src/llm/llm-module.js';
import { LlmReasoner } from '../../src/llm/llm-reasoner.js';
import { COIN_QUESTION, GOOD_PROGRAM, REFUSED_PROGRAM, analysisReply, programReply } from '../../test/helpers/llm-fixtures.js';
import { OpenAiEmulator } from '../../test/emulator/openai-emulator.js';
import { type BenchRow, measure } from './bench-kit.js';

export async function benchLlm(): Promise<BenchRow[]> {
  const emulator = await OpenAiEmulator.start({ apiKey: 'sk-bench' });
  const kernel = await createKernel({
    env: {},
    logger: pino({ level: 'silent' }),
    config: { llm: { baseUrl: emulator.baseUrl, model: 'bench-model', apiKey: 'sk-bench', maxRetries: 0 } },
  }).catch(async (e: unknown) => {
    await emulator.close();
    throw e;
  });
  try {
    const { container, config } = kernel.services;
    if (!container.isBound(TOKENS.ModelProvider)) container.load(await createLlmModule(config));
    const provider = container.get(TOKENS.ModelProvider);
    const reasoner = container.get(LlmReasoner);
    const rows: BenchRow[] = [];
    const row = (scenario: string, t: Awaited<ReturnType<typeof measure>>, extra?: BenchRow['extra']) =>
      rows.push({ group: 'llm', scenario, runs: t.runs, medianMs: t.medianMs, p95Ms: t.p95Ms, p99Ms: t.p99Ms, extra });

    emulator.respondWith(() => ({ content: '{"ok": true}' }));
    row('chat round-trip (openai client, loopback emulator)', await measure(() => provider.chat([{ role: 'user', content: 'ping' }]), { runs: 100, warmup: 10 }));

    emulator.respondWith(() => ({ content: analysisReply() }));
    row('analyze: prompt + round-trip + zod validation', await measure(() => reasoner.analyze(COIN_QUESTION), { runs: 50, warmup: 5 }));

    const script = (programs: string[]) => {
      emulator.reset();
      emulator.enqueue({ content: analysisReply() }, ...programs.map((code) => ({ content: programReply(code) })));
    };
    const oneRound = await measure(
      async () => {
        script([GOOD_PROGRAM]);
        await reasoner.solve(COIN_QUESTION);
      },
      { runs: 15, warmup: 2 },
    );
    const prompt = emulator.chatRequests.map((r) => r.body!.messages.reduce((n, m) => n + m.content.length, 0));
    row('solve, 1 round (analyze, synthesize, run in local sandbox)', oneRound, { analysisPromptChars: prompt[0], synthesisPromptChars: prompt[1] });
    row(
      'solve, 2 rounds (validator refusal, repair, run)',
      await measure(
        async () => {
          script([REFUSED_PROGRAM, GOOD_PROGRAM]);
          await reasoner.solve(COIN_QUESTION);
        },
        { runs: 15, warmup: 2 },
      ),
      { modelRequests: 3 },
    );
    return rows;
  } finally {
    await kernel.close();
    await emulator.close();
  }
}
