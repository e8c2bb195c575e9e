import { ContainerModule } from 'inversify';
import type { AppConfig } from '../config/schema.js';
import { TOKENS } from '../kernel/tokens.js';
import { LlmReasoner } from './llm-reasoner.js';

/** LLM mode is on when `RK_LLM_BASE_URL` and `RK_LLM_MODEL` are both set (the key is optional for local servers). */
export function isLlmConfigured(config: Pick<AppConfig, 'llm'>): boolean {
  return Boolean(config.llm.baseUrl && config.llm.model);
}

/**
 * Binds `TOKENS.ModelProvider` (OpenAI-compatible) and `LlmReasoner` only in LLM mode; otherwise
 * binds nothing, so consumers inject them with `@optional()` and decline without an LLM.
 * Async because the provider (and the `openai` client, ~100 ms of imports) is loaded only in LLM
 * mode: a process without an LLM never imports it.
 */
export async function createLlmModule(config: Pick<AppConfig, 'llm'>): Promise<ContainerModule> {
  if (!isLlmConfigured(config)) return new ContainerModule(() => undefined);
  const { OpenAiModelProvider } = await import('./openai-model-provider.js');
  return new ContainerModule((options) => {
    options.bind(TOKENS.ModelProvider).to(OpenAiModelProvider).inSingletonScope();
    options.bind(LlmReasoner).toSelf().inSingletonScope();
  });
}
