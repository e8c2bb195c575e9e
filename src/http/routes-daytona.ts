import type { FastifyInstance } from 'fastify';
import { KernelError } from '../errors.js';
import type { ExecutionResult, SandboxSettings } from '../kernel/contracts.js';
import type { StoreHealth } from '../kernel/tokens.js';
import { checkAgainstCeiling, parseSettingsPatch } from '../sandbox/settings-policy.js';
import { type RouteContext, assertCodeSize, parseInput, withGate } from './route-context.js';
import { batchBodySchema, executeBodySchema, wireConfigPatchSchema } from './schemas.js';
import { SELF_TEST, judgeSelfTest } from './self-test.js';
import { executionToWire, sandboxInfoToWire, settingsToWire, statusToWire, wireToSettingsPatch } from './wire.js';

/** The seed's routes, with its snake_case shapes. */
export const DAYTONA_PREFIX = '/api/v2/daytona';

/** Registers `/api/v2/daytona/*` (status, config, execute, batch, test, sandbox). */
export function registerDaytonaRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const { sandbox, store } = ctx.kernel.services;
  const maxCodeBytes = ctx.config.http.maxCodeBytes;

  app.get(`${DAYTONA_PREFIX}/status`, async () => {
    const [status, settings, health] = await Promise.all([sandbox.status(), sandbox.getSettings(), storeHealth(store.kind, () => store.health())]);
    return statusToWire(status, settings, ctx.config, health);
  });

  app.get(`${DAYTONA_PREFIX}/config`, async () => settingsToWire(await sandbox.getSettings()));

  app.put(`${DAYTONA_PREFIX}/config`, async (request) => {
    const patch = parseInput(wireConfigPatchSchema, request.body, 'body');
    const next = await sandbox.updateSettings(wireToSettingsPatch(patch) as Partial<SandboxSettings>);
    return settingsToWire(next);
  });

  app.post(`${DAYTONA_PREFIX}/execute`, async (request, reply) => {
    const body = parseInput(executeBodySchema, request.body, 'body');
    assertCodeSize(body.code, 'code', maxCodeBytes);
    const result = await withGate(ctx, reply, 1, (signal) =>
      sandbox.execute({
        code: body.code,
        timeoutS: body.timeout,
        config: body.config ? (wireToSettingsPatch(body.config) as Partial<SandboxSettings>) : undefined,
        cache: body.cache,
        signal,
      }),
    );
    ctx.metrics.recordExecution(result, 'execute');
    if (result.status === 'security_violation') throw refusal(result);
    return executionToWire(result);
  });

  app.post(`${DAYTONA_PREFIX}/execute/batch`, async (request, reply) => {
    const body = parseInput(batchBodySchema, request.body, 'body');
    const maxItems = ctx.config.http.maxBatchItems;
    if (body.items.length > maxItems) {
      throw new KernelError('INVALID_INPUT', `items has ${body.items.length} programs, over the limit of ${maxItems} (RK_HTTP_MAX_BATCH_ITEMS); split the batch`, {
        details: { issues: [{ field: 'body.items', message: `at most ${maxItems} items`, code: 'too_big' }] },
      });
    }
    const requests = body.items.map((item, i) => {
      assertCodeSize(item.code, `items[${i}].code`, maxCodeBytes);
      const config = item.config ? (wireToSettingsPatch(item.config) as Partial<SandboxSettings>) : undefined;
      // Refuse the whole batch up front when any item asks beyond the ceiling (403), rather than
      // returning that item as an error result after the others ran.
      checkAgainstCeiling({ ...parseSettingsPatch(config), ...(item.timeout !== undefined ? { executionTimeoutS: item.timeout } : {}) }, ctx.config);
      return { code: item.code, timeoutS: item.timeout, config, cache: item.cache };
    });
    const concurrency = body.concurrency ?? 4;
    const results = await withGate(ctx, reply, Math.min(concurrency, requests.length), (signal) =>
      sandbox.executeBatch(
        requests.map((r) => ({ ...r, signal })),
        { concurrency },
      ),
    );
    for (const r of results) ctx.metrics.recordExecution(r, 'batch');
    return { results: results.map(executionToWire) };
  });

  app.post(`${DAYTONA_PREFIX}/test`, async (_request, reply) => {
    const result = await withGate(ctx, reply, 1, (signal) => sandbox.execute({ code: SELF_TEST.code, signal }));
    ctx.metrics.recordExecution(result, 'test');
    const verdict = judgeSelfTest(result);
    return {
      test_status: verdict.passed ? 'passed' : 'failed',
      test_name: SELF_TEST.name,
      expected_stdout: SELF_TEST.expectedStdout,
      message: verdict.message,
      result: executionToWire(result),
    };
  });

  app.post(`${DAYTONA_PREFIX}/sandbox/create`, async () => sandboxInfoToWire(await sandbox.createSandbox()));

  app.delete(`${DAYTONA_PREFIX}/sandbox`, async () => {
    const deleted = await sandbox.destroySandbox();
    return { deleted, message: deleted ? 'the sandbox was deleted' : 'no sandbox was active; nothing to delete' };
  });
}

/** A refused program: 422 with the violations and, for seed clients, the result itself. */
function refusal(result: ExecutionResult): KernelError {
  const violations = result.violations ?? [];
  const first = violations[0];
  const wire = executionToWire(result);
  return new KernelError(
    'SECURITY_VALIDATION_FAILED',
    `the program was refused by static validation (${violations.length} violation${violations.length === 1 ? '' : 's'})` +
      (first ? `; first: line ${first.line}:${first.column} [${first.rule}] ${first.message}` : '') +
      '; remove the flagged code or ask the operator to allow the import',
    { details: { violations: wire.violations ?? [], result: wire } },
  );
}

async function storeHealth(kind: StoreHealth['kind'], probe: () => Promise<StoreHealth>): Promise<StoreHealth> {
  try {
    return await probe();
  } catch (e) {
    return { kind, ok: false, detail: e instanceof KernelError ? e.message : 'the state store health check failed' };
  }
}
