/**
 * A loopback emulator of the Daytona API and toolbox, built to the wire protocol verified against
 * @daytonaio/sdk 0.218.0 (`shared/reference/daytona-sdk.md`, §2 and its checklist). Programs sent
 * to `process/code-run` run with the real local python3 (merged output, real exit codes, the
 * timeout enforced by killing the process group, 408 with the daemon's error body).
 *
 * Not emulated: the Socket.IO gateway (use `useDeprecatedPolling: true`), sessions, files, the
 * interpreter WebSocket, and network blocking (`networkBlockAll` is recorded, not enforced).
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Routes faults can be aimed at. */
export type EmulatorRoute =
  | 'create' | 'get' | 'list' | 'delete' | 'start' | 'stop' | 'toolboxProxyUrl' | 'lastActivity' | 'config'
  | 'codeRun' | 'execute' | 'other';

export type Fault =
  /** Answer with this status and the real error body. With `afterWork`, the request is carried
   *  out first and only its answer is replaced (a create whose answer was lost). */
  | { kind: 'status'; status: number; code?: string; message?: string; retryAfterS?: number; afterWork?: boolean }
  /** Destroy the connection without answering (the client sees `socket hang up`). */
  | { kind: 'drop' }
  /** Do the work, then answer `ms` later (a create is visible to GET at once, as on the real API). */
  | { kind: 'delay'; ms: number };

export interface RecordedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: Record<string, string>;
  route: EmulatorRoute;
  headers: Record<string, string | string[] | undefined>;
  at: number;
  /** Time the emulator spent on it (request start to answer sent), once answered. */
  durationMs?: number;
}

export interface DaytonaEmulatorOptions {
  /** The only key accepted in `Authorization: Bearer`. Default `emulator-key`. */
  apiKey?: string;
  /** Interpreter for code-run. Default `RK_PYTHON` or the project's pyenv python3, else `python3`. */
  python?: string;
  /** `started`: the create POST returns a started sandbox (production snapshots). `creating`: it
   *  returns `creating` and becomes `started` after `creatingPolls` GETs. */
  startMode?: 'started' | 'creating';
  creatingPolls?: number;
  /** Leave `toolboxProxyUrl` out of DTOs, so the SDK asks `/toolbox-proxy-url`. */
  omitToolboxProxyUrl?: boolean;
  /** Page size of list when the client sends no `limit`. */
  defaultPageSize?: number;
}

export interface EmulatedSandbox {
  id: string;
  name: string;
  labels: Record<string, string>;
  state: string;
  env: Record<string, string>;
  snapshot: string | null;
  buildInfo: unknown;
  cpu: number;
  memory: number;
  disk: number;
  gpu: number;
  networkBlockAll: boolean;
  target: string;
  autoStopInterval: number;
  autoArchiveInterval: number;
  autoDeleteInterval: number;
  ttlMinutes: number | null;
  createdAt: string;
  updatedAt: string;
  polls: number;
  dir: string;
  /** The raw create body, for assertions. */
  createBody: Record<string, unknown>;
}

const DEFAULT_PYTHON = '/root/.pyenv/versions/3.11.7/bin/python3';
const ARTIFACT_PREFIX = 'dtn_artifact_k39fd2:';

/** Loopback Daytona. Start with `DaytonaEmulator.start()`, point `apiUrl` at `emulator.apiUrl`. */
export class DaytonaEmulator {
  readonly requests: RecordedRequest[] = [];
  readonly options: Required<Omit<DaytonaEmulatorOptions, 'python'>> & { python: string };
  private readonly sandboxes = new Map<string, EmulatedSandbox>();
  private readonly faults: { route: EmulatorRoute | 'any'; fault: Fault; remaining: number }[] = [];
  private readonly sockets = new Set<Socket>();
  private readonly children = new Set<ChildProcess>();
  private server: Server;
  private port = 0;
  private down = false;
  private codeRunsRunning = 0;
  /** Most code-run programs running at the same moment since start (or `resetCodeRunPeak()`). */
  codeRunPeak = 0;

  private constructor(options: DaytonaEmulatorOptions) {
    this.options = {
      apiKey: options.apiKey ?? 'emulator-key',
      python: options.python ?? process.env.RK_PYTHON ?? (existsSync(DEFAULT_PYTHON) ? DEFAULT_PYTHON : 'python3'),
      startMode: options.startMode ?? 'started',
      creatingPolls: options.creatingPolls ?? 2,
      omitToolboxProxyUrl: options.omitToolboxProxyUrl ?? false,
      defaultPageSize: options.defaultPageSize ?? 100,
    };
    this.server = this.makeServer();
  }

