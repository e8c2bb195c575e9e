import { inject, injectable } from 'inversify';
import {
  APIConnectionError,
  APIConnectionTimeoutError,
  APIError,
  APIUserAbortError,
  OpenAI,
} from 'openai';
import type { AppConfig } from '../config/schema.js';
import { KernelError } from '../errors.js';
import { type ChatMessage, type ChatOptions, type ChatReply, type Logger, type ModelProvider, TOKENS } from '../kernel/tokens.js';

/** Sent when no key is configured: local servers (Ollama, llama.cpp, vLLM) accept any bearer. */
export const PLACEHOLDER_API_KEY = 'not-needed';

/** How structured output is requested; downgraded once per process when the server refuses it. */
type StructuredMode = 'json_schema' | 'json_object' | 'prompt';

/**
 * `ModelProvider` over any OpenAI-compatible chat-completions endpoint (OpenAI, Azure OpenAI's v1
 * endpoint, vLLM, Ollama, llama.cpp) with the `openai` client. Structured output is requested with
 * `response_format: json_schema` (strict); a server that rejects it (HTTP 400 naming
 * response_format) is asked with `json_object`, then with the prompt alone. Callers always
 * validate replies themselves. The API key is never logged and is scrubbed from error messages.
 */
@injectable()
export class OpenAiModelProvider implements ModelProvider {
  readonly model: string;
  private readonly client: OpenAI;
  private readonly log: Logger;
  private readonly apiKey: string;
  private structuredMode: StructuredMode = 'json_schema';

  constructor(
    @inject(TOKENS.Config) private readonly config: Readonly<AppConfig>,
    @inject(TOKENS.Logger) logger: Logger,
  ) {
    const { baseUrl, model, apiKey, timeoutMs, maxRetries } = config.llm;
    if (!baseUrl || !model) {
      throw new KernelError('CONFIG_INVALID', 'LLM mode needs RK_LLM_BASE_URL and RK_LLM_MODEL; set both or leave both unset');
    }
    this.model = model;
    this.apiKey = apiKey ?? PLACEHOLDER_API_KEY;
    this.log = logger.child({ component: 'llm-provider', model, baseUrl: new URL(baseUrl).origin });
    this.client = new OpenAI({
      baseURL: baseUrl,
      apiKey: this.apiKey,
      timeout: timeoutMs,
      maxRetries,
      // Explicit nulls: the client would otherwise read OPENAI_* from process.env behind our config.
      organization: null,
      project: null,
      webhookSecret: null,
      logLevel: clientLogLevel(this.log.level),
      logger: this.clientLogger(),
    });
  }

  async chat(messages: readonly ChatMessage[], options: ChatOptions = {}): Promise<ChatReply> {
    for (;;) {
      const mode = options.jsonSchema ? this.structuredMode : 'prompt';
      try {
        return await this.complete(messages, options, mode);
      } catch (e) {
        if (mode !== 'prompt' && rejectsResponseFormat(e)) {
          this.structuredMode = mode === 'json_schema' ? 'json_object' : 'prompt';
          this.log.warn({ from: mode, to: this.structuredMode }, 'server refused the structured-output request; downgrading');
          continue;
        }
        throw this.toKernelError(e);
      }
    }
  }

  private async complete(messages: readonly ChatMessage[], options: ChatOptions, mode: StructuredMode): Promise<ChatReply> {
    const response_format =
      mode === 'json_schema' && options.jsonSchema
        ? { type: 'json_schema' as const, json_schema: { name: options.jsonSchema.name, schema: options.jsonSchema.schema, strict: true } }
        : mode === 'json_object'
          ? { type: 'json_object' as const }
          : undefined;
    const started = performance.now();
    const completion = await this.client.chat.completions.create(
      {
        model: this.model,
        messages: messages.map((m) => ({ role: m.role, content: m.content })),
        ...(response_format ? { response_format } : {}),
      },
      { signal: options.signal },
    );
    const choice = completion.choices?.[0];
    const message = choice?.message;
    if (!message) throw new KernelError('LLM_ERROR', 'The LLM server answered without a choice (choices[0] missing); check that RK_LLM_BASE_URL is an OpenAI-compatible /v1 endpoint.');
    if (message.refusal) throw new KernelError('LLM_ERROR', `The model refused to answer: ${message.refusal}`, { details: { refusal: message.refusal } });
    if (typeof message.content !== 'string' || message.content.length === 0) {
      throw new KernelError('LLM_ERROR', `The model returned no text (finish_reason ${choice.finish_reason ?? 'unknown'}).`, { details: { finishReason: choice.finish_reason } });
    }
    const usage = completion.usage
      ? { promptTokens: completion.usage.prompt_tokens, completionTokens: completion.usage.completion_tokens }
      : undefined;
    this.log.debug(
      { durationMs: Math.round(performance.now() - started), finishReason: choice.finish_reason, structured: mode, ...usage },
      'chat completion',
    );
    return { content: message.content, model: completion.model ?? this.model, finishReason: choice.finish_reason ?? null, usage };
  }

