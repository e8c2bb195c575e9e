import { ContainerModule } from 'inversify';
import type { AppConfig } from '../config/schema.js';
import { TOKENS } from '../kernel/tokens.js';
import { LlmReasoner } from './llm-reasoner.js';
import { OpenAiModelProvider } from './openai-model-provider.js';

/** LLM mode is on when `RK_LLM_BASE_URL` and `RK_LLM_MODEL` are both set (the key is optional for local servers). */
export function isLlmConfigured(config: Pick<AppConfig, 'llm'>): boolean {
  return Boolean(config.llm.baseUrl && config.llm.model);
}

/**
 * Binds `TOKENS.ModelProvider` (OpenAI-compatible) and `LlmReasoner` only in LLM mode; otherwise
 * binds nothing, so consumers inject them with `@optional()` and decline without an LLM.
 */
export function createLlmModule(config: Pick<AppConfig, 'llm'>): ContainerModule {
  const enabled = isLlmConfigured(config);
  return new ContainerModule((options) => {
    if (!enabled) return;
    options.bind(TOKENS.ModelProvider).to(OpenAiModelProvider).inSingletonScope();
    options.bind(LlmReasoner).toSelf().inSingletonScope();
  });
}
