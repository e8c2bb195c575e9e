import { z } from 'zod';
import { HTTP_STATUS_BY_CODE } from './error-mapper.js';
import { API_SCHEMAS, type ApiSchemaName } from './schemas.js';

interface Operation {
  method: 'get' | 'put' | 'post' | 'delete';
  path: string;
  summary: string;
  request?: ApiSchemaName;
  /** 200 body: a component, or `text` for Prometheus text. */
  response: ApiSchemaName | 'text';
  /** Error statuses this route can answer besides the common ones (400, 401, 404, 500). */
  errors: number[];
  public?: boolean;
}

const EXECUTION_ERRORS = [403, 413, 415, 429, 502, 503, 504];

/** Every route, in the order of the README. */
export const OPERATIONS: readonly Operation[] = [
  { method: 'get', path: '/api/v2/daytona/status', summary: 'Which sandbox runs code, its isolation, queue and settings (seed shape).', response: 'Status', errors: [503] },
  { method: 'get', path: '/api/v2/daytona/config', summary: 'The shared sandbox configuration (seed SandboxConfig).', response: 'SandboxConfig', errors: [503] },
  {
    method: 'put',
    path: '/api/v2/daytona/config',
    summary: 'Merge a partial configuration into the shared one (within the operator ceiling; persisted).',
    request: 'SandboxConfigPatch',
    response: 'SandboxConfig',
    errors: [403, 413, 415, 503],
  },
  {
    method: 'post',
    path: '/api/v2/daytona/execute',
    summary: 'Validate and run one program; `config` applies to this request only. 422 when refused.',
    request: 'ExecuteRequest',
    response: 'ExecutionResult',
    errors: [422, ...EXECUTION_ERRORS],
  },
  {
    method: 'post',
    path: '/api/v2/daytona/execute/batch',
    summary: 'Run several programs; results in request order (refused items are results with status security_violation).',
    request: 'ExecuteBatchRequest',
    response: 'ExecuteBatchResponse',
    errors: EXECUTION_ERRORS,
  },
  { method: 'post', path: '/api/v2/daytona/test', summary: 'Run a predefined numpy program and check its output.', response: 'SelfTestResponse', errors: [429, 502, 503, 504] },
  { method: 'post', path: '/api/v2/daytona/sandbox/create', summary: 'Create (or reuse) the persistent sandbox.', response: 'SandboxInfo', errors: [502, 503] },
  { method: 'delete', path: '/api/v2/daytona/sandbox', summary: 'Delete the persistent sandbox.', response: 'SandboxDeleted', errors: [502, 503] },
  {
    method: 'post',
    path: '/api/v2/reason',
    summary: 'Answer a probabilistic question (the ReasoningResult, snake_case).',
    request: 'ReasonRequest',
    response: 'ReasoningResult',
    errors: [413, 415, 429, 502, 503],
  },
  { method: 'get', path: '/api/v2/reason/{id}', summary: 'A stored reasoning run.', response: 'ReasoningResult', errors: [503] },
  { method: 'get', path: '/healthz', summary: 'Liveness; 503 while shutting down. No token needed.', response: 'Health', errors: [503], public: true },
  { method: 'get', path: '/metrics', summary: 'Prometheus metrics (text format 0.0.4).', response: 'text', errors: [] },
  { method: 'get', path: '/openapi.json', summary: 'This document.', response: 'text', errors: [] },
];

const COMMON_ERRORS = [400, 401, 404, 500];

/** The OpenAPI 3.1 document, its schemas generated from the zod schemas the routes validate with. */
export function buildOpenApiDocument(): Record<string, unknown> {
  const registry = z.registry<{ id: string }>();
  for (const [id, schema] of Object.entries(API_SCHEMAS)) registry.add(schema, { id });
  const generated = z.toJSONSchema(registry, { io: 'input', uri: (id) => `#/components/schemas/${id}` }) as {
    schemas: Record<string, Record<string, unknown>>;
  };
  const schemas: Record<string, unknown> = {};
  for (const [id, schema] of Object.entries(generated.schemas)) {
    const { $schema: _dialect, $id: _id, ...rest } = schema;
    schemas[id] = rest;
  }

  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of OPERATIONS) {
    const responses: Record<string, unknown> = {
      '200': {
        description: 'OK',
        content:
          op.response === 'text'
            ? { [op.path === '/metrics' ? 'text/plain' : 'application/json']: { schema: { type: op.path === '/metrics' ? 'string' : 'object' } } }
            : { 'application/json': { schema: ref(op.response) } },
      },
    };
    for (const status of [...new Set([...COMMON_ERRORS.filter((s) => !(op.public && s === 401)), ...op.errors])].sort((a, b) => a - b)) {
      responses[String(status)] = { description: describeStatus(status), content: { 'application/json': { schema: ref('Error') } } };
    }
    const operation: Record<string, unknown> = {
      summary: op.summary,
      operationId: `${op.method}${op.path.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ? c.toUpperCase() : ''))}`,
      responses,
      ...(op.public ? { security: [] } : {}),
      ...(op.path.includes('{id}') ? { parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string', pattern: '^[A-Za-z0-9_-]{1,100}$' } }] } : {}),
      ...(op.request ? { requestBody: { required: true, content: { 'application/json': { schema: ref(op.request) } } } } : {}),
    };
    paths[op.path] ??= {};
    paths[op.path][op.method] = operation;
  }

  return {
    openapi: '3.1.0',
    info: {
      title: 'reasoning-kernel admin API',
      version: '2.0.0',
      description: 'The seed\'s /api/v2/daytona endpoints (snake_case, seconds) plus reasoning, health and metrics. Errors: {error: {code, message, details?}}.',
    },
    servers: [{ url: 'http://127.0.0.1:5000' }],
    security: [{ bearer: [] }],
    paths,
    components: {
      schemas,
      securitySchemes: { bearer: { type: 'http', scheme: 'bearer', description: 'RK_ADMIN_TOKEN; required on every route but /healthz when set' } },
    },
  };
}

function ref(name: ApiSchemaName): { $ref: string } {
  return { $ref: `#/components/schemas/${name}` };
}

function describeStatus(status: number): string {
  const codes = Object.entries(HTTP_STATUS_BY_CODE)
    .filter(([, m]) => m.status === status)
    .map(([code]) => code);
  return codes.length > 0 ? `Error: ${codes.join(', ')}` : 'Error';
}
