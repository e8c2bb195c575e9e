import type { FastifyInstance } from 'fastify';
import { KernelError } from '../errors.js';
import { type RouteContext, parseInput, withGate } from './route-context.js';
import { reasonBodySchema, runIdParamsSchema } from './schemas.js';
import { reasoningToWire } from './wire.js';

/** `POST /api/v2/reason` and `GET /api/v2/reason/:id` (beyond the seed; same snake_case style). */
export function registerReasonRoutes(app: FastifyInstance, ctx: RouteContext): void {
  app.post('/api/v2/reason', async (request, reply) => {
    const body = parseInput(reasonBodySchema, request.body, 'body');
    const options = body.options ?? {};
    const result = await withGate(ctx, reply, 1, (signal) =>
      ctx.kernel.reason(body.query, {
        prior: options.prior,
        intervalMass: options.interval_mass,
        seed: options.seed,
        cache: options.cache,
        signal,
      }),
    );
    ctx.metrics.reasonRuns.inc({ outcome: result.success ? 'success' : result.declined ? 'declined' : 'failed' });
    if (result.execution) ctx.metrics.recordExecution(result.execution, 'reason');
    return reasoningToWire(result);
  });

  app.get('/api/v2/reason/:id', async (request) => {
    const { id } = parseInput(runIdParamsSchema, request.params, 'params');
    const run = await ctx.kernel.getRun(id);
    if (!run) {
      throw new KernelError('NOT_FOUND', `no reasoning run with id ${id}: it never existed or expired (runs are kept RK_RUN_TTL_S seconds)`);
    }
    return reasoningToWire(run);
  });
}