  /** Starts on 127.0.0.1, port 0 (or `port`). */
  static async start(options: DaytonaEmulatorOptions = {}, port = 0): Promise<DaytonaEmulator> {
    const emulator = new DaytonaEmulator(options);
    await emulator.listen(port);
    return emulator;
  }

  get apiUrl(): string {
    return `http://127.0.0.1:${this.port}/api`;
  }

  get toolboxUrl(): string {
    return `http://127.0.0.1:${this.port}/toolbox`;
  }

  get apiKey(): string {
    return this.options.apiKey;
  }

  /** Sandboxes that exist (any state but destroyed). */
  liveSandboxes(): EmulatedSandbox[] {
    return [...this.sandboxes.values()];
  }

  get liveCount(): number {
    return this.sandboxes.size;
  }

  /** Requests recorded since `index` (use `requests.length` as a bookmark). */
  requestsSince(index: number): RecordedRequest[] {
    return this.requests.slice(index);
  }

  /** The next `times` requests to `route` (or any route) get `fault`. */
  inject(route: EmulatorRoute | 'any', fault: Fault, times = 1): void {
    this.faults.push({ route, fault, remaining: times });
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  /** Starts counting `codeRunPeak` afresh. */
  resetCodeRunPeak(): void {
    this.codeRunPeak = this.codeRunsRunning;
  }

  /** Creates a sandbox directly (as a crashed earlier instance would have left it). */
  async seedSandbox(input: { name?: string; labels?: Record<string, string>; state?: string }): Promise<EmulatedSandbox> {
    const sandbox = await this.newSandbox({ name: input.name, labels: { 'code-toolbox-language': 'python', ...input.labels } }, input.state ?? 'started');
    return sandbox;
  }

  /** Simulates an outage: stops listening and cuts every connection; state is kept. */
  async goDown(): Promise<void> {
    if (this.down) return;
    this.down = true;
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  /** Ends an outage: listens again on the same port. */
  async comeBack(): Promise<void> {
    if (!this.down) return;
    this.server = this.makeServer();
    await this.listen(this.port);
    this.down = false;
  }

  /** Stops the server, kills running programs, removes sandbox folders. */
  async close(): Promise<void> {
    for (const child of this.children) killGroup(child);
    if (!this.down) {
      const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
      for (const socket of this.sockets) socket.destroy();
      await closed;
      this.down = true;
    }
    await Promise.all([...this.sandboxes.values()].map((s) => rm(s.dir, { recursive: true, force: true })));
    this.sandboxes.clear();
  }

  // -------------------------------------------------------------------------------------------

  private makeServer(): Server {
    const server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) this.sendError(res, req, 500, 'INTERNAL_ERROR', `emulator failure: ${String(error)}`, 'DAYTONA_API');
      });
    });
    // Longer than any test's idle gap, as behind a real load balancer, so a kept-alive socket is
    // not closed under a request that the client is just sending.
    server.keepAliveTimeout = 65_000;
    server.headersTimeout = 66_000;
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    return server;
  }

  private listen(port: number): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(port, '127.0.0.1', () => {
        this.server.off('error', reject);
        const address = this.server.address();
        if (address && typeof address === 'object') this.port = address.port;
        resolve();
      });
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const path = url.pathname;
    const method = (req.method ?? 'GET').toUpperCase();
    const route = classify(method, path);
    const record: RecordedRequest = { method, path, query: Object.fromEntries(url.searchParams), route, headers: { ...req.headers }, at: Date.now() };
    this.requests.push(record);
    const started = performance.now();
    res.on('finish', () => {
      record.durationMs = performance.now() - started;
    });
    const body = await readBody(req);

    const fault = this.takeFault(route);
    if (fault?.kind === 'drop') {
      req.socket.destroy();
      return;
    }
    if (fault?.kind === 'status') {
      if (fault.afterWork && req.headers.authorization === `Bearer ${this.options.apiKey}`) {
        await this.dispatch(route, method, path, url.searchParams, body);
      }
      if (fault.retryAfterS !== undefined) res.setHeader('Retry-After', String(fault.retryAfterS));
      this.sendError(res, req, fault.status, fault.code ?? defaultCode(fault.status), fault.message ?? defaultMessage(fault.status), 'DAYTONA_API');
      return;
    }
    const delayMs = fault?.kind === 'delay' ? fault.ms : 0;

    if (req.headers.authorization !== `Bearer ${this.options.apiKey}`) {
      this.sendError(res, req, 401, 'UNAUTHORIZED', 'Invalid credentials', 'DAYTONA_API');
      return;
    }
    const reply = await this.dispatch(route, method, path, url.searchParams, body);
    if (delayMs > 0) await sleep(delayMs);
    if (res.destroyed) return;
    if ('error' in reply) {
      this.sendError(res, req, reply.status, reply.error.code, reply.error.message, reply.error.source);
      return;
    }
    sendJson(res, reply.status, reply.json);
  }

  private async dispatch(route: EmulatorRoute, method: string, path: string, query: URLSearchParams, rawBody: string): Promise<Reply> {
    const parts = path.split('/').filter(Boolean); // ['api','sandbox',id,...] or ['toolbox',id,...]
    switch (route) {
      case 'config':
        return ok({ analyticsApiUrl: null, version: 'emulator' });
      case 'create':
        return this.create(rawBody);
      case 'list':
        return this.list(query);
      case 'get': {
        const sandbox = this.find(parts[2]);
        if (!sandbox) return notFound(parts[2]);
        this.progress(sandbox);
        return ok(this.dto(sandbox));
      }
      case 'toolboxProxyUrl': {
        const sandbox = this.find(parts[2]);
        return sandbox ? ok({ url: this.toolboxUrl }) : notFound(parts[2]);
      }
      case 'lastActivity': {
        const sandbox = this.find(parts[2]);
        return sandbox ? ok({}) : notFound(parts[2]);
      }
      case 'delete': {
        const sandbox = this.find(parts[2]);
        if (!sandbox) return notFound(parts[2]);
        await this.destroy(sandbox);
        return ok({ ...this.dto(sandbox), state: 'destroying' });
      }
      case 'stop': {
        const sandbox = this.find(parts[2]);
        if (!sandbox) return notFound(parts[2]);
        sandbox.state = 'stopped';
        // Ephemeral (autoDeleteInterval 0): deleted as soon as it stops, as on the real service.
        if (sandbox.autoDeleteInterval === 0) await this.destroy(sandbox);
        return ok({});
      }
      case 'start': {
        const sandbox = this.find(parts[2]);
        if (!sandbox) return notFound(parts[2]);
        sandbox.state = 'started';
        return ok(this.dto(sandbox));
      }
      case 'codeRun':
      case 'execute': {
        const sandbox = this.sandboxes.get(parts[1]);
        if (!sandbox) return { status: 404, error: { code: 'NOT_FOUND', message: `Sandbox with ID ${parts[1]} not found`, source: 'DAYTONA_PROXY' } };
        if (sandbox.state !== 'started') {
          return { status: 400, error: { code: 'BAD_REQUEST', message: `Sandbox ${sandbox.id} is not started (state ${sandbox.state})`, source: 'DAYTONA_PROXY' } };
        }
        const body = parseJson(rawBody);
        if (!body) return badRequest('INVALID_REQUEST_BODY', 'invalid request body', 'DAYTONA_DAEMON');
        return route === 'codeRun' ? this.codeRun(sandbox, body) : this.execute(sandbox, body);
      }
      default:
        return { status: 404, error: { code: 'NOT_FOUND', message: `Cannot ${method} ${path}`, source: 'DAYTONA_API' } };
    }
  }

  private async create(rawBody: string): Promise<Reply> {
    const body = parseJson(rawBody);
    if (!body) return badRequest('BAD_REQUEST', 'Invalid request body');
    const hasResources = ['cpu', 'memory', 'disk', 'gpu'].some((k) => body[k] !== undefined && body[k] !== null);
    // apps/api sandbox.controller.ts: resources are only accepted for a build (an image).
    if (hasResources && !body.buildInfo) return badRequest('BAD_REQUEST', 'Cannot specify Sandbox resources when using a snapshot');
    if (body.buildInfo && body.snapshot) return badRequest('BAD_REQUEST', 'Cannot specify both a snapshot and a build');
    const name = typeof body.name === 'string' ? body.name : undefined;
    if (name && this.find(name)) {
      return { status: 409, error: { code: 'CONFLICT', message: `Sandbox with name ${name} already exists`, source: 'DAYTONA_API' } };
    }
    const initial = this.options.startMode === 'started' ? 'started' : body.buildInfo ? 'pending_build' : 'creating';
    const sandbox = await this.newSandbox(body, initial);
    return ok(this.dto(sandbox));
  }

  private async newSandbox(body: Record<string, unknown>, state: string): Promise<EmulatedSandbox> {
    const id = randomUUID();
    const now = new Date().toISOString();
    const num = (v: unknown, d: number): number => (typeof v === 'number' ? v : d);
    const sandbox: EmulatedSandbox = {
      id,
      name: typeof body.name === 'string' ? body.name : id,
      labels: { ...((body.labels as Record<string, string>) ?? {}) },
      state,
      env: { ...((body.env as Record<string, string>) ?? {}) },
      snapshot: typeof body.snapshot === 'string' ? body.snapshot : body.buildInfo ? null : 'daytonaio/sandbox:emulator',
      buildInfo: body.buildInfo ?? null,
      cpu: num(body.cpu, 1),
      memory: num(body.memory, 1),
      disk: num(body.disk, 3),
      gpu: num(body.gpu, 0),
      networkBlockAll: body.networkBlockAll === true,
      target: typeof body.target === 'string' ? body.target : 'us',
      autoStopInterval: num(body.autoStopInterval, 15),
      autoArchiveInterval: num(body.autoArchiveInterval, 10_080),
      autoDeleteInterval: num(body.autoDeleteInterval, -1),
      ttlMinutes: typeof body.ttlMinutes === 'number' ? body.ttlMinutes : null,
      createdAt: now,
      updatedAt: now,
      polls: 0,
      dir: await mkdtemp(join(tmpdir(), 'daytona-emu-')),
      createBody: body,
    };
    this.sandboxes.set(id, sandbox);
    return sandbox;
  }

  /** `creating` mode: each GET moves the sandbox one step towards `started`. */
  private progress(sandbox: EmulatedSandbox): void {
    if (sandbox.state === 'started' || sandbox.state === 'stopped' || sandbox.state === 'error') return;
    sandbox.polls++;
    if (sandbox.polls >= this.options.creatingPolls) sandbox.state = 'started';
    else if (sandbox.state === 'pending_build') sandbox.state = 'building_snapshot';
    else if (sandbox.state === 'building_snapshot') sandbox.state = 'starting';
  }

  private list(query: URLSearchParams): Reply {
    let wanted: Record<string, string> = {};
    const rawLabels = query.get('labels');
    if (rawLabels) {
      const parsed = parseJson(rawLabels);
      if (!parsed) return badRequest('BAD_REQUEST', 'labels must be a JSON object');
      wanted = parsed as Record<string, string>;
    }
    const states = query.getAll('states');
    const name = query.get('name');
    const all = [...this.sandboxes.values()]
      .filter((s) => Object.entries(wanted).every(([k, v]) => s.labels[k] === v))
      .filter((s) => states.length === 0 || states.includes(s.state))
      .filter((s) => !name || s.name === name)
      .sort((a, b) => a.createdAt.localeCompare(b.createdAt)); // stable: ties keep creation order
    const offset = Number(query.get('cursor') ?? 0) || 0;
    const limit = Math.max(1, Math.min(200, Number(query.get('limit') ?? this.options.defaultPageSize) || this.options.defaultPageSize));
    const page = all.slice(offset, offset + limit);
    const next = offset + limit < all.length ? String(offset + limit) : null;
    return ok({ items: page.map((s) => this.dto(s, false)), nextCursor: next });
  }

  private async codeRun(sandbox: EmulatedSandbox, body: Record<string, unknown>): Promise<Reply> {
    if (typeof body.code !== 'string') return badRequest('INVALID_REQUEST_BODY', 'code is required', 'DAYTONA_DAEMON');
    const language = body.language ?? 'python';
    if (language !== 'python') return badRequest('BAD_REQUEST', `bad request: unsupported language: ${String(language)}`, 'DAYTONA_DAEMON');
    const file = join(sandbox.dir, `.code-run-${randomUUID()}.py`);
    await writeFile(file, body.code);
    const argv = Array.isArray(body.argv) ? body.argv.map(String) : [];
    this.codeRunPeak = Math.max(this.codeRunPeak, ++this.codeRunsRunning);
    let run: Awaited<ReturnType<DaytonaEmulator['runMerged']>>;
    try {
      run = await this.runMerged(sandbox, [this.options.python, file, ...argv], body.envs, body.timeout, undefined);
    } finally {
      this.codeRunsRunning--;
    }
    await rm(file, { force: true });
    if (run.timedOut) return daemonTimeout('REQUEST_TIMEOUT');
    const { result, charts } = extractArtifacts(run.output);
    return ok({ exitCode: run.exitCode, result, artifacts: { stdout: result, charts } });
  }

  private async execute(sandbox: EmulatedSandbox, body: Record<string, unknown>): Promise<Reply> {
    if (typeof body.command !== 'string' || body.command.trim() === '') {
      return badRequest('INVALID_REQUEST_BODY', 'invalid request body: command is required', 'DAYTONA_DAEMON');
    }
    const cwd = typeof body.cwd === 'string' ? join(sandbox.dir, body.cwd.replace(/^\/+/, '')) : undefined;
    const run = await this.runMerged(sandbox, ['/bin/sh', '-c', body.command], body.envs, body.timeout, cwd);
    if (run.timedOut) return daemonTimeout('PROCESS_EXECUTION_TIMEOUT');
    return ok({ exitCode: run.exitCode, result: run.output });
  }

  /** Runs argv in its own process group with stdout and stderr on one pipe, as the daemon does. */
  private runMerged(sandbox: EmulatedSandbox, argv: string[], envs: unknown, timeout: unknown, cwd: string | undefined): Promise<{ output: string; exitCode: number; timedOut: boolean }> {
    const env: Record<string, string> = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: sandbox.dir, LANG: 'C.UTF-8' };
    if (envs && typeof envs === 'object') for (const [k, v] of Object.entries(envs)) env[k] = String(v);
    return new Promise((resolve) => {
      // `exec ... 2>&1` gives one pipe for both streams: output arrives in emission order.
      const child = spawn('/bin/sh', ['-c', 'exec "$@" 2>&1', 'sh', ...argv], {
        cwd: cwd ?? sandbox.dir, env, detached: true, stdio: ['ignore', 'pipe', 'ignore'],
      });
      this.children.add(child);
      const chunks: Buffer[] = [];
      let timedOut = false;
      const timeoutS = typeof timeout === 'number' && timeout > 0 ? timeout : 0;
      const timer = timeoutS > 0 ? setTimeout(() => {
        timedOut = true;
        killGroup(child);
      }, timeoutS * 1000) : undefined;
      child.stdout!.on('data', (c: Buffer) => chunks.push(c));
      child.on('close', (code, signal) => {
        if (timer) clearTimeout(timer);
        this.children.delete(child);
        const exitCode = code ?? (signal ? 128 + signalNumber(signal) : -1);
        resolve({ output: Buffer.concat(chunks).toString('utf8'), exitCode, timedOut });
      });
      child.on('error', () => undefined);
    });
  }

  private async destroy(sandbox: EmulatedSandbox): Promise<void> {
    sandbox.state = 'destroyed';
    this.sandboxes.delete(sandbox.id);
    await rm(sandbox.dir, { recursive: true, force: true });
  }

  private find(idOrName: string | undefined): EmulatedSandbox | undefined {
    if (!idOrName) return undefined;
    const decoded = decodeURIComponent(idOrName);
    return this.sandboxes.get(decoded) ?? [...this.sandboxes.values()].find((s) => s.name === decoded);
  }

  private dto(s: EmulatedSandbox, withEnv = true): Record<string, unknown> {
    return {
      id: s.id,
      organizationId: 'org-emulator',
      name: s.name,
      snapshot: s.snapshot,
      user: 'daytona',
      ...(withEnv ? { env: s.env } : {}),
      labels: s.labels,
      public: false,
      networkBlockAll: s.networkBlockAll,
      networkAllowList: null,
      target: s.target,
      cpu: s.cpu,
      gpu: s.gpu,
      memory: s.memory,
      disk: s.disk,
      state: s.state,
      desiredState: 'started',
      errorReason: null,
      backupState: 'None',
      autoStopInterval: s.autoStopInterval,
      autoArchiveInterval: s.autoArchiveInterval,
      autoDeleteInterval: s.autoDeleteInterval,
      ...(s.ttlMinutes !== null ? { ttlMinutes: s.ttlMinutes } : {}),
      createdAt: s.createdAt,
      updatedAt: s.updatedAt,
      sandboxClass: 'small',
      daemonVersion: '0.0.0-emulator',
      ...(this.options.omitToolboxProxyUrl ? {} : { toolboxProxyUrl: this.toolboxUrl }),
    };
  }

  private takeFault(route: EmulatorRoute): Fault | undefined {
    const index = this.faults.findIndex((f) => f.route === route || f.route === 'any');
    if (index < 0) return undefined;
    const entry = this.faults[index];
    entry.remaining--;
    if (entry.remaining <= 0) this.faults.splice(index, 1);
    return entry.fault;
  }

  private sendError(res: ServerResponse, req: IncomingMessage, status: number, code: string, message: string, source: string): void {
    sendJson(res, status, {
      statusCode: status, message, code, source, path: req.url ?? '/', method: req.method ?? 'GET', timestamp: new Date().toISOString(),
    });
  }
}

