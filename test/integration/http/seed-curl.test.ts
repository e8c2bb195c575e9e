/**
 * The seed's Testing section, run against `serve()` (the `reasoning-kernel serve` entry point)
 * with the real curl binary:
 *   curl -X GET http://localhost:5000/api/v2/daytona/status
 *   curl -X POST http://localhost:5000/api/v2/daytona/test
 * The port is a free one instead of 5000 so parallel suites cannot collide.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { serve } from '../../../src/http/serve.js';

const run = promisify(execFile);
const CURL = ['/usr/bin/curl', '/bin/curl'].find((p) => existsSync(p));

async function curl(args: string[]): Promise<{ status: number; body: any }> {
  if (!CURL) throw new Error('curl is not installed; install it (apt-get install curl) to run the seed commands');
  const { stdout } = await run(CURL, ['-sS', '--noproxy', '*', '-w', '\n%{http_code}', ...args], { env: { PATH: process.env.PATH ?? '' } });
  const newline = stdout.lastIndexOf('\n');
  return { status: Number(stdout.slice(newline + 1)), body: JSON.parse(stdout.slice(0, newline)) };
}

describe("the seed's curl commands against serve()", () => {
  it('GET /status and POST /test answer as documented, then serve() exits 0 on shutdown', async () => {
    const stop = new AbortController();
    let resolveListening!: (url: string) => void;
    const listening = new Promise<string>((resolve) => {
      resolveListening = resolve;
    });
    const exited = serve({
      env: { RK_PORT: '0', RK_LOG_LEVEL: 'silent', RK_SANDBOX_EXECUTION_TIMEOUT: '20' },
      signal: stop.signal,
      onListening: resolveListening,
    });
    try {
      const url = await Promise.race([
        listening,
        exited.then((code) => {
          throw new Error(`serve() exited with ${code} before listening`);
        }),
      ]);
      const base = url.replace('127.0.0.1', 'localhost');
      expect(base).toMatch(/^http:\/\/localhost:\d+$/);

      const status = await curl(['-X', 'GET', `${base}/api/v2/daytona/status`]);
      expect(status.status).toBe(200);
      expect(status.body).toMatchObject({
        daytona_available: false,
        sandbox_active: expect.any(Boolean),
        config: { cpu_limit: 2, memory_limit_mb: 512, execution_timeout: 20, python_version: '3.11' },
        api_key_configured: false,
        service_status: expect.stringMatching(/^(operational|fallback_mode)$/),
      });

      const test = await curl(['-X', 'POST', `${base}/api/v2/daytona/test`]);
      expect(test.status).toBe(200);
      expect(test.body.test_status).toBe('passed');
      expect(test.body.result.stdout).toBe('5050\n');
    } finally {
      stop.abort();
    }
    expect(await exited).toBe(0);
  });
});
