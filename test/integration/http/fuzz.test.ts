/**
 * Throws well over 1,000 malformed or hostile requests at a listening server (seeded, so a failure
 * reproduces): wrong types, missing and unknown fields, huge and deeply nested JSON, bad UTF-8,
 * bogus content types, path tricks, very long URLs and headers, duplicate and malformed headers,
 * broken HTTP framing. Every answer must be < 500 (a client's mistake is never a server error)
 * and, when it is an error, in the `{error: {code, message}}` shape; the server must be alive and
 * executing code afterwards.
 */
import { Agent, request as httpRequest } from 'node:http';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TEST_TOKEN, type TestServer, startTestServer } from './http-harness.js';

const SEED = 0x5eed_2024;
const RANDOM_REQUESTS = 1100;
const WORKERS = 6;
const RAW_TIMEOUT_MS = 10_000;
/** Pseudo-statuses for requests that got no HTTP answer (checked separately). */
const CLIENT_REFUSED = -2;
const CONNECTION_CUT = -1;
/** The test server's RK_BODY_LIMIT_BYTES (see http-harness). */
const BODY_LIMIT_BYTES = 64 * 1024;

/** mulberry32: small, fast, good enough to pick fuzz cases reproducibly. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface FuzzRequest {
  label: string;
  method: string;
  path: string;
  headers: Record<string, string | string[]>;
  body?: Buffer;
}

interface Outcome {
  label: string;
  status: number;
  text: string;
  method: string;
}

const ROUTES: [string, string][] = [
  ['GET', '/api/v2/daytona/status'],
  ['GET', '/api/v2/daytona/config'],
  ['PUT', '/api/v2/daytona/config'],
  ['POST', '/api/v2/daytona/execute'],
  ['POST', '/api/v2/daytona/execute/batch'],
  ['POST', '/api/v2/daytona/test'],
  ['POST', '/api/v2/daytona/sandbox/create'],
  ['DELETE', '/api/v2/daytona/sandbox'],
  ['POST', '/api/v2/reason'],
  ['GET', '/api/v2/reason/abc-123'],
  ['GET', '/healthz'],
  ['GET', '/metrics'],
  ['GET', '/openapi.json'],
];

const PATH_TRICKS = [
  '/api/v2/daytona/../status',
  '/api/v2/daytona/./status',
  '/api/v2/daytona/%2e%2e/status',
  '/api/v2/daytona/%2E%2E%2Fstatus',
  '/api/v2/daytona/status%00',
  '/api/v2/daytona/%00',
  '/api/v2/reason/%00',
  '/api/v2/reason/a%00b',
  '/api/v2/daytona/status/',
  '//api/v2/daytona/status',
  '/api/v2//daytona/status',
  '/API/V2/DAYTONA/STATUS',
  '/api/v2/daytona/status?x=1&x=2&x[]=3',
  '/api/v2/daytona/status?%zz=%zz',
  '/api/v2/reason/%zz',
  '/api/v2/reason/%',
  '/api/v2/reason/%E0%A4%A',
  '/api/v2/reason/%C0%AF',
  `/api/v2/reason/${'a'.repeat(150)}`,
  '/api/v2/reason/..%2f..%2fetc%2fpasswd',
  '/api/v2/reason/%2e%2e',
  '/api/v2/daytona\\status',
  '/api/v2/daytona/status;x=1',
  '/healthz/..',
  '/healthz%2f..%2fmetrics',
  '/%68ealthz',
  '/healthz/../metrics',
  `/${'x'.repeat(8000)}`,
  `/api/v2/daytona/status?${'q'.repeat(12000)}`,
  `/api/v2/daytona/status?${'q'.repeat(40000)}`,
  '*',
  'http://evil.example/api/v2/daytona/status',
  '/api/v2/reason/\u00fc\u00ef',
  '/api/v2/daytona/execute/batch/../../execute',
  '/openapi.json/..',
  '/metrics?format=json',
];

const CONTENT_TYPES = [
  'application/json',
  'application/json; charset=utf-8',
  'application/json;charset=UTF-8',
  'application/JSON',
  'application/json; charset=latin1',
  'application/json; charset=',
  'application/json; boundary=x',
  'text/plain',
  'text/json',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=----x',
  'application/xml',
  'application/octet-stream',
  '*/*',
  'a/b/c',
  '',
  ';;;',
  'application/vnd.api+json',
];