  /** Maps client errors to `LLM_ERROR`/`ABORTED` with a message that says what to check. */
  private toKernelError(e: unknown): KernelError {
    if (e instanceof KernelError) return e;
    const baseUrl = this.config.llm.baseUrl;
    const retries = this.config.llm.maxRetries;
    const cause = this.sanitize(e);
    if (e instanceof APIUserAbortError) return new KernelError('ABORTED', 'The LLM request was cancelled by its AbortSignal.', { cause });
    if (e instanceof APIConnectionTimeoutError) {
      return new KernelError('LLM_ERROR', `The LLM server did not answer within ${this.config.llm.timeoutMs} ms (RK_LLM_TIMEOUT_MS) after ${retries} retries; raise the timeout or check the server.`, { cause, details: { kind: 'timeout' } });
    }
    if (e instanceof APIConnectionError) {
      return new KernelError('LLM_ERROR', `Cannot reach the LLM server at ${baseUrl} (RK_LLM_BASE_URL): ${this.redact(e.message)}.`, { cause, details: { kind: 'connection' } });
    }
    if (e instanceof APIError) {
      const status = e.status;
      const serverMessage = this.redact(upstreamMessage(e));
      const details = { kind: 'http', status, serverMessage };
      if (status === 401 || status === 403) {
        return new KernelError('LLM_ERROR', `The LLM server rejected the API key (HTTP ${status}); check RK_LLM_API_KEY.`, { cause, details });
      }
      if (status === 404) {
        return new KernelError('LLM_ERROR', `The LLM server does not know this model or path (HTTP 404: ${serverMessage}); check RK_LLM_MODEL and that RK_LLM_BASE_URL ends in /v1.`, { cause, details });
      }
      if (status === 429) {
        return new KernelError('LLM_ERROR', `The LLM server is rate limiting (HTTP 429) after ${retries} retries (RK_LLM_MAX_RETRIES); retry later or raise the quota.`, { cause, details, retryAfterS: retryAfterSeconds(e) });
      }
      if (status !== undefined && status >= 500) {
        return new KernelError('LLM_ERROR', `The LLM server failed (HTTP ${status}: ${serverMessage}) after ${retries} retries (RK_LLM_MAX_RETRIES); retry later.`, { cause, details, retryAfterS: retryAfterSeconds(e) });
      }
      return new KernelError('LLM_ERROR', `The LLM server refused the request (HTTP ${status ?? '?'}: ${serverMessage}).`, { cause, details });
    }
    return new KernelError('LLM_ERROR', `The LLM request failed: ${this.redact(e instanceof Error ? e.message : String(e))}`, { cause });
  }

  /** Replaces the configured key wherever a server or library echoed it. */
  private redact(text: string): string {
    return this.apiKey === PLACEHOLDER_API_KEY ? text : text.split(this.apiKey).join('[redacted]');
  }

  /** The cause kept on our error: the original unless it carries the key, then a scrubbed copy. */
  private sanitize(e: unknown): unknown {
    if (!(e instanceof Error) || !JSON.stringify({ m: e.message, s: e.stack }).includes(this.apiKey) || this.apiKey === PLACEHOLDER_API_KEY) return e;
    const copy = new Error(this.redact(e.message));
    copy.name = e.name;
    return copy;
  }

  /** Routes the client's own logging into pino (its header dumps already mask authorization). */
  private clientLogger() {
    const log = this.log.child({ source: 'openai-client' });
    const at =
      (level: 'error' | 'warn' | 'debug' | 'trace') =>
      (message: string, ...rest: unknown[]): void => {
        log[level]({ clientMessage: this.redact(message), details: rest.length > 0 ? JSON.parse(this.redact(JSON.stringify(rest))) : undefined }, 'openai client');
      };
    return { error: at('error'), warn: at('warn'), info: at('debug'), debug: at('trace') };
  }
}

/** Follows our logger's level; the client logs every request at `info`, which is our debug. */
function clientLogLevel(level: string): 'off' | 'error' | 'warn' | 'info' | 'debug' {
  switch (level) {
    case 'trace':
      return 'debug';
    case 'debug':
      return 'info';
    case 'silent':
      return 'off';
    case 'fatal':
    case 'error':
      return 'error';
    default:
      return 'warn';
  }
}

function rejectsResponseFormat(e: unknown): boolean {
  return e instanceof APIError && (e.status === 400 || e.status === 422) && /response_format|json_schema|json_object|structured/i.test(upstreamMessage(e));
}

function upstreamMessage(e: APIError): string {
  const body = e.error as { message?: unknown } | undefined;
  return typeof body?.message === 'string' ? body.message : e.message;
}

function retryAfterSeconds(e: APIError): number | undefined {
  const header = e.headers?.get('retry-after');
  const seconds = header ? Number(header) : NaN;
  return Number.isFinite(seconds) && seconds >= 0 ? seconds : undefined;
}
