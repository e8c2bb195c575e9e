/**
 * A loopback OpenAI-compatible server (`POST /v1/chat/completions`, `GET /v1/models`) that
 * answers with SCRIPTED completions, faithful to the wire format the `openai` client reads:
 * `{id, object: 'chat.completion', created, model, choices[{index, message{role, content,
 * refusal}, logprobs, finish_reason}], usage, system_fingerprint}`, and OpenAI's error body
 * `{error: {message, type, param, code}}` with `retry-after`/`retry-after-ms` headers.
 *
 * Replies come from a FIFO queue (`enqueue`) or, when the queue is empty, from a handler function
 * of the request (`respondWith`). Every request is recorded (method, path, headers, parsed body).
 * Not emulated: streaming, tools, embeddings and every other endpoint.
 */
import { randomUUID } from 'node:crypto';
import { type IncomingMessage, type Server, type ServerResponse, createServer } from 'node:http';
import type { Socket } from 'node:net';

/** A chat-completions request as the server received it. */
export interface RecordedChatRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  /** Parsed JSON body (chat completions only). */
  body: ChatRequestBody | null;
  at: number;
}

export interface ChatRequestBody {
  model: string;
  messages: { role: string; content: string }[];
  response_format?: { type: string; json_schema?: { name: string; schema: Record<string, unknown>; strict?: boolean } };
  [key: string]: unknown;
}

/** One scripted answer. */
export type ScriptedReply =
  /** A completion whose `choices[0].message.content` is `content`. */
  | { content: string; finishReason?: 'stop' | 'length' | 'content_filter'; delayMs?: number; model?: string }
  /** A refusal (`message.content` null, `message.refusal` set). */
  | { refusal: string; delayMs?: number }
  /** An HTTP error with OpenAI's error body. */
  | { status: number; message?: string; type?: string; code?: string | null; retryAfterS?: number; retryAfterMs?: number; delayMs?: number }
  /** Destroys the connection without answering. */
  | { drop: true };

export type ReplyHandler = (request: ChatRequestBody, recorded: RecordedChatRequest) => ScriptedReply;

export interface OpenAiEmulatorOptions {
  /** When set, only `Authorization: Bearer <apiKey>` is accepted (401 otherwise, echoing the key like a careless server). */
  apiKey?: string;
  /** Models listed by `GET /v1/models`. */
  models?: string[];
}

/** Loopback OpenAI-compatible server; start with `OpenAiEmulator.start()`, use `baseUrl`. */
export class OpenAiEmulator {
  readonly requests: RecordedChatRequest[] = [];
  private readonly queue: (ScriptedReply | ReplyHandler)[] = [];
  private handler?: ReplyHandler;
  private readonly sockets = new Set<Socket>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly server: Server;
  private port = 0;

