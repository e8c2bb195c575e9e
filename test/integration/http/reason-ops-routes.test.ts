import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { healthSchema, wireReasoningResultSchema } from '../../../src/http/schemas.js';
import { type TestServer, expectErrorShape, startTestServer } from './http-harness.js';

const COIN = 'A coin is flipped 20 times with 14 heads observed';

describe('reasoning, health, metrics and OpenAPI routes over HTTP', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.stop();
  });

  describe('POST /api/v2/reason and GET /api/v2/reason/:id', () => {
    it('answers the coin question and serves the stored run by id', async () => {
      const r = await server.call('/api/v2/reason', { json: { query: COIN, options: { prior: 'uniform', interval_mass: 0.9, seed: 7 } } });
      expect(r.status).toBe(200);
      expect(wireReasoningResultSchema.parse(r.body)).toEqual(r.body);
      expect(r.body.query).toBe(COIN);
      expect(r.body.success).toBe(true);
      expect(r.body.answer.value).toBeGreaterThan(0.6);
      expect(r.body.answer.value).toBeLessThan(0.75);
      expect(r.body.estimates[0].interval_mass).toBe(0.9);
      expect(r.body.execution.status).toBe('completed');
      expect(r.body.backend).toEqual({ reasoning: 'embedded', sandbox: 'local' });

      const stored = await server.call(`/api/v2/reason/${r.body.id}`);
      expect(stored.status).toBe(200);
      expect(stored.body.id).toBe(r.body.id);
      expect(stored.body.answer).toEqual(r.body.answer);
    });

    it('declines a question without data as a 200 result with success false', async () => {
      const r = await server.call('/api/v2/reason', { json: { query: '   ' } });
      expect(r.status).toBe(200);
      expect(r.body.success).toBe(false);
      expect(r.body.declined.reason).toEqual(expect.any(String));
    });

    it('answers 404 NOT_FOUND for an unknown id and 400 for a malformed one', async () => {
      const unknown = await server.call('/api/v2/reason/00000000-0000-4000-8000-000000000000');
      expect(unknown.status).toBe(404);
      expect(expectErrorShape(unknown).code).toBe('NOT_FOUND');
      const malformed = await server.call('/api/v2/reason/not%20an%20id');
      expect(malformed.status).toBe(400);
      expect(expectErrorShape(malformed).details.issues[0].field).toBe('id');
    });

    it('answers 400 naming the field for bad bodies', async () => {
      const cases: [unknown, string][] = [
        [{}, 'query'],
        [{ query: 5 }, 'query'],
        [{ query: COIN, options: { interval_mass: 1.5 } }, 'options.interval_mass'],
        [{ query: COIN, options: { prior: 'flat' } }, 'options.prior'],
        [{ query: COIN, options: { seed: -1 } }, 'options.seed'],
        [{ query: COIN, options: { intervalMass: 0.9 } }, 'options'],
      ];
      for (const [json, field] of cases) {
        const r = await server.call('/api/v2/reason', { json });
        expect(r.status, JSON.stringify(json)).toBe(400);
        expect(expectErrorShape(r).details.issues.map((i: { field: string }) => i.field)).toContain(field);
      }
    });
  });

  describe('GET /healthz', () => {
    it('answers ok', async () => {
      const r = await server.call('/healthz', { auth: false });
      expect(r.status).toBe(200);
      expect(healthSchema.parse(r.body)).toEqual(r.body);
      expect(r.body.status).toBe('ok');
    });
  });

  describe('GET /metrics', () => {
    it('exposes executions, refusals, queue depth and HTTP requests in Prometheus text format', async () => {
      await server.call('/api/v2/daytona/execute', { json: { code: 'print(1)' } });
      await server.call('/api/v2/daytona/execute', { json: { code: 'import socket' } });
      await server.call('/api/v2/daytona/nope');
      const r = await server.call('/metrics');
      expect(r.status).toBe(200);
      expect(r.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
      const text = r.text;
      expect(text).toMatch(/^# TYPE rk_executions_total counter$/m);
      expect(text).toMatch(/^rk_executions_total\{status="completed",sandbox_type="local",source="execute"\} [1-9]\d*$/m);
      expect(text).toMatch(/^rk_executions_total\{status="security_violation",sandbox_type="local",source="execute"\} [1-9]\d*$/m);
      expect(text).toMatch(/^rk_validation_refusals_total\{source="execute"\} [1-9]\d*$/m);
      expect(text).toMatch(/^rk_execution_duration_seconds_bucket\{sandbox_type="local",le="\+Inf"\} [1-9]\d*$/m);
      expect(text).toMatch(/^rk_execution_queue_depth\{sandbox_type="local"\} \d+$/m);
      expect(text).toMatch(/^rk_http_requests_total\{method="POST",route="\/api\/v2\/daytona\/execute",status_code="200"\} [1-9]\d*$/m);
      expect(text).toMatch(/^rk_http_requests_total\{method="POST",route="\/api\/v2\/daytona\/execute",status_code="422"\} [1-9]\d*$/m);
      expect(text).toMatch(/^rk_http_requests_total\{method="GET",route="unmatched",status_code="404"\} [1-9]\d*$/m);
      expect(text).toMatch(/^rk_http_in_flight_executions 0$/m);
      // The warm tiers, one family each with a sample per tier and state.
      const status = (await server.kernel.services.sandbox.status()).extra as { pool: { size: number }; lightPool: { size: number } };
      expect(text).toContain(`rk_warm_interpreters{tier="full",state="configured"} ${status.pool.size}`);
      expect(text).toContain(`rk_warm_interpreters{tier="light",state="configured"} ${status.lightPool.size}`);
      expect(text).toMatch(/^rk_warm_jobs_total\{tier="light"\} \d+$/m);
      const types = text.split('\n').filter((l) => l.startsWith('# TYPE ')).map((l) => l.split(' ')[2]);
      expect(types.length).toBe(new Set(types).size); // one TYPE line per metric family
      // Every sample line is `name{labels} value`.
      for (const line of text.split('\n').filter((l) => l && !l.startsWith('#'))) {
        expect(line).toMatch(/^[a-z_]+(\{[^}]*\})? -?[\d.e+-]+$/);
      }
    });
  });

  describe('GET /openapi.json', () => {
    it('documents every route with schemas generated from the zod validators', async () => {
      const r = await server.call('/openapi.json');
      expect(r.status).toBe(200);
      const doc = r.body;
      expect(doc.openapi).toBe('3.1.0');
      expect(Object.keys(doc.paths).sort()).toEqual(
        [
          '/api/v2/daytona/status',
          '/api/v2/daytona/config',
          '/api/v2/daytona/execute',
          '/api/v2/daytona/execute/batch',
          '/api/v2/daytona/test',
          '/api/v2/daytona/sandbox/create',
          '/api/v2/daytona/sandbox',
          '/api/v2/reason',
          '/api/v2/reason/{id}',
          '/healthz',
          '/metrics',
          '/openapi.json',
        ].sort(),
      );
      expect(Object.keys(doc.paths['/api/v2/daytona/config']).sort()).toEqual(['get', 'put']);
      const execute = doc.components.schemas.ExecuteRequest;
      expect(execute.required).toEqual(['code']);
      expect(execute.properties.code.type).toBe('string');
      expect(execute.properties.config.$ref).toBe('#/components/schemas/SandboxConfigPatch');
      expect(execute.additionalProperties).toBe(false);
      expect(doc.components.schemas.SandboxConfigPatch.properties.cpu_limit).toMatchObject({ type: 'integer', minimum: 1, maximum: 64 });
      expect(doc.paths['/api/v2/daytona/execute'].post.responses['422'].content['application/json'].schema.$ref).toBe('#/components/schemas/Error');
      expect(doc.paths['/healthz'].get.security).toEqual([]);
      // Every $ref resolves.
      const refs = JSON.stringify(doc).match(/"\$ref":"#\/components\/schemas\/(\w+)"/g) ?? [];
      for (const ref of refs) expect(doc.components.schemas).toHaveProperty(ref.split('/').pop()!.replace('"', ''));
    });
  });
});
