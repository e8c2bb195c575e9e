/**
 * Against Daytona Cloud itself: `npm run test:live` with DAYTONA_API_KEY set (it creates a billed
 * sandbox for a few seconds); vitest.config.ts leaves it out of `npm test`. DAYTONA_API_URL /
 * DAYTONA_TARGET / RK_DAYTONA_* are honoured.
 * Every sandbox it creates is deleted (destroySandbox, then close() in `finally`).
 */
import 'reflect-metadata';
import { pino } from 'pino';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load-config.js';
import { DaytonaExecutor } from '../../../src/sandbox/daytona/daytona-executor.js';
import { runRequest } from './daytona-fixtures.js';

if (!process.env.DAYTONA_API_KEY) throw new Error('npm run test:live needs DAYTONA_API_KEY (a Daytona Cloud key)');

describe('Daytona Cloud (live)', () => {
  it('creates, reuses, runs, times out and deletes a real sandbox', { timeout: 240_000 }, async () => {
    const config = loadConfig({ overrides: { instanceId: `live-${Date.now().toString(36)}`, log: { level: 'warn' } } });
    const executor = new DaytonaExecutor(config, pino({ level: 'warn' }));
    try {
      const first = await executor.run(runRequest('import sys\nprint(sys.version_info[:2])\nsys.stderr.write("E\\n")'));
      expect(first.status).toBe('completed');
      expect(first.stdout).toContain('E\n');
      expect(first.metadata).toMatchObject({ sandboxType: 'daytona', streamsMerged: true });
      expect(first.resourceUsage.memoryUsageMb).toBeGreaterThan(1);
      const second = await executor.run(runRequest('raise SystemExit(3)'));
      expect(second).toMatchObject({ status: 'failed', exitCode: 3 });
      expect(second.metadata.sandboxId).toBe(first.metadata.sandboxId);
      const slow = await executor.run(runRequest('import time\ntime.sleep(30)', { timeoutMs: 2000 }));
      expect(slow.status).toBe('timeout');
      expect((await executor.status()).serviceStatus).toBe('operational');
      expect(await executor.destroySandbox()).toBe(true);
    } finally {
      await executor.close();
    }
  });
});