  private constructor(private readonly options: OpenAiEmulatorOptions) {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((e: unknown) => {
        if (!res.headersSent) this.sendError(res, 500, `emulator failure: ${(e as Error).message}`, 'server_error');
      });
    });
    this.server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
  }

  static async start(options: OpenAiEmulatorOptions = {}): Promise<OpenAiEmulator> {
    const emulator = new OpenAiEmulator(options);
    await new Promise<void>((resolve, reject) => {
      emulator.server.once('error', reject);
      emulator.server.listen(0, '127.0.0.1', () => resolve());
    });
    emulator.port = (emulator.server.address() as { port: number }).port;
    return emulator;
  }

  /** `http://127.0.0.1:PORT` */
  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  /** The OpenAI-style base URL, `http://127.0.0.1:PORT/v1`. */
  get baseUrl(): string {
    return `${this.url}/v1`;
  }

  /** Chat-completion requests only, in arrival order. */
  get chatRequests(): RecordedChatRequest[] {
    return this.requests.filter((r) => r.path === '/v1/chat/completions');
  }

  /** Appends replies (or per-request functions) answered in order. */
  enqueue(...replies: (ScriptedReply | ReplyHandler)[]): this {
    this.queue.push(...replies);
    return this;
  }

  /** Answers requests when the queue is empty. */
  respondWith(handler: ReplyHandler): this {
    this.handler = handler;
    return this;
  }

  /** Replies still queued (a test can assert the script was consumed). */
  get pending(): number {
    return this.queue.length;
  }

  /** Clears queue, handler and recorded requests. */
  reset(): void {
    this.queue.length = 0;
    this.handler = undefined;
    this.requests.length = 0;
  }

  async close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    await closed;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    const raw = await readBody(req);
    const recorded: RecordedChatRequest = { method: req.method ?? 'GET', path, headers: { ...req.headers }, body: null, at: Date.now() };
    this.requests.push(recorded);

    if (this.options.apiKey !== undefined) {
      const auth = req.headers.authorization;
      if (auth !== `Bearer ${this.options.apiKey}`) {
        const presented = typeof auth === 'string' ? auth.replace(/^Bearer\s+/i, '') : '';
        // Echo the presented key in full, as a careless server might, so tests can prove we scrub it.
        return this.sendError(res, 401, `Incorrect API key provided: ${presented}.`, 'invalid_request_error', 'invalid_api_key');
      }
    }
    if (req.method === 'GET' && path === '/v1/models') {
      const created = Math.floor(Date.now() / 1000);
      return this.sendJson(res, 200, {
        object: 'list',
        data: (this.options.models ?? ['test-model']).map((id) => ({ id, object: 'model', created, owned_by: 'emulator' })),
      });
    }
    if (req.method !== 'POST' || path !== '/v1/chat/completions') {
      return this.sendError(res, 404, `Unknown request URL: ${req.method} ${path}.`, 'invalid_request_error', 'unknown_url');
    }
    let body: ChatRequestBody;
    try {
      body = JSON.parse(raw) as ChatRequestBody;
    } catch {
      return this.sendError(res, 400, 'We could not parse the JSON body of your request.', 'invalid_request_error');
    }
    recorded.body = body;
    if (typeof body.model !== 'string' || !Array.isArray(body.messages) || body.messages.length === 0) {
      return this.sendError(res, 400, "Missing required parameter: 'model' or 'messages'.", 'invalid_request_error');
    }
    const next = this.queue.shift() ?? this.handler;
    if (next === undefined) {
      return this.sendError(res, 400, 'emulator: no scripted completion left for this request', 'invalid_request_error', 'emulator_script_exhausted');
    }
    const reply = typeof next === 'function' ? next(body, recorded) : next;
    if ('drop' in reply) {
      req.socket.destroy();
      return;
    }
    if (reply.delayMs) await this.sleep(reply.delayMs, res);
    if (res.destroyed || res.writableEnded) return;
    if ('status' in reply) {
      const headers: Record<string, string> = {};
      if (reply.retryAfterS !== undefined) headers['retry-after'] = String(reply.retryAfterS);
      if (reply.retryAfterMs !== undefined) headers['retry-after-ms'] = String(reply.retryAfterMs);
      return this.sendError(res, reply.status, reply.message ?? `emulated HTTP ${reply.status}`, reply.type ?? errorType(reply.status), reply.code ?? null, headers);
    }
    const content = 'content' in reply ? reply.content : null;
    const promptChars = body.messages.reduce((n, m) => n + (typeof m.content === 'string' ? m.content.length : 0), 0);
    const completionTokens = Math.ceil((content ?? '').length / 4);
    const promptTokens = Math.ceil(promptChars / 4);
    this.sendJson(res, 200, {
      id: `chatcmpl-${randomUUID().replace(/-/g, '').slice(0, 24)}`,
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: ('model' in reply && reply.model) || body.model,
      choices: [
        {
          index: 0,
          message: { role: 'assistant', content, refusal: 'refusal' in reply ? reply.refusal : null, annotations: [] },
          logprobs: null,
          finish_reason: 'finishReason' in reply && reply.finishReason ? reply.finishReason : 'stop',
        },
      ],
      usage: { prompt_tokens: promptTokens, completion_tokens: completionTokens, total_tokens: promptTokens + completionTokens },
      system_fingerprint: 'fp_emulator',
    });
  }

  /** Waits, but gives up early when the client goes away (its timeout or abort). */
  private sleep(ms: number, res: ServerResponse): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      this.timers.add(timer);
      res.once('close', done);
      function done() {
        clearTimeout(timer);
        resolve();
      }
    });
  }

  private sendJson(res: ServerResponse, status: number, payload: unknown, headers: Record<string, string> = {}): void {
    const text = JSON.stringify(payload);
    res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), 'x-request-id': `req_${randomUUID().slice(0, 8)}`, ...headers });
    res.end(text);
  }

  private sendError(res: ServerResponse, status: number, message: string, type: string, code: string | null = null, headers: Record<string, string> = {}): void {
    this.sendJson(res, status, { error: { message, type, param: null, code } }, headers);
  }
}

function errorType(status: number): string {
  if (status === 429) return 'rate_limit_exceeded';
  if (status >= 500) return 'server_error';
  return 'invalid_request_error';
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}
