import { Container } from 'inversify';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load-config.js';
import { TOKENS } from '../../../src/kernel/tokens.js';
import { createLogger } from '../../../src/logging/logger.js';
import { createLlmModule, isLlmConfigured } from '../../../src/llm/llm-module.js';
import { LlmReasoner } from '../../../src/llm/llm-reasoner.js';
import { OpenAiModelProvider } from '../../../src/llm/openai-model-provider.js';

async function container(env: Record<string, string>): Promise<Container> {
  const config = loadConfig({ env });
  const c = new Container({ defaultScope: 'Singleton' });
  c.bind(TOKENS.Config).toConstantValue(config);
  c.bind(TOKENS.Logger).toConstantValue(createLogger({ log: { level: 'silent', format: 'json' } }));
  c.load(await createLlmModule(config));
  return c;
}

describe('createLlmModule', () => {
  it('binds nothing without RK_LLM_BASE_URL and RK_LLM_MODEL', async () => {
    const envs: Record<string, string>[] = [{}, { RK_LLM_BASE_URL: 'http://127.0.0.1:1/v1' }, { RK_LLM_MODEL: 'm', RK_LLM_API_KEY: 'k' }];
    for (const env of envs) {
      const c = await container(env);
      expect(isLlmConfigured(c.get(TOKENS.Config))).toBe(false);
      expect(c.isBound(TOKENS.ModelProvider)).toBe(false);
      expect(c.isBound(LlmReasoner)).toBe(false);
    }
  });

  it('binds the OpenAI-compatible provider and the reasoner when both are set (key optional)', async () => {
    const c = await container({ RK_LLM_BASE_URL: 'http://127.0.0.1:1/v1', RK_LLM_MODEL: 'llama3', RK_LLM_MAX_RETRIES: '0' });
    const provider = c.get(TOKENS.ModelProvider);
    expect(provider).toBeInstanceOf(OpenAiModelProvider);
    expect(provider.model).toBe('llama3');
    expect(c.get(TOKENS.Config).llm.maxRetries).toBe(0);
    expect(c.isBound(LlmReasoner)).toBe(true);
  });
});
