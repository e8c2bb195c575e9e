import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load-config.js';
import type { AppConfig } from '../../../src/config/schema.js';
import { MemoryStateStore } from '../../../src/state/memory-state-store.js';
import { buildReasoningResult } from '../../helpers/fixtures.js';
import { defineStateStoreContract } from '../../integration/state/state-store-contract.js';

const silent = pino({ level: 'silent' });

function memoryStore(state: Partial<AppConfig['state']> = {}): MemoryStateStore {
  return new MemoryStateStore(loadConfig({ env: {}, overrides: { state } }), silent);
}

defineStateStoreContract('memory', async (state) => memoryStore(state));

describe('MemoryStateStore (beyond the contract)', () => {
  const open: MemoryStateStore[] = [];
  afterEach(async () => {
    await Promise.all(open.splice(0).map((s) => s.close()));
  });

  it('forgets runs pushed out of the recent-runs index, since nothing else bounds its memory', async () => {
    const store = memoryStore({ recentRunsMax: 2 });
    open.push(store);
    const [a, b, c] = [buildReasoningResult(), buildReasoningResult(), buildReasoningResult()];
    for (const run of [a, b, c]) await store.saveRun(run);
    expect(await store.getRun(a.id)).toBeNull();
    expect((await store.getRun(c.id))?.id).toBe(c.id);
  });

  it('refuses calls after close with SHUTTING_DOWN', async () => {
    const store = memoryStore();
    await store.close();
    await expect(store.getRun('x')).rejects.toMatchObject({ code: 'SHUTTING_DOWN' });
  });
});
