import { describe, expect, it } from 'vitest';
import { isKernelError } from '../../../src/errors.js';
import { shutdownServer } from '../../../src/http/serve.js';
import { type TestServer, call, expectErrorShape, startTestServer } from './http-harness.js';

/** Polls until the server holds `n` execution slots (the request has reached the executor). */
async function untilInFlight(server: TestServer, n: number): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (server.app.rk.gate.inFlight < n) {
    if (Date.now() > deadline) throw new Error(`no execution in flight after 20 s (inFlight=${server.app.rk.gate.inFlight})`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function expectKernelClosed(server: TestServer): Promise<void> {
  const error = await server.kernel.reason('A coin is flipped 20 times with 14 heads observed').catch((e: unknown) => e);
  expect(isKernelError(error, 'SHUTTING_DOWN')).toBe(true);
}

describe('graceful shutdown with an execution in flight', () => {
  it('lets a running execution finish within the grace period, then refuses connections', async () => {
    const server = await startTestServer();
    let stopped = false;
    try {
      const inFlight = server.call('/api/v2/daytona/execute', { json: { code: 'import time\ntime.sleep(1.0)\nprint("finished")\n' } });
      await untilInFlight(server, 1);
      const shutdown = shutdownServer(server.app, server.kernel, { graceMs: 15_000 });
      const response = await inFlight;
      expect(response.status).toBe(200);
      expect(response.body.status).toBe('completed');
      expect(response.body.stdout).toBe('finished\n');
      await shutdown;
      stopped = true;
      const refused = await call(server.url, '/healthz').catch((e: unknown) => e);
      expect(refused).toBeInstanceOf(Error);
      await expectKernelClosed(server);
    } finally {
      if (!stopped) await server.stop();
    }
  });

  it('cancels an execution that outlives the grace period: 503 SHUTTING_DOWN with Retry-After', async () => {
    const server = await startTestServer();
    let stopped = false;
    try {
      const inFlight = server.call('/api/v2/daytona/execute', { json: { code: 'import time\ntime.sleep(8)\nprint("too late")\n' } });
      await untilInFlight(server, 1);
      await shutdownServer(server.app, server.kernel, { graceMs: 300 });
      stopped = true;
      const response = await inFlight;
      expect(response.status).toBe(503);
      expect(expectErrorShape(response).code).toBe('SHUTTING_DOWN');
      expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
      // A 503 (not a 200 with "too late") shows the run was cancelled rather than waited for.
      await expectKernelClosed(server);
    } finally {
      if (!stopped) await server.stop();
    }
  });

  it('answers 503 SHUTTING_DOWN to new requests on an open connection while draining, and /healthz reports it', async () => {
    const server = await startTestServer();
    let stopped = false;
    try {
      const inFlight = server.call('/api/v2/daytona/execute', { json: { code: 'import time\ntime.sleep(1.5)\nprint("ok")\n' } });
      await untilInFlight(server, 1);
      server.app.rk.beginShutdown();
      const refused = await server.call('/api/v2/daytona/config');
      expect(refused.status).toBe(503);
      expect(expectErrorShape(refused).code).toBe('SHUTTING_DOWN');
      expect(refused.headers.get('connection')).toBe('close');
      const health = await server.call('/healthz', { auth: false });
      expect(health.status).toBe(503);
      expect(health.body.status).toBe('shutting_down');
      await shutdownServer(server.app, server.kernel, { graceMs: 15_000 });
      stopped = true;
      expect((await inFlight).status).toBe(200);
    } finally {
      if (!stopped) await server.stop();
    }
  });
});
