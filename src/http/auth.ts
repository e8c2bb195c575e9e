import { createHash, timingSafeEqual } from 'node:crypto';
import { HttpError } from './error-mapper.js';

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}

/**
 * Bearer-token check in constant time: both sides are hashed to equal-length digests first, so
 * neither the token's length nor its prefix leaks through timing.
 */
export class BearerAuth {
  private readonly expected: Buffer;

  constructor(token: string) {
    this.expected = digest(token);
  }

  /** True when `authorization` is `Bearer <token>` with the right token (scheme case-insensitive). */
  accepts(authorization: string | undefined): boolean {
    if (typeof authorization !== 'string') return false;
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization);
    // Hash something even on a malformed header, so that path costs the same as a wrong token.
    const presented = digest(match ? match[1] : '');
    return timingSafeEqual(presented, this.expected) && match !== null;
  }

  /** Throws `UNAUTHORIZED` (401) unless the header carries the token. */
  check(authorization: string | undefined): void {
    if (this.accepts(authorization)) return;
    throw new HttpError(
      'UNAUTHORIZED',
      authorization === undefined
        ? 'missing bearer token: send the header `Authorization: Bearer <RK_ADMIN_TOKEN>`'
        : 'wrong bearer token: send the token configured in RK_ADMIN_TOKEN as `Authorization: Bearer <token>`',
    );
  }
}
