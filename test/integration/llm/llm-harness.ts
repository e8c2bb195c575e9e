/**
 * A real kernel (createKernel, real SandboxService with the local executor) wired to the loopback
 * OpenAI emulator, with every log line captured so tests can inspect them.
 */
import { Writable } from 'node:stream';
import { createKernel } from '../../../src/index.js';
import type { ConfigInput } from '../../../src/config/schema.js';
import type { ReasoningKernel } from '../../../src/kernel/reasoning-kernel.js';
import { createLogger } from '../../../src/logging/logger.js';
import { LlmReasoner } from '../../../src/llm/llm-reasoner.js';
import { OpenAiEmulator } from '../../emulator/openai-emulator.js';

export const TEST_API_KEY = 'sk-test';

/** Collects everything pino writes. */
export class LogCapture extends Writable {
  private readonly chunks: string[] = [];
  override _write(chunk: Buffer | string, _encoding: BufferEncoding, callback: () => void): void {
    this.chunks.push(chunk.toString());
    callback();
  }
  get text(): string {
    return this.chunks.join('');
  }
}

export interface LlmHarness {
  emulator: OpenAiEmulator;
  kernel: ReasoningKernel;
  reasoner: LlmReasoner;
  logs: LogCapture;
  close(): Promise<void>;
}

/** Starts the emulator and a kernel in LLM mode pointed at it (trace-level logs captured). */
export async function startLlmHarness(llm: Partial<NonNullable<ConfigInput['llm']>> = {}): Promise<LlmHarness> {
  const emulator = await OpenAiEmulator.start({ apiKey: TEST_API_KEY });
  const logs = new LogCapture();
  try {
    const logger = createLogger({ log: { level: 'trace', format: 'json' } }, { destination: logs });
    const kernel = await createKernel({
      env: {},
      logger,
      config: {
        llm: { baseUrl: emulator.baseUrl, model: 'test-model', apiKey: TEST_API_KEY, maxRetries: 2, ...llm },
        local: { poolSize: 1 },
      },
    });
    const { container } = kernel.services;
    const reasoner = container.get(LlmReasoner);
    return {
      emulator,
      kernel,
      reasoner,
      logs,
      async close() {
        await kernel.close();
        await emulator.close();
      },
    };
  } catch (e) {
    await emulator.close();
    throw e;
  }
}
