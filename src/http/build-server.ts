import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, type FastifyReply, LogController } from 'fastify';
import { KernelError } from '../errors.js';
import type { ReasoningKernel } from '../kernel/reasoning-kernel.js';
import type { Logger } from '../kernel/tokens.js';
import { BearerAuth } from './auth.js';
import { toErrorResponse } from './error-mapper.js';
import { ExecutionGate } from './execution-gate.js';
import { installJsonBodyParser } from './json-body-parser.js';
import { HttpMetrics } from './metrics.js';
import type { RouteContext } from './route-context.js';
import { registerDaytonaRoutes } from './routes-daytona.js';
import { registerOpsRoutes } from './routes-ops.js';
import { registerReasonRoutes } from './routes-reason.js';

/** Longest time to receive a whole request (slow clients hold a socket at most this long). */
const REQUEST_RECEIVE_TIMEOUT_MS = 60_000;
/** Longest URL path echoed back in a 404 message. */
const MAX_ECHOED_PATH_CHARS = 200;

export interface BuildServerOptions {
  /** Bearer token; default `config.http.adminToken` (`RK_ADMIN_TOKEN`). `null` turns auth off. */
  adminToken?: string | null;
  /** Default `config.http.maxInFlightExecutions` (`RK_HTTP_MAX_IN_FLIGHT`). */
  maxInFlightExecutions?: number;
  /** Default: the kernel's logger, child `{component: 'http'}`. */
  logger?: Logger;
}

/** Per-server state reachable from the fastify instance (shutdown, tests, benchmarks). */
export interface AdminServerState {
  readonly metrics: HttpMetrics;
  readonly gate: ExecutionGate;
  readonly shuttingDown: boolean;
  /** New requests get 503 SHUTTING_DOWN (except /healthz, which reports it) and connections close. */
  beginShutdown(): void;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** reasoning-kernel's admin server state. */
    rk: AdminServerState;
  }
  interface FastifyContextConfig {
    /** Reachable without the bearer token. */
    public?: boolean;
  }
}

/**
 * Builds the admin HTTP server on the kernel's services (same container, executor, validator,
 * config and store as `reason()`). Not listening yet: call `listen()`, or `inject()` in tests.
 */
export async function buildServer(kernel: ReasoningKernel, options: BuildServerOptions = {}): Promise<FastifyInstance> {
  const { config } = kernel.services;
  // Widened to fastify's logger interface so the instance has the default FastifyInstance type.
  const logger: FastifyBaseLogger = options.logger ?? kernel.services.logger.child({ component: 'http' });
  const token = options.adminToken === undefined ? config.http.adminToken : options.adminToken;
  const auth = token ? new BearerAuth(token) : undefined;

  let shuttingDown = false;
  const ctx: RouteContext = {
    kernel,
    config,
    metrics: new HttpMetrics(),
    gate: new ExecutionGate(options.maxInFlightExecutions ?? config.http.maxInFlightExecutions),
    get shuttingDown() {
      return shuttingDown;
    },
    startedAtMs: Date.now(),
  };

  const app = Fastify({
    loggerInstance: logger,
    // One line per request is too much for a code-execution API; errors are logged by the handler.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: config.http.bodyLimitBytes,
    // Our onRequest hook answers 503 in the documented error shape instead of fastify's.
    return503OnClosing: false,
    forceCloseConnections: 'idle',
    requestTimeout: REQUEST_RECEIVE_TIMEOUT_MS,
    routerOptions: { maxParamLength: 100 },
    frameworkErrors: (error, _request, reply) => sendError(reply, error),
    clientErrorHandler: onClientError,
  });

  app.decorate('rk', {
    metrics: ctx.metrics,
    gate: ctx.gate,
    get shuttingDown() {
      return shuttingDown;
    },
    beginShutdown() {
      shuttingDown = true;
    },
  } satisfies AdminServerState);

  installJsonBodyParser(app, config.http.bodyLimitBytes);

  app.addHook('onRequest', async (request) => {
    const isPublic = request.routeOptions.config?.public === true;
    if (shuttingDown && !isPublic) throw new KernelError('SHUTTING_DOWN', 'the server is shutting down; retry on another instance or after the restart');
    if (auth && !isPublic) auth.check(request.headers.authorization);
  });

  app.addHook('onSend', async (request, reply) => {
    reply.header('x-request-id', request.id);
    reply.header('cache-control', 'no-store');
    if (shuttingDown) reply.header('connection', 'close');
  });

  app.addHook('onResponse', async (request, reply) => {
    ctx.metrics.recordRequest(request.method, request.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
  });

  app.setErrorHandler((error, request, reply) => {
    const response = toErrorResponse(error);
    const { code } = response.body.error;
    if (response.logLevel === 'error') request.log.error({ err: error, code, route: request.routeOptions.url }, 'request failed');
    else if (response.logLevel === 'warn') request.log.warn({ code, status: response.status, reason: response.body.error.message }, 'request failed: infrastructure unavailable');
    else request.log.debug({ code, status: response.status }, 'request refused');
    return reply.code(response.status).headers(response.headers).send(response.body);
  });

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.length > MAX_ECHOED_PATH_CHARS ? `${request.url.slice(0, MAX_ECHOED_PATH_CHARS)}…` : request.url;
    sendError(reply, new KernelError('NOT_FOUND', `no route ${request.method} ${path}; the routes are listed at /openapi.json`));
  });

  registerDaytonaRoutes(app, ctx);
  registerReasonRoutes(app, ctx);
  registerOpsRoutes(app, ctx);
  await app.ready();
  return app;
}

function sendError(reply: FastifyReply, error: unknown): void {
  const response = toErrorResponse(error);
  void reply.code(response.status).headers(response.headers).send(response.body);
}

/** Malformed HTTP (bad request line, header overflow, slow client): answered in our error shape. */
function onClientError(this: FastifyInstance, err: NodeJS.ErrnoException, socket: Duplex): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  const status = err.code === 'HPE_HEADER_OVERFLOW' ? 431 : err.code === 'ERR_HTTP_REQUEST_TIMEOUT' ? 408 : 400;
  const message =
    status === 431
      ? 'the request headers (or URL) are too large; shorten them'
      : status === 408
        ? 'the request was not received in time'
        : 'malformed HTTP request';
  const body = JSON.stringify({ error: { code: 'INVALID_INPUT', message } });
  this.log.debug({ code: err.code }, 'client error');
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  // end() rather than destroy(): the client gets to read the answer before the socket closes.
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  );
}
