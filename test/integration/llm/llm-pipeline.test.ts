import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createKernel } from '../../../src/index.js';
import { COIN_POSTERIOR_MEAN, GOOD_PROGRAM, REFUSED_PROGRAM, analysisReply, programReply } from '../../helpers/llm-fixtures.js';
import { type LlmHarness, startLlmHarness } from './llm-harness.js';

// Outside the embedded families (a Weibull shape parameter it cannot account for), so only the
// LLM can answer it. The scripted model replies below are canned; the test is about the plumbing.
const UNRECOGNISED = 'What is the posterior median lifetime of a Weibull component with shape 1.5 after 4 failures at 200, 350, 410 and 500 hours?';

describe('reason() in LLM mode', () => {
  let h: LlmHarness;
  beforeAll(async () => {
    h = await startLlmHarness();
  });
  afterAll(async () => {
    await h?.close();
  });
  beforeEach(() => {
    h.emulator.reset();
  });

  it('answers through the LLM path when the embedded reasoner does not recognise the question, repairing a refused program', async () => {
    const quantities = [
      { name: 'shape', value: 1.5, unit: null, role: 'Weibull shape' },
      { name: 'failures', value: 4, unit: null, role: 'number of observed failures' },
      ...[200, 350, 410, 500].map((value) => ({ name: 'lifetime', value, unit: 'hours', role: 'observed lifetime' })),
    ];
    h.emulator.enqueue(
      { content: analysisReply({ quantities }) },
      { content: programReply(REFUSED_PROGRAM) },
      { content: programReply(GOOD_PROGRAM) },
    );
    const result = await h.kernel.reason(UNRECOGNISED);
    expect(result.success, JSON.stringify({ stages: result.stages, declined: result.declined, execution: result.execution?.stderr })).toBe(true);
    expect(result.backend.reasoning).toBe('llm');
    expect(result.answer?.value).toBeCloseTo(COIN_POSTERIOR_MEAN, 6);
    expect(result.stages.map((s) => [s.name, s.status])).toEqual([
      ['parse', 'completed'],
      ['retrieve', 'skipped'],
      ['graph', 'completed'],
      ['synthesize', 'completed'],
      ['infer', 'completed'],
    ]);
    // The program reported is the one that ran after the repair, not the refused first draft.
    expect(result.program?.code).toBe(GOOD_PROGRAM);
    expect(result.execution?.status).toBe('completed');
    // After one repair the confidence is lower than a first-round answer's.
    expect(result.overallConfidence).toBeGreaterThan(0);
    expect(result.overallConfidence).toBeLessThan(1);
    const chats = h.emulator.chatRequests;
    expect(chats).toHaveLength(3);
    // The user's text travels only inside the messages, never into the program.
    expect(JSON.stringify(chats[0].body)).toContain('Weibull component');
    expect(result.program?.code).not.toContain('Weibull');
  });

  it('does not ask the LLM when the embedded reasoner recognises the question', async () => {
    const result = await h.kernel.reason('A coin is flipped 20 times with 14 heads observed');
    expect(result.success).toBe(true);
    expect(result.backend.reasoning).toBe('embedded');
    expect(h.emulator.chatRequests).toHaveLength(0);
  });

  it('keeps declines for inconsistent data without asking the LLM', async () => {
    const result = await h.kernel.reason('A coin was flipped 20 times and landed heads 25 times. What is the probability of heads?');
    expect(result.success).toBe(false);
    expect(result.declined?.reason).toBeTruthy();
    expect(h.emulator.chatRequests).toHaveLength(0);
  });

  it('declines when the LLM declines', async () => {
    h.emulator.enqueue({ content: analysisReply({ decline: { reason: 'This is not a probabilistic question.' } }) });
    const result = await h.kernel.reason('Who wrote the zorp manifesto?');
    expect(result.success).toBe(false);
    expect(result.declined?.reason).toContain('not a probabilistic question');
    expect(result.answer).toBeUndefined();
  });
});

describe('reason() without an LLM', () => {
  it('declines unrecognised questions and says how to enable the LLM', async () => {
    const kernel = await createKernel({ env: {}, config: { log: { level: 'silent' } } });
    try {
      const result = await kernel.reason(UNRECOGNISED);
      expect(result.success).toBe(false);
      expect(result.declined?.reason).toContain('RK_LLM_BASE_URL');
    } finally {
      await kernel.close();
    }
  });
});
