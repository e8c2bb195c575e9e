import { OpenAI } from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load-config.js';
import type { ConfigInput } from '../../../src/config/schema.js';
import { KernelError } from '../../../src/errors.js';
import { createLogger } from '../../../src/logging/logger.js';
import { OpenAiModelProvider, PLACEHOLDER_API_KEY } from '../../../src/llm/openai-model-provider.js';
import { OpenAiEmulator } from '../../emulator/openai-emulator.js';
import { LogCapture, TEST_API_KEY } from './llm-harness.js';

let emulator: OpenAiEmulator;
let logs: LogCapture;

beforeAll(async () => {
  emulator = await OpenAiEmulator.start({ apiKey: TEST_API_KEY, models: ['test-model', 'other-model'] });
});

afterAll(async () => {
  await emulator?.close();
});

beforeEach(() => {
  emulator.reset();
  logs = new LogCapture();
});

function provider(llm: NonNullable<ConfigInput['llm']> = {}): OpenAiModelProvider {
  const config = loadConfig({ env: {}, overrides: { llm: { baseUrl: emulator.baseUrl, model: 'test-model', apiKey: TEST_API_KEY, maxRetries: 2, ...llm } } });
  return new OpenAiModelProvider(config, createLogger({ log: { level: 'trace', format: 'json' } }, { destination: logs }));
}

const SCHEMA = { name: 'answer', schema: { type: 'object', properties: { value: { type: 'number' } }, required: ['value'], additionalProperties: false } };
const HELLO = [{ role: 'user' as const, content: 'hello' }];

async function failure(promise: Promise<unknown>): Promise<KernelError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(KernelError);
  return error as KernelError;
}