const FIELD_NAMES = [
  'code', 'timeout', 'config', 'cache', 'items', 'concurrency', 'query', 'options', 'prior', 'interval_mass', 'seed',
  'cpu_limit', 'memory_limit_mb', 'execution_timeout', 'temp_storage_mb', 'python_version', 'enable_networking',
  'enable_ast_validation', 'allowed_imports', '__proto__', 'constructor', 'prototype', '', ' ', 'codé', '$where',
];

const HOSTILE_CODE = [
  'import os\nos.system("id")',
  '__import__("subprocess").run(["id"])',
  'eval("1+1")',
  'exec("print(1)")',
  'open("/etc/passwd").read()',
  'print(().__class__.__bases__[0].__subclasses__())',
  'import socket\nsocket.create_connection(("127.0.0.1", 22))',
  'getattr(__builtins__, "ev" + "al")("1")',
  'from os import path',
  'import importlib',
  'globals()["x"] = 1',
  'ｅｖａｌ("1")',
  'def f(:\n  pass',
];

describe('HTTP fuzz: malformed and hostile requests never get a 5xx', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer({ server: { adminToken: TEST_TOKEN } });
  });
  afterAll(async () => {
    await server?.stop();
  });

  it(`answers ${RANDOM_REQUESTS} random and all scripted hostile requests with < 500, then still works`, async () => {
    const rand = prng(SEED);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)];
    const int = (lo: number, hi: number): number => lo + Math.floor(rand() * (hi - lo + 1));

    const randomString = (): string => {
      switch (int(0, 7)) {
        case 0:
          return '';
        case 1:
          return 'print(1)';
        case 2:
          return Array.from({ length: int(1, 40) }, () => String.fromCharCode(int(32, 126))).join('');
        case 3:
          return Array.from({ length: int(1, 20) }, () => String.fromCodePoint(int(0, 0x10ffff) & 0xd7ff)).join('');
        case 4:
          return 'x'.repeat(int(4000, 9000));
        case 5:
          return pick(['import os', '__import__("os")', 'eval("1")', 'open("/etc/passwd")', "().__class__.__bases__[0]", 'uniform', 'jeffreys', '3.11', 'numpy']);
        case 6:
          return '\u0000\ud800\udfff\u202e';
        default:
          return pick(FIELD_NAMES);
      }
    };
    const randomValue = (depth: number): unknown => {
      switch (int(0, depth > 3 ? 6 : 9)) {
        case 0:
          return null;
        case 1:
          return rand() < 0.5;
        case 2:
          return int(-5, 5);
        case 3:
          return pick([0, -0.0, 1e308, -1e308, 1e-300, 2 ** 53 + 1, 0.5, 3600, 65536, 4096, 99999999]);
        case 4:
        case 5:
          return randomString();
        case 6:
          return pick([[], {}, [null], { '': '' }]);
        case 7:
          return Array.from({ length: int(0, 4) }, () => randomValue(depth + 1));
        default: {
          const o: Record<string, unknown> = {};
          for (let i = int(0, 4); i > 0; i--) o[pick(FIELD_NAMES)] = randomValue(depth + 1);
          return o;
        }
      }
    };
    const validBodyFor = (path: string): Record<string, unknown> => {
      if (path.endsWith('/execute')) return { code: 'print(1)', timeout: 5, config: { memory_limit_mb: 128 } };
      if (path.endsWith('/batch')) return { items: [{ code: 'print(1)' }], concurrency: 1 };
      if (path.endsWith('/config')) return { cpu_limit: 2 };
      if (path.endsWith('/reason')) return { query: 'A coin is flipped 20 times with 14 heads observed', options: { seed: 1 } };
      return {};
    };
    const mutate = (body: Record<string, unknown>): unknown => {
      const copy: Record<string, unknown> = JSON.parse(JSON.stringify(body));
      const keys = Object.keys(copy);
      switch (int(0, 4)) {
        case 0:
          if (keys.length) delete copy[pick(keys)];
          return copy;
        case 1:
          if (keys.length) copy[pick(keys)] = randomValue(1);
          return copy;
        case 2:
          copy[pick(FIELD_NAMES)] = randomValue(1);
          return copy;
        case 3: {
          // Nested mutation (config/options/items).
          const nested = keys.find((k) => typeof copy[k] === 'object' && copy[k] !== null);
          if (nested) (copy[nested] as Record<string, unknown>)[pick(FIELD_NAMES)] = randomValue(2);
          return copy;
        }
        default:
          return randomValue(0);
      }
    };
    const rawBody = (path: string): Buffer | undefined => {
      switch (int(0, 13)) {
        case 0:
          return undefined;
        case 1:
          return Buffer.alloc(0);
        case 2: {
          const n = int(1000, 60_000);
          return Buffer.from(rand() < 0.5 ? `${'['.repeat(n)}${']'.repeat(n)}` : `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`);
        }
        case 3:
          return Buffer.from(JSON.stringify({ code: 'x'.repeat(int(70_000, 200_000)) })); // over the body limit
        case 4:
          return Buffer.concat([Buffer.from('{"code":"'), Buffer.from([pick([0xff, 0xc3, 0xed, 0xf8, 0x80]), int(0, 255), int(0, 255)]), Buffer.from('"}')]);
        case 5: {
          const valid = JSON.stringify(validBodyFor(path));
          return Buffer.from(valid.slice(0, int(0, valid.length - 1)));
        }
        case 6:
          return Buffer.from(Array.from({ length: int(1, 300) }, () => int(0, 255)));
        case 7:
          return Buffer.from(pick(['null', 'true', '1', '"x"', '[]', '{}', ' ', '\ufeff{}', '{"__proto__":{"polluted":1}}', '{"constructor":{"prototype":{"x":1}}}', '{"code":"print(1)","code":"import os"}', 'NaN', '{"code": Infinity}']));
        default:
          return Buffer.from(JSON.stringify(rand() < 0.65 ? mutate(validBodyFor(path)) : randomValue(0)) ?? 'null');
      }
    };

    const requests: FuzzRequest[] = [];
    for (let i = 0; i < RANDOM_REQUESTS; i++) {
      const [routeMethod, routePath] = pick(ROUTES);
      const method = rand() < 0.9 ? routeMethod : pick(['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'HEAD']);
      const path = rand() < 0.85 ? routePath : pick(PATH_TRICKS);
      const headers: Record<string, string | string[]> = {};
      const authRoll = rand();
      if (authRoll < 0.85) headers.authorization = `Bearer ${TEST_TOKEN}`;
      else if (authRoll < 0.9) headers.authorization = pick(['Bearer ', 'Bearer x', `Basic ${TEST_TOKEN}`, `Bearer ${TEST_TOKEN} extra`, `Bearer\t${TEST_TOKEN}`]);
      else if (authRoll < 0.93) headers.authorization = [`Bearer ${TEST_TOKEN}`, 'Bearer wrong'];
      const body = method === 'GET' || method === 'HEAD' ? (rand() < 0.1 ? Buffer.from('{}') : undefined) : rawBody(routePath);
      if (body !== undefined) {
        const ctRoll = rand();
        if (ctRoll < 0.75) headers['content-type'] = 'application/json';
        else if (ctRoll < 0.95) headers['content-type'] = pick(CONTENT_TYPES);
        else if (ctRoll < 0.98) headers['content-type'] = ['application/json', 'text/plain'];
        // else: no Content-Type at all
        headers['content-length'] = String(body.length);
      }
      requests.push({ label: `#${i} ${method} ${path.slice(0, 80)}`, method, path, headers, body });
    }
    // Hostile programs: refused by the validator (422), never run.
    for (const code of HOSTILE_CODE) {
      requests.push({
        label: `hostile code ${code.slice(0, 40)}`,
        method: 'POST',
        path: '/api/v2/daytona/execute',
        headers: { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/json' },
        body: Buffer.from(JSON.stringify({ code })),
      });
    }
    // Asking beyond the operator's ceiling: 403, and the shared config stays as it was.
    for (const [method, path, body] of [
      ['PUT', '/api/v2/daytona/config', { enable_networking: true }],
      ['PUT', '/api/v2/daytona/config', { enable_ast_validation: false }],
      ['PUT', '/api/v2/daytona/config', { allowed_imports: ['os', 'subprocess'] }],
      ['POST', '/api/v2/daytona/execute', { code: 'import os', config: { enable_ast_validation: false } }],
      ['POST', '/api/v2/daytona/execute', { code: 'print(1)', timeout: 3599 }],
    ] as const) {
      requests.push({
        label: `ceiling ${method} ${JSON.stringify(body)}`,
        method,
        path,
        headers: { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/json' },
        body: Buffer.from(JSON.stringify(body)),
      });
    }
    // Every path trick at least once, with the token.
    for (const path of PATH_TRICKS) {
      requests.push({ label: `trick GET ${path.slice(0, 80)}`, method: 'GET', path, headers: { authorization: `Bearer ${TEST_TOKEN}` } });
    }

    const agent = new Agent({ keepAlive: true, maxSockets: WORKERS });
    const outcomes: Outcome[] = [];
    const failures: string[] = [];
    const silentRaw: string[] = [];
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < requests.length) {
        const r = requests[next++];
        try {
          const answer = await send(server.url, r, agent);
          if (answer.status === CLIENT_REFUSED) continue;
          if (answer.status === CONNECTION_CUT) {
            // Acceptable only when the server cut an upload over the body limit.
            if ((r.body?.length ?? 0) <= BODY_LIMIT_BYTES) failures.push(`${r.label}: connection cut (${answer.text})`);
            continue;
          }
          outcomes.push({ ...answer, label: r.label, method: r.method });
        } catch (e) {
          failures.push(`${r.label}: ${(e as Error).message}`);
        }
      }
    };
    try {
      await Promise.all(Array.from({ length: WORKERS }, worker));
    } finally {
      agent.destroy();
    }

    // Broken framing and duplicate headers, over raw sockets.
    const port = new URL(server.url).port;
    // Connection: close so well-formed cases end without waiting for the keep-alive timeout.
    const auth = `Authorization: Bearer ${TEST_TOKEN}\r\nConnection: close\r\n`;
    const rawCases: [string, string | Buffer][] = [
      ['duplicate Content-Length', `POST /api/v2/daytona/execute HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: application/json\r\nContent-Length: 19\r\nContent-Length: 20\r\n\r\n{"code":"print(1)"}`],
      ['Transfer-Encoding with Content-Length', `POST /api/v2/daytona/execute HTTP/1.1\r\nHost: x\r\n${auth}Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n0\r\n\r\n`],
      ['bad chunk size', `POST /api/v2/daytona/execute HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n`],
      ['chunked JSON', `PUT /api/v2/daytona/config HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n5\r\n{"cpu\r\nc\r\n_limit": 2}\r\n0\r\n\r\n`],
      ['duplicate Content-Type', `POST /api/v2/daytona/execute HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: text/plain\r\nContent-Type: application/json\r\nContent-Length: 19\r\n\r\n{"code":"print(1)"}`],
      ['duplicate Authorization (wrong first)', `GET /api/v2/daytona/config HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer wrong\r\n${auth}\r\n`],
      ['duplicate Authorization (right first)', `GET /api/v2/daytona/config HTTP/1.1\r\nHost: x\r\n${auth}Authorization: Bearer wrong\r\n\r\n`],
      ['duplicate Host', `GET /api/v2/daytona/config HTTP/1.1\r\nHost: a\r\nHost: b\r\n${auth}\r\n`],
      ['garbage request line', 'GARBAGE\r\n\r\n'],
      ['unknown method', `BREW /api/v2/daytona/status HTTP/1.1\r\nHost: x\r\n${auth}\r\n`],
      ['HTTP/9.9', 'GET /healthz HTTP/9.9\r\nHost: x\r\nConnection: close\r\n\r\n'],
      ['HTTP/1.0 without Host', 'GET /healthz HTTP/1.0\r\n\r\n'],
      ['space in path', `GET /api/v2/daytona/sta tus HTTP/1.1\r\nHost: x\r\n${auth}\r\n`],
      ['invalid header name', `GET /api/v2/daytona/status HTTP/1.1\r\nHost: x\r\nBad Header: y\r\n${auth}\r\n`],
      ['NUL in header value', `GET /api/v2/daytona/status HTTP/1.1\r\nHost: x\r\nX-Test: a\u0000b\r\n${auth}\r\n`],
      ['obs-fold header', `GET /api/v2/daytona/status HTTP/1.1\r\nHost: x\r\nX-Test: a\r\n b\r\n${auth}\r\n`],
      ['header overflow', `GET /api/v2/daytona/status HTTP/1.1\r\nHost: x\r\nX-Long: ${'a'.repeat(20_000)}\r\n${auth}\r\n`],
      ['many headers', `GET /api/v2/daytona/status HTTP/1.1\r\nHost: x\r\n${Array.from({ length: 3000 }, (_, i) => `X-H${i}: v`).join('\r\n')}\r\n${auth}\r\n`],
      ['bare LF line endings', `GET /api/v2/daytona/status HTTP/1.1\nHost: x\n${auth.replaceAll('\r', '')}\n`],
      ['negative Content-Length', `POST /api/v2/daytona/execute HTTP/1.1\r\nHost: x\r\n${auth}Content-Length: -1\r\n\r\n`],
      ['Content-Length shorter than the body', `POST /api/v2/daytona/execute HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: application/json\r\nContent-Length: 5\r\n\r\n{"code":"print(1)"}`],
      ['pipelined valid then garbage', `GET /healthz HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\nX: \u0001\r\n\r\n`],
      ['binary junk', Buffer.from(Array.from({ length: 512 }, (_, i) => (i * 131 + 7) % 256))],
      ['leading CRLFs', `\r\n\r\nGET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`],
      ['absolute-form URL', `GET http://evil.example/api/v2/daytona/status HTTP/1.1\r\nHost: x\r\n${auth}\r\n`],
      ['CONNECT', 'CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: 127.0.0.1:22\r\n\r\n'],
      ['Expect 100-continue', `POST /api/v2/daytona/execute HTTP/1.1\r\nHost: x\r\n${auth}Content-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: 19\r\n\r\n{"code":"print(1)"}`],
    ];
    for (const [label, payload] of rawCases) {
      try {
        const statuses = await sendRaw(port, payload);
        if (statuses.length === 0) silentRaw.push(label);
        for (const s of statuses) outcomes.push({ label: `raw ${label}`, status: s.status, text: s.text, method: 'RAW' });
      } catch (e) {
        failures.push(`raw ${label}: ${(e as Error).message}`);
      }
    }

    if (process.env.RK_FUZZ_REPORT) {
      const histogram: Record<number, number> = {};
      for (const o of outcomes) histogram[o.status] = (histogram[o.status] ?? 0) + 1;
      console.log(`fuzz: ${outcomes.length} answers`, histogram);
    }
    expect(failures).toEqual([]);
    // Only a CONNECT (no tunnel handler) may be dropped without an answer.
    expect(silentRaw.filter((l) => l !== 'CONNECT')).toEqual([]);
    expect(outcomes.length).toBeGreaterThanOrEqual(1000);
    const serverErrors = outcomes.filter((o) => o.status >= 500 || o.status < 200);
    expect(serverErrors.map((o) => `${o.label} -> ${o.status} ${o.text.slice(0, 200)}`)).toEqual([]);
    const badShapes = outcomes.filter((o) => o.status >= 400 && o.method !== 'HEAD' && o.text.length > 0 && !isErrorShape(o.text));
    expect(badShapes.map((o) => `${o.label} -> ${o.status} ${o.text.slice(0, 200)}`)).toEqual([]);
    // The fuzz reached every kind of refusal, not just one.
    const statuses = new Set(outcomes.map((o) => o.status));
    for (const s of [200, 400, 401, 403, 404, 413, 415, 422, 431]) expect(statuses, `no ${s} answer in the fuzz run`).toContain(s);
    const refused = outcomes.filter((o) => o.label.startsWith('hostile code'));
    expect(refused.map((o) => o.status)).toEqual(HOSTILE_CODE.map(() => 422));
    expect(outcomes.filter((o) => o.label.startsWith('ceiling')).map((o) => o.status)).toEqual([403, 403, 403, 403, 403]);

    // Still alive and still running code (with known settings: the fuzz may have PUT odd ones).
    const reset = await fetch(`${server.url}/api/v2/daytona/config`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ cpu_limit: 2, memory_limit_mb: 256, execution_timeout: 10, allowed_imports: ['math'] }),
    });
    expect(reset.status).toBe(200);
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    const exec = await fetch(`${server.url}/api/v2/daytona/execute`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TEST_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ code: 'print(6 * 7)' }),
    });
    expect(exec.status).toBe(200);
    expect(((await exec.json()) as { stdout: string }).stdout).toBe('42\n');
  });
});

