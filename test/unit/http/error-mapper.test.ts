import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ERROR_CODES, KernelError } from '../../../src/errors.js';
import { HTTP_STATUS_BY_CODE, HttpError, invalidInput, toErrorResponse } from '../../../src/http/error-mapper.js';

describe('toErrorResponse', () => {
  it('maps every kernel error code to a status', () => {
    for (const code of Object.keys(ERROR_CODES) as (keyof typeof ERROR_CODES)[]) {
      const r = toErrorResponse(new KernelError(code, 'm'));
      expect(r.status, code).toBe(HTTP_STATUS_BY_CODE[code].status);
      expect(r.body).toEqual({ error: { code, message: 'm' } });
    }
  });

  it('uses the documented statuses for the main cases', () => {
    const status = (code: keyof typeof ERROR_CODES) => toErrorResponse(new KernelError(code, 'm')).status;
    expect(status('INVALID_INPUT')).toBe(400);
    expect(status('CONFIG_NOT_ALLOWED')).toBe(403);
    expect(status('NOT_FOUND')).toBe(404);
    expect(status('SECURITY_VALIDATION_FAILED')).toBe(422);
    expect(status('QUEUE_FULL')).toBe(429);
    expect(status('SANDBOX_UNAVAILABLE')).toBe(503);
    expect(status('STATE_UNAVAILABLE')).toBe(503);
    expect(status('SANDBOX_TIMEOUT')).toBe(504);
  });

  it('sets Retry-After from the error, else the default for the code', () => {
    expect(toErrorResponse(new KernelError('QUEUE_FULL', 'm', { retryAfterS: 2.2 })).headers['retry-after']).toBe('3');
    expect(toErrorResponse(new KernelError('QUEUE_FULL', 'm')).headers['retry-after']).toBe('1');
    expect(toErrorResponse(new KernelError('SANDBOX_UNAVAILABLE', 'm')).headers['retry-after']).toBe('30');
    expect(toErrorResponse(new KernelError('STATE_UNAVAILABLE', 'm')).headers['retry-after']).toBe('5');
    expect(toErrorResponse(new KernelError('INVALID_INPUT', 'm')).headers['retry-after']).toBeUndefined();
  });

  it('keeps details but never the cause or the stack', () => {
    const cause = new Error('redis://user:secret@host failed');
    const r = toErrorResponse(new KernelError('STATE_UNAVAILABLE', 'state store down', { cause, details: { attempt: 1 } }));
    const text = JSON.stringify(r.body);
    expect(r.body.error.details).toEqual({ attempt: 1 });
    expect(text).not.toContain('secret');
    expect(text).not.toMatch(/at .*:\d+:\d+/);
  });

  it('hides unexpected errors behind INTERNAL 500', () => {
    const r = toErrorResponse(new TypeError('cannot read x of undefined at /srv/app.js:1:2'));
    expect(r.status).toBe(500);
    expect(r.body.error.code).toBe('INTERNAL');
    expect(JSON.stringify(r.body)).not.toContain('/srv/app.js');
    expect(r.logLevel).toBe('error');
  });

  it("maps fastify's framework errors to 4xx in the same shape", () => {
    const fst = (code: string, statusCode: number) => Object.assign(new Error('x'), { code, statusCode });
    expect(toErrorResponse(fst('FST_ERR_CTP_BODY_TOO_LARGE', 413)).body.error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(toErrorResponse(fst('FST_ERR_CTP_INVALID_MEDIA_TYPE', 415)).status).toBe(415);
    expect(toErrorResponse(fst('FST_ERR_BAD_URL', 400)).status).toBe(400);
    expect(toErrorResponse(fst('FST_ERR_SOMETHING_NEW', 418)).status).toBe(418);
  });

  it('HTTP-only codes: 401 carries WWW-Authenticate', () => {
    const r = toErrorResponse(new HttpError('UNAUTHORIZED', 'no token'));
    expect(r.status).toBe(401);
    expect(r.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(r.logLevel).toBe('debug');
    expect(toErrorResponse(new KernelError('SANDBOX_UNAVAILABLE', 'm')).logLevel).toBe('warn');
    expect(toErrorResponse(new KernelError('ABORTED', 'm')).logLevel).toBe('debug');
  });
});

describe('invalidInput', () => {
  it('names each field the way the client wrote it', () => {
    const schema = z.object({ items: z.array(z.object({ code: z.string() })), config: z.object({ cpu_limit: z.number() }).strict() }).strict();
    const parsed = schema.safeParse({ items: [{ code: 'x' }, { code: 1 }], config: { cpu_limit: 'a', extra: 1 } });
    const error = invalidInput('body', parsed.error!);
    const fields = (error.details as { issues: { field: string }[] }).issues.map((i) => i.field);
    expect(fields).toEqual(expect.arrayContaining(['items[1].code', 'config.cpu_limit', 'config']));
    expect(error.message).toContain('items[1].code');
    const whole = invalidInput('body', z.object({}).safeParse(null).error!);
    expect((whole.details as { issues: { field: string }[] }).issues[0].field).toBe('body');
  });
});