describe('OpenAiModelProvider against the emulator', () => {
  it('sends the standard chat-completions request and maps the reply', async () => {
    emulator.enqueue({ content: '{"value": 1}' });
    const reply = await provider().chat([{ role: 'system', content: 'be terse' }, ...HELLO], { jsonSchema: SCHEMA });
    expect(reply.content).toBe('{"value": 1}');
    expect(reply.model).toBe('test-model');
    expect(reply.finishReason).toBe('stop');
    expect(reply.usage!.completionTokens).toBeGreaterThan(0);
    const [request] = emulator.chatRequests;
    expect(request.method).toBe('POST');
    expect(request.headers.authorization).toBe(`Bearer ${TEST_API_KEY}`);
    expect(request.body!.messages).toEqual([{ role: 'system', content: 'be terse' }, { role: 'user', content: 'hello' }]);
    expect(request.body!.response_format).toEqual({ type: 'json_schema', json_schema: { ...SCHEMA, strict: true } });
  });

  it('sends no response_format for plain chat, and a placeholder bearer when no key is configured', async () => {
    const open = await OpenAiEmulator.start();
    try {
      open.enqueue({ content: 'hi' });
      const config = loadConfig({ env: {}, overrides: { llm: { baseUrl: open.baseUrl, model: 'llama3' } } });
      const local = new OpenAiModelProvider(config, createLogger({ log: { level: 'silent', format: 'json' } }));
      expect((await local.chat(HELLO)).content).toBe('hi');
      expect(open.chatRequests[0].headers.authorization).toBe(`Bearer ${PLACEHOLDER_API_KEY}`);
      expect(open.chatRequests[0].body).not.toHaveProperty('response_format');
    } finally {
      await open.close();
    }
  });

  it('retries a 429 after the server-given delay and succeeds', async () => {
    emulator.enqueue({ status: 429, message: 'Rate limit reached', retryAfterMs: 10 }, { content: 'ok' });
    expect((await provider().chat(HELLO)).content).toBe('ok');
    expect(emulator.chatRequests).toHaveLength(2);
  });

  it('gives up on a persistent 429 with LLM_ERROR and the Retry-After seconds', async () => {
    emulator.respondWith(() => ({ status: 429, message: 'Rate limit reached', retryAfterMs: 5, retryAfterS: 7 }));
    const error = await failure(provider({ maxRetries: 1 }).chat(HELLO));
    expect(error.code).toBe('LLM_ERROR');
    expect(error.message).toMatch(/rate limiting \(HTTP 429\) after 1 retries \(RK_LLM_MAX_RETRIES\)/);
    expect(error.retryAfterS).toBe(7);
    expect(emulator.chatRequests).toHaveLength(2);
  });

  it('retries a 500 and succeeds; a persistent 500 becomes LLM_ERROR with the server message', async () => {
    emulator.enqueue({ status: 500, message: 'boom', retryAfterMs: 5 }, { content: 'ok' });
    expect((await provider().chat(HELLO)).content).toBe('ok');
    emulator.reset();
    emulator.respondWith(() => ({ status: 503, message: 'overloaded', retryAfterMs: 5 }));
    const error = await failure(provider().chat(HELLO));
    expect(error.message).toMatch(/failed \(HTTP 503: overloaded\) after 2 retries/);
    expect(emulator.chatRequests).toHaveLength(3);
  });

  it('turns a slow server into LLM_ERROR naming RK_LLM_TIMEOUT_MS', async () => {
    emulator.enqueue({ content: 'late', delayMs: 5_000 });
    const error = await failure(provider({ timeoutMs: 200, maxRetries: 0 }).chat(HELLO));
    expect(error.code).toBe('LLM_ERROR');
    expect(error.message).toMatch(/within 200 ms \(RK_LLM_TIMEOUT_MS\)/);
  });

  it('turns an abort into ABORTED', async () => {
    emulator.enqueue({ content: 'late', delayMs: 5_000 });
    const controller = new AbortController();
    const pending = provider().chat(HELLO, { signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    expect((await failure(pending)).code).toBe('ABORTED');
  });

  it('downgrades to json_object when the server refuses json_schema, and remembers it', async () => {
    emulator.enqueue(
      { status: 400, message: "Invalid parameter: 'response_format' of type 'json_schema' is not supported with this model." },
      { content: '{"value": 1}' },
      { content: '{"value": 2}' },
    );
    const p = provider();
    expect((await p.chat(HELLO, { jsonSchema: SCHEMA })).content).toBe('{"value": 1}');
    expect((await p.chat(HELLO, { jsonSchema: SCHEMA })).content).toBe('{"value": 2}');
    expect(emulator.chatRequests.map((r) => r.body!.response_format?.type)).toEqual(['json_schema', 'json_object', 'json_object']);
  });

  it('reports a refusal and an empty reply as LLM_ERROR', async () => {
    emulator.enqueue({ refusal: 'I cannot help with that.' }, { content: '' });
    expect((await failure(provider().chat(HELLO))).message).toMatch(/refused to answer: I cannot help with that/);
    expect((await failure(provider().chat(HELLO))).message).toMatch(/returned no text/);
  });

  it('reports a wrong key without ever repeating it, even when the server echoes it', async () => {
    const secret = 'sk-wrong-secret-1234567890';
    const error = await failure(provider({ apiKey: secret }).chat(HELLO));
    expect(error.message).toMatch(/rejected the API key \(HTTP 401\); check RK_LLM_API_KEY/);
    expect((error.details as { serverMessage: string }).serverMessage).toContain('[redacted]');
    const everything = JSON.stringify({ message: error.message, details: error.details, cause: String(error.cause), stack: error.stack });
    expect(everything).not.toContain(secret);
    expect(logs.text).not.toContain(secret);
    expect(emulator.chatRequests[0].headers.authorization).toBe(`Bearer ${secret}`);
  });

  it('reports an unreachable server and a wrong path clearly', async () => {
    const gone = await OpenAiEmulator.start();
    const url = gone.baseUrl;
    await gone.close();
    const config = loadConfig({ env: {}, overrides: { llm: { baseUrl: url, model: 'm', maxRetries: 0 } } });
    const unreachable = new OpenAiModelProvider(config, createLogger({ log: { level: 'silent', format: 'json' } }));
    expect((await failure(unreachable.chat(HELLO))).message).toMatch(/Cannot reach the LLM server at .* \(RK_LLM_BASE_URL\)/);
    const wrongPath = provider({ baseUrl: emulator.url });
    expect((await failure(wrongPath.chat(HELLO))).message).toMatch(/HTTP 404.*ends in \/v1/);
  });
});

describe('OpenAiEmulator fidelity', () => {
  it('serves GET /v1/models and a chat completion the real client parses', async () => {
    const client = new OpenAI({ baseURL: emulator.baseUrl, apiKey: TEST_API_KEY, maxRetries: 0 });
    const models = await client.models.list();
    expect(models.data.map((m) => m.id)).toEqual(['test-model', 'other-model']);
    emulator.enqueue({ content: 'pong' });
    const completion = await client.chat.completions.create({ model: 'test-model', messages: [{ role: 'user', content: 'ping' }] });
    expect(completion.object).toBe('chat.completion');
    expect(completion.id).toMatch(/^chatcmpl-/);
    expect(completion.choices[0]).toMatchObject({ index: 0, finish_reason: 'stop', message: { role: 'assistant', content: 'pong' } });
    expect(completion.usage!.total_tokens).toBe(completion.usage!.prompt_tokens + completion.usage!.completion_tokens);
  });
});
