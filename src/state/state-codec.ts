import type { Logger } from 'pino';
import type { z } from 'zod';
import { KernelError } from '../errors.js';
import type { SandboxRecord } from '../kernel/tokens.js';

/**
 * Validates a value before it is stored and returns its JSON. Storing something the store would
 * refuse to read back would turn a caller's bug into a silently "missing" run, so it throws here.
 */
export function encodeValue<S extends z.ZodType>(schema: S, value: unknown, what: string): string {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new KernelError('INVALID_INPUT', `Refusing to store an invalid ${what}: ${issues.join('; ')}`, {
      details: issues,
    });
  }
  return JSON.stringify(parsed.data);
}

/** How many distinct corrupt keys are remembered before the memory is reset (bounds it). */
const MAX_REMEMBERED_KEYS = 1000;

/**
 * Parses and validates a stored value. A corrupt one (not JSON, or not the expected shape) is
 * reported once per key and treated as absent: a bad entry must never fail a request.
 */
export class ValueDecoder {
  private readonly reported = new Set<string>();

  constructor(private readonly logger: Logger) {}

  decode<S extends z.ZodType>(schema: S, raw: string | null | undefined, key: string): z.output<S> | null {
    if (raw === null || raw === undefined) return null;
    let json: unknown;
    try {
      json = JSON.parse(raw);
    } catch (e) {
      this.report(key, `not JSON (${(e as Error).message})`);
      return null;
    }
    const parsed = schema.safeParse(json);
    if (!parsed.success) {
      this.report(key, parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; '));
      return null;
    }
    return parsed.data;
  }

  private report(key: string, reason: string): void {
    if (this.reported.has(key)) return;
    if (this.reported.size >= MAX_REMEMBERED_KEYS) this.reported.clear();
    this.reported.add(key);
    this.logger.warn({ key, reason }, 'ignoring corrupt value in the state store; delete the key or let it expire');
  }
}

/** Both stores list sandboxes oldest first (a cleanup pass deletes in creation order), ties by id. */
export function sortSandboxes(records: SandboxRecord[]): SandboxRecord[] {
  return records.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.sandboxId.localeCompare(b.sandboxId));
}
