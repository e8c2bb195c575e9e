import { describe, expect, it } from 'vitest';
import type { ServiceIdentifier } from 'inversify';
import { loadConfig } from '../../../src/config/load-config.js';
import { buildContainer } from '../../../src/kernel/container.js';
import { createLogger } from '../../../src/logging/logger.js';
import { TOKENS } from '../../../src/kernel/tokens.js';
import { PipelineRunner } from '../../../src/kernel/pipeline-runner.js';

describe('DI container', () => {
  it('resolves every token', async () => {
    const config = loadConfig({ env: {} });
    const container = await buildContainer(config, createLogger({ log: { level: 'silent', format: 'json' } }));
    try {
      // StagePlugin is multi-bound (checked below); ModelProvider is bound only in LLM mode (next test).
      const single: [string, ServiceIdentifier<unknown>][] = Object.entries(TOKENS).filter(([name]) => name !== 'StagePlugin' && name !== 'ModelProvider');
      expect(single.length).toBe(Object.keys(TOKENS).length - 2);
      expect(container.isBound(TOKENS.ModelProvider)).toBe(false);
      for (const [name, token] of single) {
        expect(container.get(token), name).toBeDefined();
      }
      const stages = container.getAll(TOKENS.StagePlugin).map((p) => p.name);
      expect(stages).toEqual(['parse', 'retrieve', 'graph', 'synthesize', 'infer']);
      expect(container.get(PipelineRunner).stageNames).toEqual(stages);
      // Singletons: the bound executor without a Daytona key is the local executor itself.
      expect(container.get(TOKENS.SandboxExecutor)).toBe(container.get(TOKENS.LocalExecutor));
      expect(container.get(TOKENS.SandboxExecutor).kind).toBe('local');
      expect(container.get(TOKENS.StateStore).kind).toBe('memory');
    } finally {
      await container.get(TOKENS.SandboxExecutor).close();
      await container.get(TOKENS.StateStore).close();
    }
  });

  it('binds the model provider in LLM mode', async () => {
    const config = loadConfig({ env: { RK_LLM_BASE_URL: 'http://127.0.0.1:9/v1', RK_LLM_MODEL: 'm' } });
    const container = await buildContainer(config, createLogger({ log: { level: 'silent', format: 'json' } }));
    try {
      expect(container.get(TOKENS.ModelProvider).model).toBe('m');
    } finally {
      await container.get(TOKENS.SandboxExecutor).close();
      await container.get(TOKENS.StateStore).close();
    }
  });

  it('binds the Redis store when REDIS_URL is set (without connecting eagerly)', async () => {
    const config = loadConfig({ env: { REDIS_URL: 'redis://127.0.0.1:1/0' } });
    const container = await buildContainer(config, createLogger({ log: { level: 'silent', format: 'json' } }));
    const store = container.get(TOKENS.StateStore);
    try {
      expect(store.kind).toBe('redis');
    } finally {
      await store.close();
      await container.get(TOKENS.SandboxExecutor).close();
    }
  });
});
