import type { FastifyInstance } from 'fastify';
import type { ExecutorStatus } from '../kernel/contracts.js';
import { buildOpenApiDocument } from './openapi.js';
import type { RouteContext } from './route-context.js';

/** How long `/metrics` waits for the executor's status (Daytona may need a round trip). */
const STATUS_TIMEOUT_MS = 1000;

/** `/healthz` (public), `/metrics` (Prometheus text) and `/openapi.json`. */
export function registerOpsRoutes(app: FastifyInstance, ctx: RouteContext): void {
  app.get('/healthz', { config: { public: true } }, async (_request, reply) => {
    // 503 while draining so a load balancer stops sending traffic here.
    if (ctx.shuttingDown) reply.code(503);
    return { status: ctx.shuttingDown ? 'shutting_down' : 'ok', uptime_s: Math.round((Date.now() - ctx.startedAtMs) / 1000) };
  });

  app.get('/metrics', async (_request, reply) => {
    const status = await statusWithin(() => ctx.kernel.services.sandbox.status(), STATUS_TIMEOUT_MS);
    reply.type('text/plain; version=0.0.4; charset=utf-8');
    return ctx.metrics.render({ status, inFlight: ctx.gate.inFlight, inFlightLimit: ctx.gate.limit });
  });

  let openapi: unknown;
  app.get('/openapi.json', async () => {
    openapi ??= buildOpenApiDocument();
    return openapi;
  });
}

async function statusWithin(probe: () => Promise<ExecutorStatus>, timeoutMs: number): Promise<ExecutorStatus | undefined> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      probe(),
      new Promise<undefined>((resolve) => {
        timer = setTimeout(() => resolve(undefined), timeoutMs);
      }),
    ]);
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}
