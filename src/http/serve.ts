import { isIP } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { loadConfig } from '../config/load-config.js';
import type { AppConfig } from '../config/schema.js';
import { KernelError, isKernelError } from '../errors.js';
import { createKernel } from '../kernel/create-kernel.js';
import type { ReasoningKernel } from '../kernel/reasoning-kernel.js';
import { buildServer } from './build-server.js';

/** After the grace period and cancellation, how long to wait for handlers to answer before cutting sockets. */
const CANCEL_DRAIN_MS = 3000;

export interface ServeOptions {
  /** Environment to read settings from (default `process.env`). */
  env?: Record<string, string | undefined>;
  configFile?: string;
  /** Shut down when this fires; SIGINT/SIGTERM always do. */
  signal?: AbortSignal;
  /** Called with the base URL once listening (tests, the CLI banner). */
  onListening?: (url: string) => void;
  /** Where startup errors are written (default stderr). */
  errorOutput?: NodeJS.WritableStream;
}

/**
 * `reasoning-kernel serve`: builds the kernel, listens on `RK_HOST:RK_PORT`, and on SIGINT/SIGTERM
 * shuts down gracefully. Resolves with the exit code: 0 after a clean shutdown, 2 for a
 * configuration error (including a non-loopback host without `RK_ADMIN_TOKEN`), 3 when the server
 * cannot start.
 */
export async function serve(options: ServeOptions = {}): Promise<number> {
  const errorOutput = options.errorOutput ?? process.stderr;
  try {
    assertSafeBinding(loadConfig({ env: options.env, file: options.configFile }).http);
  } catch (e) {
    errorOutput.write(`error [${isKernelError(e) ? e.code : 'INTERNAL'}]: ${e instanceof Error ? e.message : String(e)}\n`);
    return 2;
  }

  let kernel: ReasoningKernel | undefined;
  let app: FastifyInstance | undefined;
  try {
    kernel = await createKernel({ env: options.env, configFile: options.configFile });
    const { config, logger } = kernel.services;
    app = await buildServer(kernel);
    await app.listen({ host: config.http.host, port: config.http.port });
    const url = baseUrl(app, config.http.host);
    logger.info({ url, auth: Boolean(config.http.adminToken), sandbox: kernel.services.executor.kind }, 'admin HTTP server listening');
    options.onListening?.(url);
  } catch (e) {
    const message = (e as NodeJS.ErrnoException).code === 'EADDRINUSE'
      ? `port ${kernel?.services.config.http.port} is already in use: stop the other server or set RK_PORT`
      : e instanceof Error ? e.message : String(e);
    errorOutput.write(`error [${isKernelError(e) ? e.code : 'SERVER_START'}]: ${message}\n`);
    await app?.close().catch(() => undefined);
    await kernel?.close();
    return isKernelError(e, 'CONFIG_INVALID') ? 2 : 3;
  }

  const running = app;
  const shutdown = listenForShutdown(options.signal, () => {
    running.log.warn('second shutdown signal: cancelling running executions now');
    running.rk.gate.abortAll(new KernelError('SHUTTING_DOWN', 'cancelled: a second shutdown signal arrived'));
  });
  try {
    await shutdown.requested;
    await shutdownServer(running, kernel, { graceMs: kernel.services.config.http.shutdownGraceMs });
  } finally {
    shutdown.dispose();
  }
  return 0;
}

/**
 * Graceful shutdown: stop accepting (new requests on open connections get 503 SHUTTING_DOWN),
 * wait up to `graceMs` for running executions, cancel the rest, close connections, then close the
 * kernel (kills Python processes, deletes Daytona sandboxes).
 */
export async function shutdownServer(app: FastifyInstance, kernel: ReasoningKernel, options: { graceMs: number }): Promise<void> {
  const log = app.log;
  log.info({ inFlight: app.rk.gate.inFlight, graceMs: options.graceMs }, 'shutting down: no new requests, waiting for running executions');
  app.rk.beginShutdown();
  const closed = app.close();
  if (!(await settlesWithin(app.rk.gate.whenIdle(), options.graceMs))) {
    const cancelled = app.rk.gate.abortAll(
      new KernelError('SHUTTING_DOWN', `cancelled: the server shut down and the ${options.graceMs} ms grace period (RK_SHUTDOWN_GRACE_MS) ran out`),
    );
    log.warn({ cancelled }, 'grace period over: cancelled running executions');
  }
  if (!(await settlesWithin(closed, CANCEL_DRAIN_MS))) {
    log.warn('connections still open after cancelling: closing them');
    app.server.closeAllConnections();
    await closed;
  }
  await kernel.close();
  log.info('shutdown complete');
}

/** Refuses a non-loopback address without a bearer token. */
export function assertSafeBinding(http: Pick<AppConfig['http'], 'host' | 'adminToken'>): void {
  if (isLoopbackHost(http.host) || http.adminToken) return;
  throw new KernelError(
    'CONFIG_INVALID',
    `RK_HOST=${http.host} is not a loopback address and RK_ADMIN_TOKEN is not set: set RK_ADMIN_TOKEN (16+ characters) so the admin API requires a bearer token, or bind RK_HOST=127.0.0.1`,
  );
}

/** True for `localhost`, 127.0.0.0/8, `::1` and IPv4-mapped loopback. */
export function isLoopbackHost(host: string): boolean {
  const h = host.trim().toLowerCase().replace(/^\[|\]$/g, '');
  if (h === 'localhost') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) return h === '::1' || /^(0{0,4}:){0,5}:?ffff:127\./.test(h) || h === '0:0:0:0:0:0:0:1';
  return false;
}

function baseUrl(app: FastifyInstance, host: string): string {
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return `http://${isIP(host) === 6 ? `[${host}]` : host}:${port}`;
}

/** Resolves on the first SIGINT/SIGTERM (or `signal`); a second one calls `onSecond`. */
function listenForShutdown(signal: AbortSignal | undefined, onSecond: () => void): { requested: Promise<void>; dispose(): void } {
  let resolve!: () => void;
  const requested = new Promise<void>((r) => {
    resolve = r;
  });
  let count = 0;
  const onSignal = (): void => {
    count++;
    if (count === 1) resolve();
    else onSecond();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  if (signal?.aborted) onSignal();
  else signal?.addEventListener('abort', onSignal, { once: true });
  return {
    requested,
    dispose: () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      signal?.removeEventListener('abort', onSignal);
    },
  };
}

async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const settled = await Promise.race([
    promise.then(
      () => true,
      () => true,
    ),
    new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), ms);
    }),
  ]);
  clearTimeout(timer);
  return settled;
}
