/**
 * Daytona configured but unreachable (a closed loopback port): with fallback `never` the seed's
 * routes answer 503 SANDBOX_UNAVAILABLE with Retry-After; with `auto` the local executor runs the
 * code and says so (`metadata.fallback`, `rk_sandbox_fallbacks_total`).
 */
import { describe, expect, it } from 'vitest';
import { expectErrorShape, startTestServer } from './http-harness.js';

const UNREACHABLE = { apiKey: 'test-daytona-key', apiUrl: 'http://127.0.0.1:1/api', maxRetries: 0, requestTimeoutMs: 2000, createTimeoutS: 5, probeIntervalS: 30 };

describe('Daytona unreachable', () => {
  it('fallback never: 503 SANDBOX_UNAVAILABLE with Retry-After, /status says unavailable', async () => {
    const server = await startTestServer({ config: { daytona: { ...UNREACHABLE, fallback: 'never' } } });
    try {
      expect(server.kernel.services.executor.kind).toBe('daytona');
      const r = await server.call('/api/v2/daytona/execute', { json: { code: 'print(1)' } });
      expect(r.status).toBe(503);
      expect(expectErrorShape(r).code).toBe('SANDBOX_UNAVAILABLE');
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThan(0);
      const test = await server.call('/api/v2/daytona/test', { method: 'POST' });
      expect(test.status).toBe(503);
      const status = await server.call('/api/v2/daytona/status');
      expect(status.status).toBe(200);
      expect(status.body).toMatchObject({ api_key_configured: true, daytona_available: false, service_status: 'unavailable' });
    } finally {
      await server.stop();
    }
  });

  it('fallback auto: the local executor runs the code and the result and metrics say so', async () => {
    const server = await startTestServer({ config: { daytona: { ...UNREACHABLE, fallback: 'auto' } } });
    try {
      expect(server.kernel.services.executor.kind).toBe('daytona');
      const r = await server.call('/api/v2/daytona/execute', { json: { code: 'print(1)' } });
      expect(r.status).toBe(200);
      expect(r.body.stdout).toBe('1\n');
      expect(r.body.metadata).toMatchObject({ sandbox_type: 'local', fallback: true });
      const metrics = await server.call('/metrics');
      expect(metrics.text).toMatch(/^rk_sandbox_fallbacks_total\{source="execute"\} [1-9]\d*$/m);
      const status = await server.call('/api/v2/daytona/status');
      expect(status.body.service_status).toBe('fallback_mode');
    } finally {
      await server.stop();
    }
  });
});
