import { describe, expect, it } from 'vitest';
import { type TestServer, expectErrorShape, startTestServer } from './http-harness.js';

async function untilInFlight(server: TestServer, n: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (server.app.rk.gate.inFlight < n) {
    if (Date.now() > deadline) throw new Error('no execution in flight after 20 s');
    await new Promise((r) => setTimeout(r, 10));
  }
}

const SLEEPER = { code: 'import time\ntime.sleep(1.5)\nprint("slept")\n' };

describe('overload answers 429 with Retry-After', () => {
  it('at the HTTP in-flight limit (RK_HTTP_MAX_IN_FLIGHT)', async () => {
    const server = await startTestServer({ server: { maxInFlightExecutions: 1 } });
    try {
      const first = server.call('/api/v2/daytona/execute', { json: SLEEPER });
      await untilInFlight(server, 1);
      for (const [path, json] of [
        ['/api/v2/daytona/execute', { code: 'print(1)' }],
        ['/api/v2/daytona/execute/batch', { items: [{ code: 'print(1)' }] }],
        ['/api/v2/reason', { query: 'A coin is flipped 20 times with 14 heads observed' }],
      ] as const) {
        const r = await server.call(path, { json });
        expect(r.status, path).toBe(429);
        expect(expectErrorShape(r).code).toBe('QUEUE_FULL');
        expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      }
      const test = await server.call('/api/v2/daytona/test', { method: 'POST' });
      expect(test.status).toBe(429);
      // Non-executing routes stay available under load.
      expect((await server.call('/api/v2/daytona/config')).status).toBe(200);
      expect((await first).status).toBe(200);
      // The slot is released: the next execution runs.
      expect((await server.call('/api/v2/daytona/execute', { json: { code: 'print(1)' } })).status).toBe(200);
    } finally {
      await server.stop();
    }
  });

  it("when the executor's own queue is full (RK_MAX_QUEUE)", async () => {
    const server = await startTestServer({ config: { local: { maxConcurrency: 1, maxQueue: 0 } } });
    try {
      const first = server.call('/api/v2/daytona/execute', { json: SLEEPER });
      await untilInFlight(server, 1);
      // Wait until the executor reports the run (the HTTP slot is taken slightly earlier).
      const deadline = Date.now() + 20_000;
      while ((await server.kernel.services.sandbox.status()).running < 1) {
        if (Date.now() > deadline) throw new Error('the executor never reported the run');
        await new Promise((r) => setTimeout(r, 10));
      }
      const r = await server.call('/api/v2/daytona/execute', { json: { code: 'print(1)' } });
      expect(r.status).toBe(429);
      expect(expectErrorShape(r).code).toBe('QUEUE_FULL');
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect((await first).status).toBe(200);
    } finally {
      await server.stop();
    }
  });
});
