/**
 * The emulator's own contract, over plain HTTP: the answers the reference documents for the
 * real API and daemon (shared/reference/daytona-sdk.md §2), so the executor suites test against
 * something faithful.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DaytonaEmulator } from '../../emulator/daytona-emulator.js';

describe('Daytona emulator', () => {
  let emulator: DaytonaEmulator;

  beforeEach(async () => {
    emulator = await DaytonaEmulator.start({ defaultPageSize: 2 });
  });

  afterEach(async () => {
    await emulator.close();
  });

  async function call(method: string, path: string, body?: unknown, key = emulator.apiKey): Promise<{ status: number; json: Record<string, unknown> }> {
    const base = path.startsWith('/toolbox') ? emulator.toolboxUrl.replace(/\/toolbox$/, '') : emulator.apiUrl;
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  }

  it('refuses resources without an image, and an image together with a snapshot', async () => {
    const withSnapshot = await call('POST', '/sandbox', { env: {}, labels: { 'code-toolbox-language': 'python' }, cpu: 1, memory: 1 });
    expect(withSnapshot.status).toBe(400);
    expect(withSnapshot.json).toMatchObject({ statusCode: 400, message: 'Cannot specify Sandbox resources when using a snapshot', source: 'DAYTONA_API' });
    const both = await call('POST', '/sandbox', { snapshot: 's', buildInfo: { dockerfileContent: 'FROM python:3.12-slim\n' } });
    expect(both.status).toBe(400);
    const built = await call('POST', '/sandbox', { buildInfo: { dockerfileContent: 'FROM python:3.12-slim\n' }, cpu: 2, memory: 2 });
    expect(built.status).toBe(200);
    expect(built.json).toMatchObject({ cpu: 2, memory: 2, state: 'started', toolboxProxyUrl: emulator.toolboxUrl });
    expect(emulator.liveCount).toBe(1);
  });

  it('checks the bearer key on the API and the toolbox', async () => {
    expect((await call('GET', '/sandbox', undefined, 'nope')).status).toBe(401);
    const sandbox = await emulator.seedSandbox({ name: 'k' });
    const toolbox = await call('POST', `/toolbox/${sandbox.id}/process/code-run`, { code: 'print(1)', language: 'python' }, 'nope');
    expect(toolbox.status).toBe(401);
  });

  it('looks sandboxes up by id or name, lists by labels across cursor pages, and 404s after delete', async () => {
    for (const n of [1, 2, 3]) await emulator.seedSandbox({ name: `a${n}`, labels: { app: 'x' } });
    await emulator.seedSandbox({ name: 'b', labels: { app: 'y' } });
    const labels = encodeURIComponent(JSON.stringify({ app: 'x' }));
    const page1 = await call('GET', `/sandbox?labels=${labels}`);
    expect((page1.json.items as unknown[]).length).toBe(2);
    expect(page1.json.nextCursor).toBeTruthy();
    const page2 = await call('GET', `/sandbox?labels=${labels}&cursor=${String(page1.json.nextCursor)}`);
    expect((page2.json.items as { name: string }[]).map((s) => s.name)).toEqual(['a3']);
    expect(page2.json.nextCursor).toBeNull();
    expect((await call('GET', '/sandbox/a2')).json).toMatchObject({ name: 'a2', state: 'started' });
    expect((await call('DELETE', '/sandbox/a2')).status).toBe(200);
    const gone = await call('GET', '/sandbox/a2');
    expect(gone.status).toBe(404);
    expect(gone.json).toMatchObject({ statusCode: 404, code: 'NOT_FOUND', source: 'DAYTONA_API' });
    expect((await call('DELETE', '/sandbox/a2')).status).toBe(404);
  });

  it('runs code with python3: merged output, real exit codes, 408 on timeout, unsupported language', async () => {
    const { id } = await emulator.seedSandbox({ name: 'run' });
    const ok = await call('POST', `/toolbox/${id}/process/code-run`, { code: 'print(1+1)', language: 'python' });
    expect(ok.json).toEqual({ exitCode: 0, result: '2\n', artifacts: { stdout: '2\n', charts: [] } });
    const exit = await call('POST', `/toolbox/${id}/process/code-run`, { code: 'import sys\nsys.stderr.write("E\\n")\nraise SystemExit(4)', language: 'python' });
    expect(exit.json).toMatchObject({ exitCode: 4, result: 'E\n' });
    const slow = await call('POST', `/toolbox/${id}/process/code-run`, { code: 'import time\ntime.sleep(30)', language: 'python', timeout: 1 });
    expect(slow.status).toBe(408);
    expect(slow.json).toMatchObject({ statusCode: 408, source: 'DAYTONA_DAEMON', message: 'command execution timeout' });
    const cobol = await call('POST', `/toolbox/${id}/process/code-run`, { code: 'x', language: 'cobol' });
    expect(cobol.json).toMatchObject({ statusCode: 400, message: 'bad request: unsupported language: cobol' });
    const missing = await call('POST', `/toolbox/${id}/process/execute`, { command: 'no-such-binary-rk' });
    expect(missing.json).toMatchObject({ exitCode: 127 });
    expect((await call('POST', `/toolbox/${id}/process/execute`, { command: '' })).json).toMatchObject({ statusCode: 400, code: 'INVALID_REQUEST_BODY' });
  });

  it('progresses creating → started on GETs, and deletes an ephemeral sandbox when it stops', async () => {
    await emulator.close();
    emulator = await DaytonaEmulator.start({ startMode: 'creating', creatingPolls: 2 });
    const created = await call('POST', '/sandbox', { name: 'eph', autoDeleteInterval: 0 });
    expect(created.json.state).toBe('creating');
    expect((await call('GET', '/sandbox/eph')).json.state).toBe('creating');
    expect((await call('GET', '/sandbox/eph')).json.state).toBe('started');
    expect((await call('POST', `/sandbox/${String(created.json.id)}/stop?force=false`)).status).toBe(200);
    expect(emulator.liveCount).toBe(0);
  });

  it('injects faults per route for the next N requests and records every request', async () => {
    emulator.inject('list', { kind: 'status', status: 503 }, 2);
    emulator.inject('get', { kind: 'drop' });
    expect((await call('GET', '/sandbox')).status).toBe(503);
    expect((await call('GET', '/sandbox')).status).toBe(503);
    expect((await call('GET', '/sandbox')).status).toBe(200);
    await expect(call('GET', '/sandbox/x')).rejects.toThrow();
    expect(emulator.requests.map((r) => r.route)).toEqual(['list', 'list', 'list', 'get']);
    await emulator.goDown();
    await expect(call('GET', '/sandbox')).rejects.toThrow();
    await emulator.comeBack();
    expect((await call('GET', '/sandbox')).status).toBe(200);
  });
});
