import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve } from '../../../src/http/serve.js';
import { TEST_TOKEN, type TestServer, expectErrorShape, startTestServer } from './http-harness.js';

const PROTECTED: [string, string][] = [
  ['GET', '/api/v2/daytona/status'],
  ['GET', '/api/v2/daytona/config'],
  ['PUT', '/api/v2/daytona/config'],
  ['POST', '/api/v2/daytona/execute'],
  ['POST', '/api/v2/daytona/execute/batch'],
  ['POST', '/api/v2/daytona/test'],
  ['POST', '/api/v2/daytona/sandbox/create'],
  ['DELETE', '/api/v2/daytona/sandbox'],
  ['POST', '/api/v2/reason'],
  ['GET', '/api/v2/reason/abc'],
  ['GET', '/metrics'],
  ['GET', '/openapi.json'],
];

describe('bearer token (RK_ADMIN_TOKEN) on', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ server: { adminToken: TEST_TOKEN } });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('answers 401 with WWW-Authenticate on every route but /healthz without the token', async () => {
    for (const [method, path] of PROTECTED) {
      const r = await server.call(path, { method, auth: false, json: method === 'GET' || method === 'DELETE' ? undefined : { code: 'print(1)' } });
      expect(r.status, `${method} ${path}`).toBe(401);
      expect(expectErrorShape(r).code).toBe('UNAUTHORIZED');
      expect(r.headers.get('www-authenticate')).toMatch(/^Bearer/);
    }
  });

  it('answers 401 for a wrong token, a wrong scheme or a token prefix', async () => {
    for (const authorization of [`Bearer ${TEST_TOKEN}x`, `Bearer ${TEST_TOKEN.slice(0, -1)}`, `Basic ${TEST_TOKEN}`, TEST_TOKEN, 'Bearer', 'Bearer  ', '']) {
      const r = await server.call('/api/v2/daytona/config', { headers: { authorization } });
      expect(r.status, authorization).toBe(401);
      expect(r.text).not.toContain(TEST_TOKEN);
    }
  });

  it('accepts the right token (scheme case-insensitive)', async () => {
    expect((await server.call('/api/v2/daytona/config')).status).toBe(200);
    expect((await server.call('/api/v2/daytona/config', { headers: { authorization: `bearer ${TEST_TOKEN}` } })).status).toBe(200);
    const exec = await server.call('/api/v2/daytona/execute', { json: { code: 'print(2)' } });
    expect(exec.status).toBe(200);
    expect(exec.body.stdout).toBe('2\n');
  });

  it('leaves /healthz open (GET and HEAD)', async () => {
    const r = await server.call('/healthz', { auth: false });
    expect(r.status).toBe(200);
    expect((await server.call('/healthz', { auth: false, method: 'HEAD' })).status).toBe(200);
    expect((await server.call('/healthz?probe=1', { auth: false })).status).toBe(200);
    expect((await server.call('/metrics', { auth: false, method: 'HEAD' })).status).toBe(401);
  });

  it('checks the token before anything else: unknown routes and bad bodies are 401 without it', async () => {
    expect((await server.call('/nope', { auth: false })).status).toBe(401);
    expect((await server.call('/nope')).status).toBe(404);
    const badBody = await server.call('/api/v2/daytona/execute', { auth: false, body: '{', headers: { 'content-type': 'application/json' } });
    expect(badBody.status).toBe(401);
  });
});

describe('bearer token off (loopback default)', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  it('serves every route without a token', async () => {
    expect((await server.call('/api/v2/daytona/status', { auth: false })).status).toBe(200);
    expect((await server.call('/metrics', { auth: false })).status).toBe(200);
    expect((await server.call('/openapi.json', { auth: false })).status).toBe(200);
  });
});

describe('serve() binding policy', () => {
  it('refuses a non-loopback RK_HOST without RK_ADMIN_TOKEN, naming the variable', async () => {
    const errors = new PassThrough();
    let output = '';
    errors.on('data', (c: Buffer) => (output += c.toString()));
    const code = await serve({ env: { RK_HOST: '0.0.0.0', RK_PORT: '0', RK_LOG_LEVEL: 'silent' }, errorOutput: errors });
    expect(code).toBe(2);
    expect(output).toContain('RK_ADMIN_TOKEN');
    expect(output).toContain('0.0.0.0');
  });

  it('refuses an invalid configuration with exit code 2', async () => {
    const errors = new PassThrough();
    let output = '';
    errors.on('data', (c: Buffer) => (output += c.toString()));
    const code = await serve({ env: { RK_PORT: 'eighty', RK_LOG_LEVEL: 'silent' }, errorOutput: errors });
    expect(code).toBe(2);
    expect(output).toContain('RK_PORT');
  });
});
