/**
 * The one behaviour contract of `StateStore`, registered for each implementation by its test file
 * (memory: test/unit/state, Redis: test/integration/state). Every store a test creates is closed in
 * `afterEach`.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { AppConfig } from '../../../src/config/schema.js';
import { isKernelError } from '../../../src/errors.js';
import type { ReasoningResult } from '../../../src/kernel/contracts.js';
import type { StateStore } from '../../../src/kernel/tokens.js';
import {
  buildExecutionResult,
  buildReasoningResult,
  buildRunProgress,
  buildSandboxRecord,
  buildSandboxSettings,
} from '../../helpers/fixtures.js';

/** Creates a fresh, empty store; `state` overrides the schema defaults (TTLs, index size). */
export type StateStoreFactory = (state?: Partial<AppConfig['state']>) => Promise<StateStore>;

/** Long enough for a 1-second TTL to pass on a loaded 2-core machine. */
const EXPIRY_WAIT_MS = 6000;

export function defineStateStoreContract(kind: 'memory' | 'redis', factory: StateStoreFactory): void {
  describe(`StateStore contract (${kind})`, () => {
    const open: StateStore[] = [];
    const create = async (state?: Partial<AppConfig['state']>) => {
      const store = await factory(state);
      open.push(store);
      return store;
    };
    afterEach(async () => {
      await Promise.all(open.splice(0).map((s) => s.close()));
    });

    it('reports its kind and a healthy state', async () => {
      const store = await create();
      expect(store.kind).toBe(kind);
      expect(await store.health()).toMatchObject({ kind, ok: true });
    });

    describe('runs', () => {
      it('returns a saved run whole, and null for an unknown id', async () => {
        const store = await create();
        const run = buildReasoningResult({ persisted: true, declined: undefined });
        await store.saveRun(run);
        expect(await store.getRun(run.id)).toEqual(JSON.parse(JSON.stringify(run)));
        expect(await store.getRun('run-that-never-was')).toBeNull();
      });

      it('keeps every optional part of a run (decline, violations, cache outcome)', async () => {
        const store = await create();
        const run = buildReasoningResult({
          success: false,
          answer: undefined,
          declined: { reason: 'more successes than trials' },
          execution: buildExecutionResult({
            status: 'security_violation',
            exitCode: null,
            violations: [{ rule: 'forbidden-name', message: 'eval is not allowed', line: 3, column: 5 }],
            metadata: { cache: 'miss', reason: 'refused', sandboxId: 'sbx-1', sandboxType: 'daytona', isolation: 'daytona' },
          }),
        });
        await store.saveRun(run);
        expect(await store.getRun(run.id)).toEqual(JSON.parse(JSON.stringify(run)));
      });

      it('replaces a run saved again under the same id', async () => {
        const store = await create();
        const run = buildReasoningResult();
        await store.saveRun(run);
        await store.saveRun({ ...run, overallConfidence: 0.25, estimates: [] });
        const stored = await store.getRun(run.id);
        expect(stored?.overallConfidence).toBe(0.25);
        expect(stored?.estimates).toEqual([]);
      });

      it('hands out copies: mutating the saved or the returned object changes nothing stored', async () => {
        const store = await create();
        const run = buildReasoningResult();
        const snapshot = JSON.parse(JSON.stringify(run)) as ReasoningResult;
        await store.saveRun(run);
        run.estimates[0].mean = -1;
        run.stages.pop();
        const first = await store.getRun(run.id);
        expect(first).toEqual(snapshot);
        first!.answer!.value = 42;
        first!.estimates.push(first!.estimates[0]);
        expect(await store.getRun(run.id)).toEqual(snapshot);
      });

      it('lists recent run ids most recent first, up to the limit', async () => {
        const store = await create();
        const ids: string[] = [];
        for (let i = 0; i < 5; i++) {
          const run = buildReasoningResult();
          ids.push(run.id);
          await store.saveRun(run);
        }
        expect(await store.listRecentRuns(3)).toEqual([ids[4], ids[3], ids[2]]);
        expect(await store.listRecentRuns(100)).toEqual([...ids].reverse());
        expect(await store.listRecentRuns(0)).toEqual([]);
      });

      it('moves a run saved again to the front of the recent list, listed once', async () => {
        const store = await create();
        const a = buildReasoningResult();
        const b = buildReasoningResult();
        await store.saveRun(a);
        await store.saveRun(b);
        await store.saveRun({ ...a, durationMs: 1 });
        expect(await store.listRecentRuns(10)).toEqual([a.id, b.id]);
      });

      it('bounds the recent-runs index by recentRunsMax', async () => {
        const store = await create({ recentRunsMax: 3 });
        const ids: string[] = [];
        for (let i = 0; i < 6; i++) {
          const run = buildReasoningResult();
          ids.push(run.id);
          await store.saveRun(run);
        }
        expect(await store.listRecentRuns(10)).toEqual([ids[5], ids[4], ids[3]]);
        expect((await store.getRun(ids[5]))?.id).toBe(ids[5]);
      });

      it('refuses an invalid run with INVALID_INPUT and stores nothing', async () => {
        const store = await create();
        const run = buildReasoningResult({ overallConfidence: 1.5 });
        const error = await store.saveRun(run).catch((e: unknown) => e);
        expect(isKernelError(error, 'INVALID_INPUT')).toBe(true);
        expect((error as Error).message).toContain('overallConfidence');
        expect(await store.getRun(run.id)).toBeNull();
        expect(await store.listRecentRuns(10)).toEqual([]);
      });
    });

    describe('run progress', () => {
      it('stores, replaces and clears the in-progress record of a run', async () => {
        const store = await create();
        const progress = buildRunProgress({ stage: 'parse' });
        expect(await store.getRunProgress(progress.runId)).toBeNull();
        await store.setRunProgress(progress);
        expect(await store.getRunProgress(progress.runId)).toEqual(progress);
        await store.setRunProgress({ ...progress, stage: 'infer' });
        expect((await store.getRunProgress(progress.runId))?.stage).toBe('infer');
        await store.clearRunProgress(progress.runId);
        expect(await store.getRunProgress(progress.runId)).toBeNull();
        await store.clearRunProgress(progress.runId);
      });
    });

    describe('sandbox settings', () => {
      it('is null until set, then returns the last settings stored, as a copy', async () => {
        const store = await create();
        expect(await store.getSandboxSettings()).toBeNull();
        const settings = buildSandboxSettings({ memoryLimitMb: 1024 });
        await store.setSandboxSettings(settings);
        settings.allowedImports.push('os');
        const stored = await store.getSandboxSettings();
        expect(stored).toEqual(buildSandboxSettings({ memoryLimitMb: 1024 }));
        stored!.allowedImports.length = 0;
        await store.setSandboxSettings(buildSandboxSettings({ executionTimeoutS: 60 }));
        expect(await store.getSandboxSettings()).toEqual(buildSandboxSettings({ executionTimeoutS: 60 }));
      });

      it('refuses settings outside the valid ranges', async () => {
        const store = await create();
        const error = await store.setSandboxSettings(buildSandboxSettings({ cpuLimit: 0 })).catch((e: unknown) => e);
        expect(isKernelError(error, 'INVALID_INPUT')).toBe(true);
        expect(await store.getSandboxSettings()).toBeNull();
      });
    });

    describe('sandbox registry', () => {
      it('lists registered sandboxes oldest first and forgets unregistered ones', async () => {
        const store = await create();
        expect(await store.listSandboxes()).toEqual([]);
        const older = buildSandboxRecord({ createdAt: '2025-01-01T00:00:00.000Z' });
        const newer = buildSandboxRecord({ createdAt: '2025-01-02T00:00:00.000Z' });
        await store.registerSandbox(newer);
        await store.registerSandbox(older);
        expect(await store.listSandboxes()).toEqual([older, newer]);
        await store.registerSandbox({ ...older, owner: 'other-instance' });
        expect((await store.listSandboxes()).map((r) => r.owner)).toEqual(['other-instance', 'test-instance']);
        await store.unregisterSandbox(older.sandboxId);
        await store.unregisterSandbox('sbx-unknown');
        expect(await store.listSandboxes()).toEqual([newer]);
      });

      it('lists every sandbox when there are more than one SCAN step holds', async () => {
        const store = await create();
        const records = Array.from({ length: 450 }, (_, i) =>
          buildSandboxRecord({ sandboxId: `sbx-${String(i).padStart(4, '0')}`, createdAt: '2025-01-01T00:00:00.000Z' }),
        );
        for (const r of records) await store.registerSandbox(r);
        expect(await store.listSandboxes()).toEqual(records);
      });
    });

    describe('execution cache', () => {
      it('misses, then returns the stored result for that key only', async () => {
        const store = await create();
        const result = buildExecutionResult({ metadata: { cache: 'miss' } });
        expect(await store.getCachedExecution('a'.repeat(64))).toBeNull();
        await store.setCachedExecution('a'.repeat(64), result, 60);
        expect(await store.getCachedExecution('a'.repeat(64))).toEqual(result);
        expect(await store.getCachedExecution('b'.repeat(64))).toBeNull();
      });
    });

    describe('expiry', () => {
      it('forgets runs, progress and cache entries after their TTL', async () => {
        const store = await create({ runTtlSeconds: 1, progressTtlSeconds: 1 });
        const run = buildReasoningResult();
        const progress = buildRunProgress();
        const key = 'c'.repeat(64);
        await store.saveRun(run);
        await store.setRunProgress(progress);
        await store.setCachedExecution(key, buildExecutionResult(), 1);
        const keeper = buildSandboxSettings();
        await store.setSandboxSettings(keeper);
        expect(await store.getRun(run.id)).not.toBeNull();
        expect(await store.listRecentRuns(10)).toEqual([run.id]);
        await vi.waitFor(
          async () => {
            expect(await store.getRun(run.id)).toBeNull();
            expect(await store.listRecentRuns(10)).toEqual([]);
            expect(await store.getRunProgress(progress.runId)).toBeNull();
            expect(await store.getCachedExecution(key)).toBeNull();
          },
          { timeout: EXPIRY_WAIT_MS, interval: 100 },
        );
        // Settings have no TTL: they are configuration, not history.
        expect(await store.getSandboxSettings()).toEqual(keeper);
      });
    });

    describe('close', () => {
      it('is idempotent and reports the store as not ok afterwards', async () => {
        const store = await create();
        await store.close();
        await store.close();
        expect((await store.health()).ok).toBe(false);
      });
    });
  });
}
