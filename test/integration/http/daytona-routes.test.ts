import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  batchResponseSchema,
  sandboxDeletedSchema,
  sandboxInfoSchema,
  selfTestResponseSchema,
  wireExecutionResultSchema,
  wireSandboxConfigSchema,
  wireStatusSchema,
} from '../../../src/http/schemas.js';
import { type TestServer, expectErrorShape, startTestServer } from './http-harness.js';

describe('/api/v2/daytona routes over HTTP (local sandbox, auth off)', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  describe('GET /status', () => {
    it('answers the seed shape field by field', async () => {
      const r = await server.call('/api/v2/daytona/status');
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toMatch(/^application\/json/);
      const b = r.body;
      expect(b.daytona_available).toBe(false);
      expect(typeof b.sandbox_active).toBe('boolean');
      expect(b.api_key_configured).toBe(false);
      expect(['operational', 'fallback_mode', 'unavailable']).toContain(b.service_status);
      expect(b.config).toEqual({
        cpu_limit: 2,
        memory_limit_mb: 256,
        execution_timeout: 10,
        temp_storage_mb: 50,
        python_version: '3.11',
        enable_networking: false,
        enable_ast_validation: true,
        allowed_imports: ['numpy', 'scipy', 'jax', 'numpyro', 'pandas', 'matplotlib', 'json', 'math'],
      });
      expect(b.sandbox_type).toBe('local');
      expect(b.state_store).toEqual({ kind: 'memory', ok: true });
      expect(wireStatusSchema.parse(b)).toEqual(b);
    });
  });

  describe('GET and PUT /config', () => {
    it('GET returns the seed SandboxConfig', async () => {
      const r = await server.call('/api/v2/daytona/config');
      expect(r.status).toBe(200);
      expect(wireSandboxConfigSchema.parse(r.body)).toEqual(r.body);
      expect(r.body.execution_timeout).toBe(10);
    });

    it('PUT merges a partial update and leaves other fields alone', async () => {
      const before = (await server.call('/api/v2/daytona/config')).body;
      const r = await server.call('/api/v2/daytona/config', { method: 'PUT', json: { cpu_limit: 3, allowed_imports: ['numpy', 'math', 'json'] } });
      expect(r.status).toBe(200);
      expect(r.body).toEqual({ ...before, cpu_limit: 3, allowed_imports: ['numpy', 'math', 'json'] });
      const again = await server.call('/api/v2/daytona/config', { method: 'PUT', json: { execution_timeout: 12 } });
      expect(again.body).toEqual({ ...before, cpu_limit: 3, allowed_imports: ['numpy', 'math', 'json'], execution_timeout: 12 });
      expect((await server.call('/api/v2/daytona/config')).body).toEqual(again.body);
      // Restore for the other tests.
      await server.call('/api/v2/daytona/config', { method: 'PUT', json: before });
      expect((await server.call('/api/v2/daytona/config')).body).toEqual(before);
    });

    it('PUT refuses values above the operator ceiling with 403 CONFIG_NOT_ALLOWED and changes nothing', async () => {
      const before = (await server.call('/api/v2/daytona/config')).body;
      for (const patch of [{ memory_limit_mb: 4096 }, { enable_networking: true }, { enable_ast_validation: false }, { allowed_imports: ['os'] }, { execution_timeout: 999 }]) {
        const r = await server.call('/api/v2/daytona/config', { method: 'PUT', json: { cpu_limit: 1, ...patch } });
        expect(r.status, JSON.stringify(patch)).toBe(403);
        const error = expectErrorShape(r);
        expect(error.code).toBe('CONFIG_NOT_ALLOWED');
        expect(error.message).toMatch(/RK_/);
      }
      expect((await server.call('/api/v2/daytona/config')).body).toEqual(before);
    });

    it('PUT rejects unknown fields and wrong types with 400 naming the field', async () => {
      const unknown = await server.call('/api/v2/daytona/config', { method: 'PUT', json: { cpu_limt: 2 } });
      expect(unknown.status).toBe(400);
      expect(expectErrorShape(unknown).message).toContain('cpu_limt');
      const wrongType = await server.call('/api/v2/daytona/config', { method: 'PUT', json: { memory_limit_mb: '512' } });
      expect(wrongType.status).toBe(400);
      const error = expectErrorShape(wrongType);
      expect(error.code).toBe('INVALID_INPUT');
      expect(error.details.issues[0].field).toBe('memory_limit_mb');
      const notObject = await server.call('/api/v2/daytona/config', { method: 'PUT', json: [1, 2] });
      expect(notObject.status).toBe(400);
      const noBody = await server.call('/api/v2/daytona/config', { method: 'PUT' });
      expect(noBody.status).toBe(400);
      expect(expectErrorShape(noBody).details.issues[0].field).toBe('body');
    });
  });

  describe('POST /execute', () => {
    it('runs the seed example and answers the seed response shape', async () => {
      const r = await server.call('/api/v2/daytona/execute', {
        json: { code: "print('Hello World')", timeout: 30, config: { cpu_limit: 2, memory_limit_mb: 512 } },
      });
      expect(r.status).toBe(200);
      const b = r.body;
      expect(b.exit_code).toBe(0);
      expect(b.stdout).toBe('Hello World\n');
      expect(b.stderr).toBe('');
      expect(b.execution_time).toBeGreaterThan(0);
      expect(b.status).toBe('completed');
      expect(b.resource_usage.cpu_usage_percent).toBeGreaterThanOrEqual(0);
      expect(b.resource_usage.memory_usage_mb).toBeGreaterThan(0);
      expect(b.metadata.sandbox_type).toBe('local');
      expect(b.metadata).toHaveProperty('sandbox_id');
      expect(b.metadata.fallback).toBe(false);
      expect(wireExecutionResultSchema.parse(b)).toEqual(b);
    });

    it('reports a failing program as data: 200 with status failed and its exit code', async () => {
      const r = await server.call('/api/v2/daytona/execute', { json: { code: 'print("partial")\nraise SystemExit(3)\n' } });
      expect(r.status).toBe(200);
      expect(r.body.status).toBe('failed');
      expect(r.body.exit_code).toBe(3);
      expect(r.body.stdout).toBe('partial\n');
    });

    it('reports a timeout as data: 200 with status timeout', async () => {
      const r = await server.call('/api/v2/daytona/execute', { json: { code: 'while True:\n    pass\n', timeout: 1 } });
      expect(r.status).toBe(200);
      expect(r.body.status).toBe('timeout');
    });

    it('reports a memory overrun as resource_exceeded', async () => {
      const r = await server.call('/api/v2/daytona/execute', {
        json: { code: 'x = bytearray(900 * 1024 * 1024)\nprint(len(x))\n', config: { memory_limit_mb: 64 } },
      });
      expect(r.status).toBe(200);
      expect(r.body.status).toBe('resource_exceeded');
    });

    it("applies a request's config to that request only", async () => {
      const before = (await server.call('/api/v2/daytona/config')).body;
      const r = await server.call('/api/v2/daytona/execute', { json: { code: 'print(1)', config: { memory_limit_mb: 128, cpu_limit: 1 } } });
      expect(r.status).toBe(200);
      expect((await server.call('/api/v2/daytona/config')).body).toEqual(before);
    });

    it('refuses a dangerous program with 422, the violations and the seed result', async () => {
      const r = await server.call('/api/v2/daytona/execute', { json: { code: 'import os\nprint(os.listdir("/"))\n' } });
      expect(r.status).toBe(422);
      const error = expectErrorShape(r);
      expect(error.code).toBe('SECURITY_VALIDATION_FAILED');
      expect(error.details.violations.length).toBeGreaterThan(0);
      expect(error.details.violations[0]).toMatchObject({ line: 1, rule: expect.any(String), message: expect.any(String), column: expect.any(Number) });
      expect(error.details.result.status).toBe('security_violation');
      expect(error.details.result.exit_code).toBeNull();
      expect(wireExecutionResultSchema.parse(error.details.result)).toEqual(error.details.result);
      const evalCall = await server.call('/api/v2/daytona/execute', { json: { code: "print(eval('1+1'))" } });
      expect(evalCall.status).toBe(422);
    });

    it('refuses settings beyond the ceiling with 403', async () => {
      const timeout = await server.call('/api/v2/daytona/execute', { json: { code: 'print(1)', timeout: 500 } });
      expect(timeout.status).toBe(403);
      expect(expectErrorShape(timeout).code).toBe('CONFIG_NOT_ALLOWED');
      const net = await server.call('/api/v2/daytona/execute', { json: { code: 'print(1)', config: { enable_networking: true } } });
      expect(net.status).toBe(403);
      const noValidation = await server.call('/api/v2/daytona/execute', { json: { code: 'import os', config: { enable_ast_validation: false } } });
      expect(noValidation.status).toBe(403);
    });

    it('answers 400 naming the field for missing, empty, mistyped and unknown fields', async () => {
      const cases: [unknown, string][] = [
        [{}, 'code'],
        [{ code: '' }, 'code'],
        [{ code: 42 }, 'code'],
        [{ code: 'print(1)', timeout: -1 }, 'timeout'],
        [{ code: 'print(1)', timeout: '30' }, 'timeout'],
        [{ code: 'print(1)', config: { memory_limit_mb: 1.5 } }, 'config.memory_limit_mb'],
        [{ code: 'print(1)', langauge: 'python' }, 'body'],
        ['print(1)', 'body'],
        [null, 'body'],
      ];
      for (const [json, field] of cases) {
        const r = await server.call('/api/v2/daytona/execute', { json });
        expect(r.status, JSON.stringify(json)).toBe(400);
        const error = expectErrorShape(r);
        expect(error.code).toBe('INVALID_INPUT');
        expect(error.details.issues.map((i: { field: string }) => i.field)).toContain(field);
      }
      const whitespace = await server.call('/api/v2/daytona/execute', { json: { code: '   \n' } });
      expect(whitespace.status).toBe(400);
    });

    it('answers 413 for a program over RK_MAX_CODE_BYTES and for a body over RK_BODY_LIMIT_BYTES', async () => {
      const tooLong = await server.call('/api/v2/daytona/execute', { json: { code: `x = 1\n${'# padding\n'.repeat(500)}` } });
      expect(tooLong.status).toBe(413);
      const error = expectErrorShape(tooLong);
      expect(error.code).toBe('PAYLOAD_TOO_LARGE');
      expect(error.details).toMatchObject({ field: 'code', limit_bytes: 4096 });
      const huge = await server.call('/api/v2/daytona/execute', { json: { code: 'x'.repeat(100 * 1024) } });
      expect(huge.status).toBe(413);
      expect(expectErrorShape(huge).code).toBe('PAYLOAD_TOO_LARGE');
    });

    it('answers 400 for bad JSON and bad UTF-8, 415 for other content types', async () => {
      const badJson = await server.call('/api/v2/daytona/execute', { body: '{"code": "print(1)"', headers: { 'content-type': 'application/json' } });
      expect(badJson.status).toBe(400);
      expect(expectErrorShape(badJson).code).toBe('INVALID_INPUT');
      const badUtf8 = await server.call('/api/v2/daytona/execute', {
        body: Buffer.concat([Buffer.from('{"code": "print(\''), Buffer.from([0xff, 0xfe, 0xc3]), Buffer.from('\')"}')]),
        headers: { 'content-type': 'application/json' },
      });
      expect(badUtf8.status).toBe(400);
      expect(expectErrorShape(badUtf8).message).toMatch(/UTF-8/);
      const proto = await server.call('/api/v2/daytona/execute', { body: '{"code":"print(1)","__proto__":{"x":1}}', headers: { 'content-type': 'application/json' } });
      expect(proto.status).toBe(400);
      for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'application/xml', 'application/json; charset=latin1']) {
        const r = await server.call('/api/v2/daytona/execute', { body: '{"code":"print(1)"}', headers: { 'content-type': type } });
        expect(r.status, type).toBe(415);
        expect(expectErrorShape(r).code).toBe('UNSUPPORTED_MEDIA_TYPE');
      }
      const charsetOk = await server.call('/api/v2/daytona/execute', { body: '{"code":"print(1)"}', headers: { 'content-type': 'application/json; charset=UTF-8' } });
      expect(charsetOk.status).toBe(200);
    });
  });

  describe('POST /execute/batch', () => {
    it('returns results in request order, refused and failing items as data', async () => {
      const r = await server.call('/api/v2/daytona/execute/batch', {
        json: { items: [{ code: 'print("a")' }, { code: 'import subprocess' }, { code: 'raise ValueError("b")' }, { code: 'print("c")', timeout: 5 }], concurrency: 2 },
      });
      expect(r.status).toBe(200);
      expect(batchResponseSchema.parse(r.body)).toEqual(r.body);
      expect(r.body.results.map((x: { status: string }) => x.status)).toEqual(['completed', 'security_violation', 'failed', 'completed']);
      expect(r.body.results[0].stdout).toBe('a\n');
      expect(r.body.results[1].violations.length).toBeGreaterThan(0);
      expect(r.body.results[3].stdout).toBe('c\n');
    });

    it('validates the whole batch first: 400 for a bad item, 403 for an item beyond the ceiling', async () => {
      const empty = await server.call('/api/v2/daytona/execute/batch', { json: { items: [] } });
      expect(empty.status).toBe(400);
      const badItem = await server.call('/api/v2/daytona/execute/batch', { json: { items: [{ code: 'print(1)' }, { code: 7 }] } });
      expect(badItem.status).toBe(400);
      expect(expectErrorShape(badItem).details.issues[0].field).toBe('items[1].code');
      const tooMany = await server.call('/api/v2/daytona/execute/batch', { json: { items: Array.from({ length: 101 }, () => ({ code: 'print(1)' })) } });
      expect(tooMany.status).toBe(400);
      expect(expectErrorShape(tooMany).message).toMatch(/RK_HTTP_MAX_BATCH_ITEMS/);
      const overCeiling = await server.call('/api/v2/daytona/execute/batch', { json: { items: [{ code: 'print(2)', config: { memory_limit_mb: 4096 } }] } });
      expect(overCeiling.status).toBe(403);
      const concurrency = await server.call('/api/v2/daytona/execute/batch', { json: { items: [{ code: 'print(1)' }], concurrency: 0 } });
      expect(concurrency.status).toBe(400);
    });
  });

  describe('POST /test', () => {
    it('runs the numpy program and reports passed with the result', async () => {
      const r = await server.call('/api/v2/daytona/test', { method: 'POST' });
      expect(r.status).toBe(200);
      expect(selfTestResponseSchema.parse(r.body)).toEqual(r.body);
      expect(r.body.test_status).toBe('passed');
      expect(r.body.result.status).toBe('completed');
      expect(r.body.result.stdout).toBe('5050\n');
    });

    it('accepts an empty JSON body (clients that always send Content-Type)', async () => {
      const r = await server.call('/api/v2/daytona/test', { method: 'POST', body: '', headers: { 'content-type': 'application/json' } });
      expect(r.status).toBe(200);
      expect(r.body.test_status).toBe('passed');
    });

    it('reports failed when numpy is not allowed any more', async () => {
      const before = (await server.call('/api/v2/daytona/config')).body;
      try {
        await server.call('/api/v2/daytona/config', { method: 'PUT', json: { allowed_imports: ['math'] } });
        const r = await server.call('/api/v2/daytona/test', { method: 'POST' });
        expect(r.status).toBe(200);
        expect(r.body.test_status).toBe('failed');
        expect(r.body.result.status).toBe('security_violation');
      } finally {
        await server.call('/api/v2/daytona/config', { method: 'PUT', json: before });
      }
    });
  });

  describe('sandbox lifecycle', () => {
    it('POST /sandbox/create then DELETE /sandbox', async () => {
      const created = await server.call('/api/v2/daytona/sandbox/create', { method: 'POST' });
      expect(created.status).toBe(200);
      expect(sandboxInfoSchema.parse(created.body)).toEqual(created.body);
      expect(created.body.sandbox_type).toBe('local');
      const deleted = await server.call('/api/v2/daytona/sandbox', { method: 'DELETE' });
      expect(deleted.status).toBe(200);
      expect(sandboxDeletedSchema.parse(deleted.body)).toEqual(deleted.body);
    });
  });

  describe('unknown routes', () => {
    it('answers 404 in the error shape for unknown paths and wrong methods', async () => {
      for (const [method, path] of [
        ['GET', '/api/v2/daytona/nope'],
        ['GET', '/api/v2/daytona/execute'],
        ['POST', '/api/v2/daytona/status'],
        ['GET', '/'],
        ['PATCH', '/api/v2/daytona/config'],
      ]) {
        const r = await server.call(path, { method });
        expect(r.status, `${method} ${path}`).toBe(404);
        expect(expectErrorShape(r).code).toBe('NOT_FOUND');
      }
    });
  });
});
