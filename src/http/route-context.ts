import type { FastifyReply } from 'fastify';
import type { z } from 'zod';
import type { AppConfig } from '../config/schema.js';
import { KernelError, isKernelError } from '../errors.js';
import type { ReasoningKernel } from '../kernel/reasoning-kernel.js';
import { HttpError, invalidInput } from './error-mapper.js';
import type { ExecutionGate } from './execution-gate.js';
import type { HttpMetrics } from './metrics.js';

/** What route modules share: the kernel (same container as the CLI), metrics and the gate. */
export interface RouteContext {
  kernel: ReasoningKernel;
  config: Readonly<AppConfig>;
  metrics: HttpMetrics;
  gate: ExecutionGate;
  /** Set once shutdown begins; `/healthz` then reports `shutting_down`. */
  readonly shuttingDown: boolean;
  startedAtMs: number;
}

/** Parses untrusted input with `schema`, throwing INVALID_INPUT (400) naming each bad field. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown, where: 'body' | 'params' | 'query'): z.output<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw invalidInput(where, parsed.error);
  return parsed.data;
}

/** Refuses a program over `RK_MAX_CODE_BYTES` with 413, before it reaches the validator. */
export function assertCodeSize(code: string, field: string, maxCodeBytes: number): void {
  // UTF-8 is at most 3 bytes per UTF-16 unit: skip the byte count for obviously small programs.
  if (code.length * 3 <= maxCodeBytes) return;
  const bytes = Buffer.byteLength(code, 'utf8');
  if (bytes > maxCodeBytes) {
    throw new HttpError('PAYLOAD_TOO_LARGE', `${field} is ${bytes} bytes, over the ${maxCodeBytes}-byte limit (RK_MAX_CODE_BYTES); send a shorter program`, {
      field,
      size_bytes: bytes,
      limit_bytes: maxCodeBytes,
    });
  }
}

/**
 * Runs `work` holding `weight` gate slots (429 when full). The signal fires when the client
 * disconnects (no one is waiting for the result) or when shutdown cancels in-flight work.
 */
export async function withGate<T>(ctx: RouteContext, reply: FastifyReply, weight: number, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const ticket = ctx.gate.enter(weight);
  const onClose = (): void => {
    if (!reply.raw.writableEnded) ticket.abort(new KernelError('ABORTED', 'the client closed the connection before the result was ready'));
  };
  reply.raw.once('close', onClose);
  try {
    return await work(ticket.signal);
  } catch (e) {
    // A run cancelled by shutdown reports SHUTTING_DOWN (503, Retry-After) rather than ABORTED.
    if (ticket.signal.aborted && isKernelError(ticket.signal.reason, 'SHUTTING_DOWN')) throw ticket.signal.reason;
    throw e;
  } finally {
    reply.raw.off('close', onClose);
    ticket.release();
  }
}
