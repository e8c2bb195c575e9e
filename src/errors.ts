/**
 * One error class with stable codes. User-code failures are data (an `ExecutionResult` with a
 * status); a `KernelError` means the caller's input or the infrastructure is wrong. Only the
 * HTTP module maps codes to statuses (`src/http/error-mapper.ts`).
 */
export const ERROR_CODES = {
  CONFIG_INVALID: 'One or more settings are invalid; the message lists each key and what to set.',
  INVALID_INPUT: 'The request is malformed (empty code, non-UTF-8, too large, wrong type).',
  SECURITY_VALIDATION_FAILED: 'The program was refused by the static validator; see violations.',
  CONFIG_NOT_ALLOWED: 'A requested setting is beyond the ceiling the operator set at startup.',
  SANDBOX_TIMEOUT: 'The sandbox did not answer within its deadline.',
  SANDBOX_UNAVAILABLE: 'No sandbox can run code (Daytona down with fallback=never, or isolation required but missing).',
  SANDBOX_ERROR: 'The sandbox failed for a reason other than the program.',
  PYTHON_NOT_FOUND: 'No usable python3 was found; set RK_PYTHON.',
  QUEUE_FULL: 'Too many executions are queued; retry later.',
  DAYTONA_AUTH: 'Daytona rejected the API key; check DAYTONA_API_KEY.',
  DAYTONA_RATE_LIMITED: 'Daytona rate limit hit; retry later.',
  STATE_UNAVAILABLE: 'The state store (Redis) cannot be reached; check REDIS_URL and the server.',
  NOT_FOUND: 'The requested object does not exist (or has expired).',
  LLM_ERROR: 'The LLM provider failed or returned unusable output.',
  ABORTED: 'The operation was cancelled by its AbortSignal.',
  SHUTTING_DOWN: 'The service is shutting down.',
} as const;

export type ErrorCode = keyof typeof ERROR_CODES;

export interface KernelErrorOptions {
  cause?: unknown;
  details?: unknown;
  /** Seconds after which a retry may succeed (429/503). */
  retryAfterS?: number;
}

export class KernelError extends Error {
  readonly code: ErrorCode;
  readonly details?: unknown;
  readonly retryAfterS?: number;

  constructor(code: ErrorCode, message: string, options: KernelErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'KernelError';
    this.code = code;
    this.details = options.details;
    this.retryAfterS = options.retryAfterS;
  }
}

export function isKernelError(e: unknown, code?: ErrorCode): e is KernelError {
  return e instanceof KernelError && (code === undefined || e.code === code);
}
