import { describe, expect, it } from 'vitest';
import { BearerAuth } from '../../../src/http/auth.js';
import { assertSafeBinding, isLoopbackHost } from '../../../src/http/serve.js';

describe('BearerAuth', () => {
  const auth = new BearerAuth('s3cret-token-0123456789');

  it('accepts only `Bearer <token>`', () => {
    expect(auth.accepts('Bearer s3cret-token-0123456789')).toBe(true);
    expect(auth.accepts('bearer s3cret-token-0123456789')).toBe(true);
    expect(auth.accepts('Bearer s3cret-token-0123456789 ')).toBe(true);
    for (const h of [undefined, '', 'Bearer', 'Bearer ', 's3cret-token-0123456789', 'Basic s3cret-token-0123456789', 'Bearer s3cret-token-012345678', 'Bearer s3cret-token-01234567890', 'Bearer s3cret-token-0123456789 x']) {
      expect(auth.accepts(h), String(h)).toBe(false);
    }
  });

  it('throws UNAUTHORIZED whose message never contains the token', () => {
    expect(() => auth.check('Bearer nope')).toThrowError(/RK_ADMIN_TOKEN/);
    try {
      auth.check(undefined);
    } catch (e) {
      expect((e as Error).message).not.toContain('s3cret');
    }
  });
});

describe('binding policy', () => {
  it('recognises loopback hosts', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]', '::ffff:127.0.0.1']) expect(isLoopbackHost(h), h).toBe(true);
    for (const h of ['0.0.0.0', '::', '192.168.1.4', '10.0.0.1', 'example.com', '128.0.0.1', '::ffff:10.0.0.1']) expect(isLoopbackHost(h), h).toBe(false);
  });

  it('refuses a non-loopback host without a token, naming RK_ADMIN_TOKEN', () => {
    expect(() => assertSafeBinding({ host: '0.0.0.0' })).toThrowError(/RK_ADMIN_TOKEN/);
    expect(() => assertSafeBinding({ host: '0.0.0.0', adminToken: 'x'.repeat(16) })).not.toThrow();
    expect(() => assertSafeBinding({ host: '127.0.0.1' })).not.toThrow();
  });
});