type Reply =
  | { status: number; json: unknown }
  | { status: number; error: { code: string; message: string; source: string } };

function ok(json: unknown): Reply {
  return { status: 200, json };
}

function notFound(idOrName: string | undefined): Reply {
  return { status: 404, error: { code: 'NOT_FOUND', message: `Sandbox with ID or name ${idOrName ?? ''} not found`, source: 'DAYTONA_API' } };
}

function badRequest(code: string, message: string, source = 'DAYTONA_API'): Reply {
  return { status: 400, error: { code, message, source } };
}

function daemonTimeout(code: string): Reply {
  return { status: 408, error: { code, message: 'command execution timeout', source: 'DAYTONA_DAEMON' } };
}

function classify(method: string, path: string): EmulatorRoute {
  const p = path.split('/').filter(Boolean);
  if (p[0] === 'toolbox') {
    if (method === 'POST' && p[2] === 'process' && p[3] === 'code-run' && p.length === 4) return 'codeRun';
    if (method === 'POST' && p[2] === 'process' && p[3] === 'execute' && p.length === 4) return 'execute';
    return 'other';
  }
  if (p[0] !== 'api') return 'other';
  if (p[1] === 'config' && p.length === 2 && method === 'GET') return 'config';
  if (p[1] !== 'sandbox') return 'other';
  if (p.length === 2) return method === 'POST' ? 'create' : method === 'GET' ? 'list' : 'other';
  if (p.length === 3) return method === 'GET' ? 'get' : method === 'DELETE' ? 'delete' : 'other';
  if (p.length === 4 && method === 'POST' && p[3] === 'stop') return 'stop';
  if (p.length === 4 && method === 'POST' && p[3] === 'start') return 'start';
  if (p.length === 4 && method === 'GET' && p[3] === 'toolbox-proxy-url') return 'toolboxProxyUrl';
  if (p.length === 4 && p[3] === 'last-activity') return 'lastActivity';
  return 'other';
}

