/**
 * Structured replies: a zod schema is the one source of truth, sent to the server as JSON Schema
 * (where supported) and ALWAYS checked on our side, with one corrective retry.
 */
import { z } from 'zod';
import { KernelError } from '../errors.js';
import type { ChatMessage, ChatReply, Logger, ModelProvider } from '../kernel/tokens.js';
import { extractJsonObject } from './extract-json.js';

/** A named reply shape: what the model must return and how we check it. */
export interface StructuredSpec<T> {
  /** `response_format.json_schema.name` (letters, digits, `_`, `-`). */
  name: string;
  schema: z.ZodType<T>;
  /** JSON Schema sent to the server, derived from `schema` by `toWireJsonSchema`. */
  jsonSchema: Record<string, unknown>;
}

/** Builds a spec; the wire schema is generated once from the zod schema. */
export function structuredSpec<T>(name: string, schema: z.ZodType<T>): StructuredSpec<T> {
  return { name, schema, jsonSchema: toWireJsonSchema(schema) };
}

/**
 * JSON Schema for `response_format` in OpenAI's strict subset: every property required,
 * `additionalProperties: false` (zod's output mode), without keywords strict mode refuses.
 */
export function toWireJsonSchema(schema: z.ZodType): Record<string, unknown> {
  const json = z.toJSONSchema(schema, { io: 'output', unrepresentable: 'any' }) as Record<string, unknown>;
  return strip(json) as Record<string, unknown>;
}

/** Keywords outside the strict subset some servers enforce; our zod check covers them instead. */
const UNSUPPORTED_KEYWORDS = new Set(['$schema', 'default', 'minLength', 'maxLength']);

function strip(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(strip);
  if (typeof node !== 'object' || node === null) return node;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(node)) {
    if (UNSUPPORTED_KEYWORDS.has(key)) continue;
    out[key] = strip(value);
  }
  return out;
}

/** Parses a reply: extracts the JSON object, then validates it. */
export function parseStructured<T>(content: string, schema: z.ZodType<T>): { ok: true; value: T } | { ok: false; error: string } {
  const extracted = extractJsonObject(content);
  if (!extracted.ok) return extracted;
  const parsed = schema.safeParse(extracted.value);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issues = parsed.error.issues.slice(0, 12).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
  return { ok: false, error: `the JSON does not match the schema (${issues.join('; ')})` };
}

export interface StructuredResult<T> {
  value: T;
  reply: ChatReply;
  /** 1 when the first reply was usable, 2 after the corrective retry. */
  attempts: number;
}

/**
 * Asks for a structured reply. When the reply is unusable (no JSON, malformed, wrong shape), asks
 * once more with the exact problem; a second failure throws `LLM_ERROR` naming the problem.
 */
export async function requestStructured<T>(
  provider: ModelProvider,
  messages: readonly ChatMessage[],
  spec: StructuredSpec<T>,
  options: { signal?: AbortSignal; logger?: Logger; retries?: number } = {},
): Promise<StructuredResult<T>> {
  const retries = options.retries ?? 1;
  let conversation: ChatMessage[] = [...messages];
  let lastError = '';
  let lastContent = '';
  for (let attempt = 1; attempt <= retries + 1; attempt++) {
    const reply = await provider.chat(conversation, { jsonSchema: { name: spec.name, schema: spec.jsonSchema }, signal: options.signal });
    const parsed = parseStructured(reply.content, spec.schema);
    if (parsed.ok) return { value: parsed.value, reply, attempts: attempt };
    lastError = reply.finishReason === 'length' ? `the reply was cut off at the token limit; ${parsed.error}` : parsed.error;
    lastContent = reply.content;
    options.logger?.warn({ reply: spec.name, attempt, problem: lastError }, 'unusable structured reply from the model');
    conversation = [
      ...messages,
      { role: 'assistant', content: reply.content },
      {
        role: 'user',
        content: `Your reply could not be used: ${lastError}. Reply again with ONLY one JSON object matching the "${spec.name}" schema: no code fences, no text before or after it.`,
      },
    ];
  }
  throw new KernelError(
    'LLM_ERROR',
    `The model's "${spec.name}" reply was unusable after ${retries + 1} attempts: ${lastError}. Use a model that supports structured output (JSON Schema) or check RK_LLM_MODEL.`,
    { details: { reply: spec.name, problem: lastError, contentPreview: lastContent.slice(0, 400) } },
  );
}