function isErrorShape(text: string): boolean {
  try {
    const body = JSON.parse(text) as { error?: { code?: unknown; message?: unknown } };
    return typeof body.error?.code === 'string' && typeof body.error.message === 'string' && !/\bat .+:\d+:\d+/.test(text);
  } catch {
    return false;
  }
}

function send(baseUrl: string, r: FuzzRequest, agent: Agent): Promise<{ status: number; text: string }> {
  const { hostname, port } = new URL(baseUrl);
  return new Promise((resolve, reject) => {
    let req;
    try {
      req = httpRequest({ host: hostname, port, method: r.method, path: r.path, headers: r.headers, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
    } catch (e) {
      // node's client refuses some paths itself (characters outside latin-1): no request was sent.
      resolve({ status: CLIENT_REFUSED, text: (e as Error).message });
      return;
    }
    req.setTimeout(30_000, () => req.destroy(new Error('no answer within 30 s')));
    req.on('error', (e: NodeJS.ErrnoException) => {
      // The server may refuse a too-large body early and close while we are still writing.
      if (e.code === 'EPIPE' || e.code === 'ECONNRESET') resolve({ status: CONNECTION_CUT, text: e.code });
      else reject(e);
    });
    req.end(r.body);
  });
}

/**
 * Writes raw bytes and returns every answer the server sent before closing. No half-close: node
 * treats a client FIN as "gone" and aborts a request still being handled.
 */
function sendRaw(port: string, payload: string | Buffer): Promise<{ status: number; text: string }[]> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port: Number(port) });
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no complete answer within ${RAW_TIMEOUT_MS} ms`));
    }, RAW_TIMEOUT_MS);
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code !== 'ECONNRESET' && e.code !== 'EPIPE') {
        clearTimeout(timer);
        reject(e);
      }
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(parseAnswers(Buffer.concat(chunks).toString('latin1')));
    });
    socket.on('connect', () => socket.write(payload));
  });
}

/** Splits raw response bytes into (status, body) pairs; skips interim 100 Continue answers. */
function parseAnswers(text: string): { status: number; text: string }[] {
  const answers: { status: number; text: string }[] = [];
  const statusLine = /HTTP\/1\.[01] (\d{3})[^\r\n]*\r\n/g;
  for (let m = statusLine.exec(text); m; m = statusLine.exec(text)) {
    const status = Number(m[1]);
    if (status === 100) continue;
    const headEnd = text.indexOf('\r\n\r\n', m.index);
    if (headEnd === -1) break;
    const length = /content-length: *(\d+)/i.exec(text.slice(m.index, headEnd));
    const bodyStart = headEnd + 4;
    const bodyLength = length ? Number(length[1]) : 0;
    answers.push({ status, text: text.slice(bodyStart, bodyStart + bodyLength) });
    statusLine.lastIndex = bodyStart + bodyLength;
  }
  return answers;
}
