/**
 * POST /execute/batch with Daytona configured (the real @daytonaio/sdk against the loopback
 * emulator): the items run on several Daytona sandboxes at once (RK_DAYTONA_BATCH_SANDBOXES),
 * refused and failing items stay per-item results, and nothing is left in the emulator.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { batchResponseSchema } from '../../../src/http/schemas.js';
import { DaytonaEmulator } from '../../emulator/daytona-emulator.js';
import { type TestServer, startTestServer } from './http-harness.js';

describe('POST /execute/batch on Daytona (emulator)', () => {
  let emulator: DaytonaEmulator;
  let server: TestServer | undefined;

  beforeEach(async () => {
    emulator = await DaytonaEmulator.start();
  });
  afterEach(async () => {
    try {
      await server?.stop();
      server = undefined;
      expect(emulator.liveCount, 'sandboxes left in the emulator').toBe(0);
    } finally {
      await emulator.close();
    }
  });

  const start = (batchSandboxes: number): Promise<TestServer> =>
    startTestServer({
      config: {
        daytona: {
          apiKey: emulator.apiKey, apiUrl: emulator.apiUrl, target: 'us', maxRetries: 1, retryBaseDelayMs: 5, createTimeoutS: 10,
          idleTimeoutS: 0, batchSandboxes, fallback: 'never',
        },
      },
      server: { adminToken: null },
    });

  it('runs the items on several sandboxes at once, keeping refused and failing items as their own results', async () => {
    server = await start(3);
    const sleeper = (i: number) => ({ code: `import time\ntime.sleep(0.3)\nprint(${i})` });
    const items = [sleeper(0), { code: 'import subprocess' }, sleeper(1), { code: 'raise ValueError("b")' }, sleeper(2), sleeper(3)];
    const r = await server.call('/api/v2/daytona/execute/batch', { json: { items, concurrency: 3 }, auth: false });
    expect(r.status).toBe(200);
    expect(batchResponseSchema.parse(r.body)).toEqual(r.body);
    const results = r.body.results as { status: string; stdout: string; metadata: { sandbox_type: string; sandbox_id: string } }[];
    expect(results.map((x) => x.status)).toEqual(['completed', 'security_violation', 'completed', 'failed', 'completed', 'completed']);
    expect([0, 2, 4, 5].map((i) => results[i].stdout)).toEqual(['0\n', '1\n', '2\n', '3\n']);
    expect(results[3].stdout).toContain('ValueError: b');
    const ran = results.filter((x) => x.status !== 'security_violation');
    expect(ran.every((x) => x.metadata.sandbox_type === 'daytona')).toBe(true);
    expect(new Set(ran.map((x) => x.metadata.sandbox_id)).size).toBe(3);
    expect(emulator.codeRunPeak, 'programs running at the same moment').toBe(3);
  });

  it('runs them one at a time on the persistent sandbox with RK_DAYTONA_BATCH_SANDBOXES=1', async () => {
    server = await start(1);
    const items = [0, 1, 2].map((i) => ({ code: `print(${i})` }));
    const r = await server.call('/api/v2/daytona/execute/batch', { json: { items, concurrency: 3 }, auth: false });
    expect(r.status).toBe(200);
    expect(r.body.results.map((x: { stdout: string }) => x.stdout)).toEqual(['0\n', '1\n', '2\n']);
    expect(new Set(r.body.results.map((x: { metadata: { sandbox_id: string } }) => x.metadata.sandbox_id)).size).toBe(1);
    expect(emulator.codeRunPeak).toBe(1);
  });
});
