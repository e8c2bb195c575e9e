/**
 * Starts the admin server on a real loopback port for the HTTP suites: a kernel isolated from the
 * developer's environment (`env: {}`), a small and fast sandbox configuration, and `stop()` that
 * closes the server and the kernel.
 */
import { request as httpRequest } from 'node:http';
import type { FastifyInstance } from 'fastify';
import { type BuildServerOptions, buildServer } from '../../../src/http/build-server.js';
import { DEFAULT_EXTRA_IMPORTS, SEED_ALLOWED_IMPORTS, type ConfigInput } from '../../../src/config/schema.js';
import { createKernel } from '../../../src/kernel/create-kernel.js';
import type { ReasoningKernel } from '../../../src/kernel/reasoning-kernel.js';

export const TEST_TOKEN = 'test-admin-token-0123456789';

/** Small limits so the suites stay fast; `time` is allowed so tests can hold an execution open. */
export const TEST_DEFAULTS: ConfigInput = {
  sandbox: { executionTimeoutS: 10, memoryLimitMb: 256 },
  ceiling: { maxExecutionTimeoutS: 60, importableModules: [...SEED_ALLOWED_IMPORTS, ...DEFAULT_EXTRA_IMPORTS, 'time'] },
  extraAllowedImports: [...DEFAULT_EXTRA_IMPORTS, 'time'],
  local: { maxConcurrency: 2 },
  http: { port: 0, maxCodeBytes: 4096, bodyLimitBytes: 64 * 1024 },
  log: { level: 'silent', format: 'json' },
};

export interface TestServer {
  url: string;
  kernel: ReasoningKernel;
  app: FastifyInstance;
  /** fetch against the server, JSON body encoded when `json` is given. */
  call(path: string, init?: CallInit): Promise<CallResult>;
  stop(): Promise<void>;
}

export interface CallInit {
  method?: string;
  json?: unknown;
  body?: string | Uint8Array;
  headers?: Record<string, string>;
  /** Send `Authorization: Bearer TEST_TOKEN` (default true). */
  auth?: boolean;
}

export interface CallResult {
  status: number;
  headers: Headers;
  text: string;
  /** Parsed JSON body, or undefined when the body is not JSON. */
  body: any;
}

export async function startTestServer(options: { config?: ConfigInput; server?: BuildServerOptions } = {}): Promise<TestServer> {
  const kernel = await createKernel({ env: {}, defaults: TEST_DEFAULTS, config: options.config });
  let app: FastifyInstance | undefined;
  try {
    app = await buildServer(kernel, options.server);
    await app.listen({ host: '127.0.0.1', port: 0 });
  } catch (e) {
    await app?.close();
    await kernel.close();
    throw e;
  }
  const address = app.server.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  const running = app;
  return {
    url,
    kernel,
    app: running,
    call: (path, init = {}) => call(url, path, init),
    async stop() {
      await running.close();
      await kernel.close();
    },
  };
}

export async function call(baseUrl: string, path: string, init: CallInit = {}): Promise<CallResult> {
  const headers: Record<string, string> = { ...(init.headers ?? {}) };
  if (init.auth !== false) headers.authorization ??= `Bearer ${TEST_TOKEN}`;
  let body = init.body;
  if (init.json !== undefined) {
    body = JSON.stringify(init.json);
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(`${baseUrl}${path}`, { method: init.method ?? (body === undefined ? 'GET' : 'POST'), headers, body });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: response.status, headers: response.headers, text, body: parsed };
}

/** A request with the path sent byte for byte (fetch normalizes `..` and `%2e`). */
export function rawRequest(
  baseUrl: string,
  options: { method: string; path: string; headers?: Record<string, string | string[]>; body?: string | Buffer },
): Promise<{ status: number; text: string }> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: hostname, port, method: options.method, path: options.path, headers: options.headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

/** Asserts the documented error shape and returns it. */
export function expectErrorShape(result: CallResult): { code: string; message: string; details?: any } {
  const error = result.body?.error;
  if (!error || typeof error.code !== 'string' || typeof error.message !== 'string') {
    throw new Error(`expected {error: {code, message}}, got ${result.status} ${result.text.slice(0, 500)}`);
  }
  if (/\bat .+:\d+:\d+/.test(result.text)) throw new Error(`error body carries a stack trace: ${result.text.slice(0, 500)}`);
  return error;
}