/** The daemon turns `dtn_artifact_k39fd2:{type:'chart', value}` lines into charts and drops them. */
function extractArtifacts(output: string): { result: string; charts: unknown[] } {
  if (!output.includes(ARTIFACT_PREFIX)) return { result: output, charts: [] };
  const charts: unknown[] = [];
  const kept: string[] = [];
  for (const line of output.split('\n')) {
    if (line.startsWith(ARTIFACT_PREFIX)) {
      const artifact = parseJson(line.slice(ARTIFACT_PREFIX.length));
      if (artifact?.type === 'chart') charts.push(artifact.value);
    } else {
      kept.push(line);
    }
  }
  return { result: kept.join('\n'), charts };
}

function defaultCode(status: number): string {
  return ({ 400: 'BAD_REQUEST', 401: 'UNAUTHORIZED', 403: 'FORBIDDEN', 404: 'NOT_FOUND', 408: 'REQUEST_TIMEOUT', 429: 'TOO_MANY_REQUESTS', 500: 'INTERNAL_SERVER_ERROR', 502: 'BAD_GATEWAY', 503: 'SERVICE_UNAVAILABLE' } as Record<number, string>)[status] ?? 'ERROR';
}

function defaultMessage(status: number): string {
  return ({ 401: 'Unauthorized', 403: 'Forbidden resource', 429: 'ThrottlerException: Too Many Requests', 500: 'Internal server error', 502: 'Bad Gateway', 503: 'Service Unavailable' } as Record<number, string>)[status] ?? `HTTP ${status}`;
}

function sendJson(res: ServerResponse, status: number, json: unknown): void {
  const text = JSON.stringify(json);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', () => resolve(''));
  });
}

function parseJson(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

function signalNumber(signal: NodeJS.Signals): number {
  return ({ SIGKILL: 9, SIGTERM: 15, SIGSEGV: 11, SIGABRT: 6, SIGXCPU: 24, SIGXFSZ: 25, SIGINT: 2 } as Record<string, number>)[signal] ?? 1;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
