/**
 * THE one place that maps errors to HTTP statuses and the body `{error: {code, message, details?}}`.
 * Kernel codes come from `src/errors.ts`; a few codes exist only at the HTTP edge (below).
 * Bodies never carry stack traces, causes or secrets: only the code, our own message and details.
 */
import type { ZodError } from 'zod';
import { type ErrorCode, KernelError, isKernelError } from '../errors.js';

/** Codes produced only by the HTTP layer. */
export const HTTP_ERROR_CODES = {
  UNAUTHORIZED: 'Missing or wrong bearer token; send `Authorization: Bearer <RK_ADMIN_TOKEN>`.',
  PAYLOAD_TOO_LARGE: 'The body or the program is over its size limit (RK_BODY_LIMIT_BYTES, RK_MAX_CODE_BYTES).',
  UNSUPPORTED_MEDIA_TYPE: 'Only `application/json` (UTF-8) bodies are accepted.',
  INTERNAL: 'An unexpected server error; the server log has the details under the request id.',
} as const;

export type HttpErrorCode = keyof typeof HTTP_ERROR_CODES;
export type WireErrorCode = ErrorCode | HttpErrorCode;

export interface ErrorMapping {
  status: number;
  /** Default `Retry-After` seconds when the error does not carry its own. */
  retryAfterS?: number;
}

/**
 * Status per code. Typed over every `ErrorCode`, so a new kernel code does not compile until it is
 * mapped here. CONFIG_NOT_ALLOWED is 403: the request is well-formed but asks for something the
 * operator's ceiling forbids; 422 is kept for refused programs so clients can tell them apart.
 */
export const HTTP_STATUS_BY_CODE: Readonly<Record<WireErrorCode, ErrorMapping>> = {
  INVALID_INPUT: { status: 400 },
  UNAUTHORIZED: { status: 401 },
  CONFIG_NOT_ALLOWED: { status: 403 },
  NOT_FOUND: { status: 404 },
  PAYLOAD_TOO_LARGE: { status: 413 },
  UNSUPPORTED_MEDIA_TYPE: { status: 415 },
  SECURITY_VALIDATION_FAILED: { status: 422 },
  QUEUE_FULL: { status: 429, retryAfterS: 1 },
  CONFIG_INVALID: { status: 500 },
  INTERNAL: { status: 500 },
  SANDBOX_ERROR: { status: 502 },
  DAYTONA_AUTH: { status: 502 },
  LLM_ERROR: { status: 502 },
  SANDBOX_UNAVAILABLE: { status: 503, retryAfterS: 30 },
  STATE_UNAVAILABLE: { status: 503, retryAfterS: 5 },
  DAYTONA_RATE_LIMITED: { status: 503, retryAfterS: 10 },
  PYTHON_NOT_FOUND: { status: 503 },
  SHUTTING_DOWN: { status: 503, retryAfterS: 5 },
  ABORTED: { status: 503, retryAfterS: 5 },
  SANDBOX_TIMEOUT: { status: 504 },
};

/** An error raised by the HTTP layer itself, with an HTTP-only code. */
export class HttpError extends Error {
  constructor(
    readonly code: HttpErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export interface ErrorResponse {
  status: number;
  headers: Record<string, string>;
  body: { error: { code: WireErrorCode; message: string; details?: unknown } };
  /** How the boundary logs it: `error` for bugs (with the cause), `warn` for infrastructure trouble, `debug` for a client's mistake or load shedding. */
  logLevel: 'error' | 'warn' | 'debug';
}

/** Builds the response for any thrown value. */
export function toErrorResponse(error: unknown): ErrorResponse {
  if (isKernelError(error)) return build(error.code, error.message, error.details, error.retryAfterS);
  if (error instanceof HttpError) return build(error.code, error.message, error.details);
  const framework = fromFrameworkError(error);
  if (framework) return framework;
  return build('INTERNAL', 'internal error: the server log has the details; report it with the x-request-id header');
}

/** A zod failure as INVALID_INPUT naming each field (`where` is `body`, `params`, ...). */
export function invalidInput(where: string, error: ZodError): KernelError {
  const issues = error.issues.map((i) => ({ field: fieldPath(where, i.path), message: i.message, code: i.code }));
  const message = issues.map((i) => `${i.field}: ${i.message}`).join('; ');
  return new KernelError('INVALID_INPUT', `Invalid request ${where}: ${message}`, { details: { issues } });
}

/** `code`, `items[1].code`, `config.memory_limit_mb`; the whole body (or params) is named by `where`. */
function fieldPath(where: string, path: readonly PropertyKey[]): string {
  if (path.length === 0) return where;
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`)).join('');
}

function build(code: WireErrorCode, message: string, details?: unknown, retryAfterS?: number): ErrorResponse {
  const mapping = HTTP_STATUS_BY_CODE[code] ?? HTTP_STATUS_BY_CODE.INTERNAL;
  const headers: Record<string, string> = {};
  const retry = retryAfterS ?? mapping.retryAfterS;
  if (retry !== undefined) headers['retry-after'] = String(Math.max(1, Math.ceil(retry)));
  if (code === 'UNAUTHORIZED') headers['www-authenticate'] = 'Bearer realm="reasoning-kernel"';
  return {
    status: mapping.status,
    headers,
    body: { error: { code, message, ...(details !== undefined ? { details } : {}) } },
    logLevel: code === 'INTERNAL' || code === 'CONFIG_INVALID' ? 'error' : mapping.status >= 500 && code !== 'SHUTTING_DOWN' && code !== 'ABORTED' ? 'warn' : 'debug',
  };
}

/** Fastify's own errors (body parsing, bad URLs, limits) in our shape. */
function fromFrameworkError(error: unknown): ErrorResponse | undefined {
  if (!(error instanceof Error)) return undefined;
  const { code, statusCode } = error as Error & { code?: string; statusCode?: number };
  switch (code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return build('PAYLOAD_TOO_LARGE', 'the request body is over the size limit (RK_BODY_LIMIT_BYTES); send a smaller body');
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_TYPE':
      return build('UNSUPPORTED_MEDIA_TYPE', 'unsupported Content-Type: send the body as application/json');
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return build('INVALID_INPUT', 'the Content-Length header does not match the body');
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return build('INVALID_INPUT', 'the body is not valid JSON');
    case 'FST_ERR_BAD_URL':
      return build('INVALID_INPUT', 'the URL is not valid (bad percent-encoding)');
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return build('NOT_FOUND', 'no such resource: the path parameter is too long');
    default:
      break;
  }
  // Other 4xx errors from fastify or node (aborted uploads, ...): keep the status, hide internals.
  if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
    const mapped = statusCode === 413 ? 'PAYLOAD_TOO_LARGE' : statusCode === 415 ? 'UNSUPPORTED_MEDIA_TYPE' : statusCode === 404 ? 'NOT_FOUND' : 'INVALID_INPUT';
    const response = build(mapped, 'the request could not be processed: check the body, headers and Content-Type');
    return { ...response, status: statusCode };
  }
  return undefined;
}
