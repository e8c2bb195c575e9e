import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isKernelError } from '../../../src/errors.js';
import { INDICATORS } from '../../../src/logging/logger.js';
import { APP_LABEL, DaytonaExecutor } from '../../../src/sandbox/daytona/daytona-executor.js';
import { MemoryStateStore } from '../../../src/state/memory-state-store.js';
import { DaytonaEmulator } from '../../emulator/daytona-emulator.js';
import { emulatorConfig, eventually, runRequest, silentLogger } from './daytona-fixtures.js';

describe('DaytonaExecutor against the Daytona emulator (real @daytonaio/sdk)', () => {
  let emulator: DaytonaEmulator;
  const executors: DaytonaExecutor[] = [];

  function executor(daytona: Parameters<typeof emulatorConfig>[1] = {}, instanceId?: string, store?: MemoryStateStore): DaytonaExecutor {
    const config = emulatorConfig(emulator, daytona, instanceId ? { instanceId } : {});
    const created = new DaytonaExecutor(config, silentLogger(), store);
    executors.push(created);
    return created;
  }

  beforeEach(async () => {
    emulator = await DaytonaEmulator.start();
  });

  afterEach(async () => {
    try {
      for (const e of executors.splice(0)) await e.close();
      expect(emulator.liveCount, 'sandboxes left in the emulator').toBe(0);
    } finally {
      await emulator.close();
    }
  });

  describe('execution', () => {
    it('creates one sandbox lazily, runs the program and strips the wrapper report', async () => {
      const daytona = executor();
      const result = await daytona.run(runRequest('print(1+1)'));
      expect(result.status).toBe('completed');
      expect(result.exitCode).toBe(0);
      expect(result.stdout).toBe('2\n');
      expect(result.stderr).toBe('');
      expect(result.metadata).toMatchObject({ sandboxType: 'daytona', isolation: 'daytona', fallback: false, streamsMerged: true, truncated: false });
      expect(result.metadata.sandboxId).toBe(emulator.liveSandboxes()[0].id);
      expect(result.metadata.pythonVersion).toMatch(/^3\.\d+\.\d+$/);
      expect(result.resourceUsage.memoryUsageMb).toBeGreaterThan(1);
      expect(result.resourceUsage.cpuUsagePercent).toBeGreaterThan(0);
      expect(emulator.liveCount).toBe(1);
    });

    it('reuses the sandbox: the second execution makes exactly one HTTP request', async () => {
      const daytona = executor();
      await daytona.run(runRequest('print("first")'));
      const mark = emulator.requests.length;
      const second = await daytona.run(runRequest('print("second")'));
      const made = emulator.requestsSince(mark);
      expect(second.stdout).toBe('second\n');
      expect(made.map((r) => `${r.method} ${r.route}`)).toEqual(['POST codeRun']);
      expect(made[0].headers.authorization).toBe(`Bearer ${emulator.apiKey}`);
      expect(emulator.liveCount).toBe(1);
    });

    it('reports a program error as a failed result with stdout and stderr merged', async () => {
      const daytona = executor();
      const result = await daytona.run(runRequest('import sys\nprint("out")\nsys.stderr.write("E\\n")\nraise SystemExit(4)'));
      expect(result.status).toBe('failed');
      expect(result.exitCode).toBe(4);
      expect(result.stdout).toBe('out\nE\n');
      expect(result.stderr).toBe('');
    });

    it('keeps output without a trailing newline intact', async () => {
      const result = await executor().run(runRequest('print("no newline", end="")'));
      expect(result.stdout).toBe('no newline');
    });

    it('stops a program at its deadline and reports a timeout', async () => {
      const result = await executor().run(runRequest('while True:\n    pass', { timeoutMs: 1000 }));
      expect(result.status).toBe('timeout');
      expect(result.metadata.reason).toBe('wall_clock');
    });

    it('caps the output and reports resource_exceeded', async () => {
      const result = await executor().run(runRequest('print("x" * 100000)', { maxOutputBytes: 2048 }));
      expect(result.status).toBe('resource_exceeded');
      expect(result.metadata).toMatchObject({ reason: 'output', truncated: true });
      expect(result.stdout.length).toBeLessThanOrEqual(2049);
    });

    it('maps a MemoryError under the memory limit to resource_exceeded', async () => {
      const result = await executor().run(runRequest('x = bytearray(900 * 1024 * 1024)\nprint(len(x))', { memoryLimitMb: 128 }));
      expect(result.status).toBe('resource_exceeded');
      expect(result.metadata.reason).toBe('memory');
    });

    it('runs a batch in order on the one sandbox', async () => {
      // Concurrency 1: the batch stays on the persistent sandbox (parallel lanes: see 'parallel batches').
      const results = await executor().runBatch([runRequest('print(1)'), runRequest('print(2)'), runRequest('raise SystemExit(3)')], { concurrency: 1 });
      expect(results.map((r) => r.stdout)).toEqual(['1\n', '2\n', '']);
      expect(results.map((r) => r.exitCode)).toEqual([0, 0, 3]);
      expect(emulator.requests.filter((r) => r.route === 'create')).toHaveLength(1);
    });
  });

  describe('sandbox lifecycle', () => {
    it('creates with python, blocked network, identifying labels and backstops, and no resources without an image', async () => {
      const daytona = executor({ autoStopMinutes: 20, ttlMinutes: 90 }, 'lifecycle-1');
      const info = await daytona.createSandbox();
      expect(info).toMatchObject({ sandboxType: 'daytona', reused: false });
      const [sandbox] = emulator.liveSandboxes();
      expect(sandbox.id).toBe(info.sandboxId);
      expect(sandbox.name).toMatch(/^rk-lifecycle-1-[0-9a-f]{8}$/);
      expect(sandbox.labels).toMatchObject({ app: APP_LABEL, instance: 'lifecycle-1', 'code-toolbox-language': 'python' });
      expect(sandbox.labels.owner).toBeTruthy();
      expect(sandbox.createBody).toMatchObject({ networkBlockAll: true, autoStopInterval: 20, ttlMinutes: 90, autoDeleteInterval: 0, target: 'us' });
      expect(sandbox.createBody).not.toHaveProperty('cpu');
      expect(sandbox.createBody).not.toHaveProperty('memory');
      expect((await daytona.createSandbox()).reused).toBe(true);
      expect(emulator.liveCount).toBe(1);
      const status = await daytona.status();
      expect(status.detail).toMatch(/cannot be applied/);
    });

    it('sends cpu and memory with an image (a build), which the API accepts', async () => {
      const daytona = executor({ image: 'python:3.12-slim' });
      await daytona.run(runRequest('print(1)', { cpuLimit: 2, memoryLimitMb: 1536 }));
      const [sandbox] = emulator.liveSandboxes();
      expect(sandbox.createBody).toMatchObject({ cpu: 2, memory: 2, buildInfo: { dockerfileContent: 'FROM python:3.12-slim\n' } });
      expect((await daytona.status()).extra).toMatchObject({ resourcesApplied: true });
    });

    it('waits through the creating state when the API does not answer started at once', async () => {
      await emulator.close();
      emulator = await DaytonaEmulator.start({ startMode: 'creating', creatingPolls: 3 });
      const result = await executor().run(runRequest('print("ok")'));
      expect(result.stdout).toBe('ok\n');
      expect(emulator.requests.filter((r) => r.route === 'get').length).toBeGreaterThanOrEqual(2);
    });

    it('uses a snapshot when configured and still sends no resources', async () => {
      const daytona = executor({ snapshot: 'rk-python-3.11' });
      await daytona.run(runRequest('print(1)'));
      expect(emulator.liveSandboxes()[0].createBody).toMatchObject({ snapshot: 'rk-python-3.11' });
      expect(emulator.liveSandboxes()[0].createBody).not.toHaveProperty('cpu');
    });

    it('destroySandbox deletes it (404 afterwards) and the next run creates a new one', async () => {
      const daytona = executor();
      const first = await daytona.run(runRequest('print(1)'));
      expect(await daytona.destroySandbox()).toBe(true);
      expect(emulator.liveCount).toBe(0);
      expect(await daytona.destroySandbox()).toBe(false);
      const second = await daytona.run(runRequest('print(2)'));
      expect(second.metadata.sandboxId).not.toBe(first.metadata.sandboxId);
      expect(emulator.liveCount).toBe(1);
    });

    it('close() deletes the sandbox and refuses later runs', async () => {
      const daytona = executor();
      await daytona.run(runRequest('print(1)'));
      await daytona.close();
      expect(emulator.liveCount).toBe(0);
      await expect(daytona.run(runRequest('print(1)'))).rejects.toMatchObject({ code: 'SHUTTING_DOWN' });
      await daytona.close(); // idempotent
    });

    it('deletes the sandbox after the idle timeout', async () => {
      const daytona = executor({ idleTimeoutS: 0.3 });
      await daytona.run(runRequest('print(1)'));
      expect(emulator.liveCount).toBe(1);
      await eventually(() => emulator.liveCount === 0, 'idle sandbox deleted');
      expect((await daytona.status()).sandboxActive).toBe(false);
    });

    it('recreates the sandbox once when it disappeared and reruns the program', async () => {
      const daytona = executor();
      const first = await daytona.run(runRequest('print(1)'));
      await fetch(`${emulator.apiUrl}/sandbox/${first.metadata.sandboxId}`, { method: 'DELETE', headers: { authorization: `Bearer ${emulator.apiKey}` } });
      const second = await daytona.run(runRequest('print("again")'));
      expect(second.stdout).toBe('again\n');
      expect(second.metadata.sandboxId).not.toBe(first.metadata.sandboxId);
      expect(emulator.liveCount).toBe(1);
    });

    it('moves to a sandbox with network when a run enables networking (never the reverse)', async () => {
      const daytona = executor();
      await daytona.run(runRequest('print(1)'));
      await daytona.run(runRequest('print(2)', { enableNetworking: true }));
      expect(emulator.liveSandboxes().map((s) => s.networkBlockAll)).toEqual([false]);
      await daytona.run(runRequest('print(3)'));
      expect(emulator.liveSandboxes().map((s) => s.networkBlockAll)).toEqual([true]);
    });

    it('sweeps this instance\'s leftovers (by label and from the registry) at first use', async () => {
      await emulator.close();
      // Page size 2: three labelled leftovers span two pages, so the sweeper must follow the cursor.
      emulator = await DaytonaEmulator.start({ defaultPageSize: 2 });
      const store = new MemoryStateStore(emulatorConfig(emulator), silentLogger());
      try {
        for (const n of [1, 2, 3]) await emulator.seedSandbox({ name: `rk-sweep-me-old${n}`, labels: { app: APP_LABEL, instance: 'sweep-me' } });
        const unlabelled = await emulator.seedSandbox({ name: 'registered-only', labels: {} });
        await store.registerSandbox({ sandboxId: unlabelled.id, name: unlabelled.name, createdAt: unlabelled.createdAt, owner: 'sweep-me' });
        await emulator.seedSandbox({ name: 'someone-else', labels: { app: APP_LABEL, instance: 'another-instance' } });

        const daytona = executor({}, 'sweep-me', store);
        await daytona.run(runRequest('print(1)'));
        const names = emulator.liveSandboxes().map((s) => s.name);
        expect(names).toHaveLength(2);
        expect(names).toContain('someone-else');
        const ours = names.find((n) => n !== 'someone-else');
        expect(ours).toMatch(/^rk-sweep-me-[0-9a-f]{8}$/);
        expect((await store.listSandboxes()).map((r) => r.name)).toEqual([ours]);
        await daytona.close();
        expect(await store.listSandboxes()).toEqual([]);
        await fetch(`${emulator.apiUrl}/sandbox/someone-else`, { method: 'DELETE', headers: { authorization: `Bearer ${emulator.apiKey}` } });
      } finally {
        await store.close();
      }
    });

    it('after a create timeout, finds the sandbox by name and deletes it', async () => {
      await emulator.close();
      emulator = await DaytonaEmulator.start({ startMode: 'creating', creatingPolls: Number.POSITIVE_INFINITY });
      const daytona = executor({ createTimeoutS: 1 });
      const error = await daytona.run(runRequest('print(1)')).catch((e: unknown) => e);
      expect(isKernelError(error, 'SANDBOX_TIMEOUT')).toBe(true);
      expect((error as { details: unknown }).details).toMatchObject({ operation: 'create' });
      expect(emulator.liveCount).toBe(0);
      expect(emulator.requests.filter((r) => r.route === 'delete')).toHaveLength(1);
    });

    it('after a create whose answer never came (client deadline), deletes the sandbox by name', async () => {
      const daytona = executor({ createTimeoutS: 1 });
      emulator.inject('create', { kind: 'delay', ms: 2500 });
      const error = await daytona.run(runRequest('print(1)')).catch((e: unknown) => e);
      expect(isKernelError(error, 'SANDBOX_TIMEOUT')).toBe(true);
      expect(emulator.liveCount).toBe(0);
    });
  });

  describe('parallel batches', () => {
    /** A program that sleeps long enough for the lanes to overlap, then prints its index. */
    const sleeper = (i: number, limits: Parameters<typeof runRequest>[1] = {}) => runRequest(`import time\ntime.sleep(0.3)\nprint(${i})`, limits);
    const creates = (since = 0) => emulator.requestsSince(since).filter((r) => r.route === 'create').length;
    const idsOf = (results: { metadata: { sandboxId?: string | null } }[]) => new Set(results.map((r) => r.metadata.sandboxId));

    it('runs items on 3 sandboxes at once, in request order, and reuses them for the next batch', async () => {
      const store = new MemoryStateStore(emulatorConfig(emulator), silentLogger());
      try {
        const daytona = executor({ autoStopMinutes: 20, ttlMinutes: 90 }, 'batch-1', store);
        const batch = Array.from({ length: 6 }, (_, i) => sleeper(i));
        const first = await daytona.runBatch(batch, { concurrency: 3 });
        expect(first.map((r) => r.stdout)).toEqual(['0\n', '1\n', '2\n', '3\n', '4\n', '5\n']);
        expect(first.every((r) => r.status === 'completed')).toBe(true);
        expect(emulator.codeRunPeak, 'programs running at the same moment').toBe(3);
        const ids = idsOf(first);
        expect(ids.size).toBe(3);
        expect(new Set(emulator.liveSandboxes().map((s) => s.id))).toEqual(ids);
        expect(creates()).toBe(3);

        // Every batch sandbox is created like the persistent one: only the (unique) name differs.
        const live = emulator.liveSandboxes();
        expect(new Set(live.map((s) => s.name)).size).toBe(3);
        for (const sandbox of live) {
          expect(sandbox.name).toMatch(/^rk-batch-1-[0-9a-f]{8}$/);
          expect(sandbox.labels).toMatchObject({ app: APP_LABEL, instance: 'batch-1' });
          expect({ ...sandbox.createBody, name: undefined }).toEqual({ ...live[0].createBody, name: undefined });
        }
        expect(live[0].createBody).toMatchObject({ networkBlockAll: true, autoStopInterval: 20, ttlMinutes: 90, autoDeleteInterval: 0 });
        expect(new Set((await store.listSandboxes()).map((r) => r.sandboxId))).toEqual(ids);
        const status = await daytona.status();
        expect(status.extra).toMatchObject({ batchSandboxes: 2, batchLanes: 3 });
        expect(ids.has(status.sandboxId)).toBe(true);

        const mark = emulator.requests.length;
        emulator.resetCodeRunPeak();
        const second = await daytona.runBatch(batch.slice().reverse(), { concurrency: 3 });
        expect(second.map((r) => r.stdout)).toEqual(['5\n', '4\n', '3\n', '2\n', '1\n', '0\n']);
        expect(creates(mark), 'create requests in the second batch').toBe(0);
        expect(emulator.codeRunPeak).toBe(3);
        expect(idsOf(second)).toEqual(ids);

        expect(await daytona.destroySandbox()).toBe(true);
        expect(emulator.liveCount).toBe(0);
        expect(await store.listSandboxes()).toEqual([]);
        expect((await daytona.status()).extra).toMatchObject({ batchSandboxes: 0 });
        expect(await daytona.destroySandbox()).toBe(false);
      } finally {
        await store.close();
      }
    });

    it('uses no more sandboxes than the concurrency asks for', async () => {
      const daytona = executor();
      const results = await daytona.runBatch(Array.from({ length: 4 }, (_, i) => runRequest(`print(${i})`)), { concurrency: 2 });
      expect(results.map((r) => r.stdout)).toEqual(['0\n', '1\n', '2\n', '3\n']);
      expect(creates()).toBe(2);
      expect(emulator.codeRunPeak).toBeLessThanOrEqual(2);
      expect(idsOf(results).size).toBeLessThanOrEqual(2);
    });

    it('RK_DAYTONA_BATCH_SANDBOXES=1 keeps batches sequential on the one sandbox', async () => {
      const config = emulatorConfig(emulator, {}, {}, { RK_DAYTONA_BATCH_SANDBOXES: '1' });
      expect(config.daytona.batchSandboxes).toBe(1);
      const daytona = new DaytonaExecutor(config, silentLogger());
      executors.push(daytona);
      const results = await daytona.runBatch(Array.from({ length: 3 }, (_, i) => sleeper(i)), { concurrency: 3 });
      expect(results.map((r) => r.stdout)).toEqual(['0\n', '1\n', '2\n']);
      expect(idsOf(results).size).toBe(1);
      expect(emulator.codeRunPeak).toBe(1);
      expect(creates()).toBe(1);
      expect((await daytona.status()).extra).toMatchObject({ batchSandboxes: 0, batchLanes: 1 });
    });

    it('finishes the batch on the persistent sandbox when the batch sandboxes cannot be created, leaving none behind', async () => {
      const store = new MemoryStateStore(emulatorConfig(emulator), silentLogger());
      try {
        const daytona = executor({}, undefined, store);
        const warm = await daytona.run(runRequest('print("warm")'));
        emulator.inject('create', { kind: 'status', status: 503 }, 100);
        const results = await daytona.runBatch(Array.from({ length: 4 }, (_, i) => runRequest(`print(${i})`)), { concurrency: 3 });
        emulator.clearFaults();
        expect(results.map((r) => r.stdout)).toEqual(['0\n', '1\n', '2\n', '3\n']);
        expect(idsOf(results)).toEqual(new Set([warm.metadata.sandboxId]));
        expect(creates()).toBeGreaterThan(2); // both batch lanes tried (and retried)
        expect(emulator.liveSandboxes().map((s) => s.id)).toEqual([warm.metadata.sandboxId]);
        expect((await store.listSandboxes()).map((r) => r.sandboxId)).toEqual([warm.metadata.sandboxId]);
        expect((await daytona.status()).extra).toMatchObject({ batchSandboxes: 0 });
      } finally {
        await store.close();
      }
    });

    it('deletes a batch sandbox whose create answer never came, and the batch completes on the other lanes', async () => {
      const daytona = executor({ createTimeoutS: 1 });
      const warm = await daytona.run(runRequest('print("warm")'));
      // The first of the two batch creates is carried out but answered after the client gave up.
      emulator.inject('create', { kind: 'delay', ms: 2500 });
      const results = await daytona.runBatch(Array.from({ length: 6 }, (_, i) => sleeper(i)), { concurrency: 3 });
      expect(results.map((r) => r.stdout)).toEqual(['0\n', '1\n', '2\n', '3\n', '4\n', '5\n']);
      expect(creates()).toBe(3);
      const ids = idsOf(results);
      expect(ids.has(warm.metadata.sandboxId)).toBe(true);
      expect(ids.size).toBeLessThanOrEqual(2);
      await eventually(() => emulator.liveCount === 2, 'the timed-out create cleaned up');
      expect(emulator.requests.filter((r) => r.route === 'delete')).toHaveLength(1);
      expect((await daytona.status()).extra).toMatchObject({ batchSandboxes: 1 });
    });

    it('never runs a network-blocked item in a batch sandbox that has network', async () => {
      const daytona = executor();
      const open = await daytona.runBatch(Array.from({ length: 3 }, (_, i) => runRequest(`print(${i})`, { enableNetworking: true })), { concurrency: 3 });
      expect(open.every((r) => r.status === 'completed')).toBe(true);
      expect(emulator.liveSandboxes().map((s) => s.networkBlockAll)).toEqual([false, false, false]);
      const blocked = await daytona.runBatch(Array.from({ length: 3 }, (_, i) => runRequest(`print(${i})`)), { concurrency: 3 });
      expect(blocked.map((r) => r.stdout)).toEqual(['0\n', '1\n', '2\n']);
      expect(emulator.liveSandboxes().map((s) => s.networkBlockAll)).toEqual([true, true, true]);
      for (const id of idsOf(blocked)) expect(emulator.liveSandboxes().find((s) => s.id === id)?.networkBlockAll).toBe(true);
    });

    it('lets batch sandboxes idle out while the persistent one is busy', async () => {
      const daytona = executor({ idleTimeoutS: 0.3 });
      const warm = await daytona.run(runRequest('print("warm")'));
      await daytona.runBatch(Array.from({ length: 3 }, (_, i) => runRequest(`print(${i})`)), { concurrency: 3 });
      expect(creates()).toBe(3);
      const busy = daytona.run(runRequest('import time\ntime.sleep(1.5)\nprint("busy")'));
      try {
        await eventually(() => emulator.liveCount === 1, 'batch sandboxes deleted after the idle timeout');
        expect(emulator.liveSandboxes()[0].id).toBe(warm.metadata.sandboxId);
      } finally {
        expect((await busy).stdout).toBe('busy\n');
      }
      await eventually(() => emulator.liveCount === 0, 'persistent sandbox deleted after the idle timeout');
      expect((await daytona.status()).extra).toMatchObject({ batchSandboxes: 0 });
    });

    it('close() deletes every batch sandbox and unregisters them', async () => {
      const store = new MemoryStateStore(emulatorConfig(emulator), silentLogger());
      try {
        const daytona = executor({}, undefined, store);
        await daytona.runBatch(Array.from({ length: 3 }, (_, i) => runRequest(`print(${i})`)), { concurrency: 3 });
        expect(emulator.liveCount).toBe(3);
        await daytona.close();
        expect(emulator.liveCount).toBe(0);
        expect(await store.listSandboxes()).toEqual([]);
        await expect(daytona.runBatch([runRequest('print(1)')])).rejects.toMatchObject({ code: 'SHUTTING_DOWN' });
      } finally {
        await store.close();
      }
    });

    it('rejects with ABORTED when an item\'s signal is aborted, as run() does', async () => {
      const daytona = executor();
      const controller = new AbortController();
      controller.abort();
      const aborted = { ...runRequest('print(2)'), signal: controller.signal };
      await expect(daytona.runBatch([runRequest('print(1)'), aborted, runRequest('print(3)')], { concurrency: 3 })).rejects.toMatchObject({ code: 'ABORTED' });
      await expect(daytona.runBatch([aborted], { concurrency: 1 })).rejects.toMatchObject({ code: 'ABORTED' });
    });
  });

  describe('retries and error mapping', () => {
    it('retries 429 and 503 on codeRun and succeeds', async () => {
      const daytona = executor();
      await daytona.run(runRequest('print(0)'));
      emulator.inject('codeRun', { kind: 'status', status: 429, retryAfterS: 0 });
      emulator.inject('codeRun', { kind: 'status', status: 503 });
      const mark = emulator.requests.length;
      const result = await daytona.run(runRequest('print("after retries")'));
      expect(result.stdout).toBe('after retries\n');
      expect(emulator.requestsSince(mark).map((r) => r.route)).toEqual(['codeRun', 'codeRun', 'codeRun']);
    });

    it('retries a 503 on create after checking by name', async () => {
      const daytona = executor();
      emulator.inject('create', { kind: 'status', status: 503 });
      await daytona.run(runRequest('print(1)'));
      const routes = emulator.requests.map((r) => r.route).filter((r) => r !== 'list');
      expect(routes).toEqual(['create', 'get', 'create', 'codeRun']);
      expect(emulator.liveCount).toBe(1);
    });

    it('does not POST again when the lost-answer create did create the sandbox', async () => {
      const daytona = executor();
      emulator.inject('create', { kind: 'status', status: 502, afterWork: true });
      await daytona.run(runRequest('print(1)'));
      expect(emulator.requests.filter((r) => r.route === 'create')).toHaveLength(1);
      expect(emulator.liveCount).toBe(1);
    });

    it('gives DAYTONA_RATE_LIMITED when 429 persists beyond the retries', async () => {
      const daytona = executor({ maxRetries: 1 });
      await daytona.run(runRequest('print(0)'));
      emulator.inject('codeRun', { kind: 'status', status: 429, retryAfterS: 0 }, 5);
      const error = await daytona.run(runRequest('print(1)')).catch((e: unknown) => e);
      expect(isKernelError(error, 'DAYTONA_RATE_LIMITED')).toBe(true);
      expect(emulator.requests.filter((r) => r.route === 'codeRun')).toHaveLength(3);
    });

    it('never retries a program failure or timeout', async () => {
      const daytona = executor();
      await daytona.run(runRequest('raise SystemExit(2)'));
      await daytona.run(runRequest('import time\ntime.sleep(5)', { timeoutMs: 500 }));
      expect(emulator.requests.filter((r) => r.route === 'codeRun')).toHaveLength(2);
    });

    it('maps a wrong API key to DAYTONA_AUTH and creates nothing', async () => {
      const config = emulatorConfig(emulator, { apiKey: 'wrong-key' });
      const daytona = new DaytonaExecutor(config, silentLogger());
      executors.push(daytona);
      const error = await daytona.run(runRequest('print(1)')).catch((e: unknown) => e);
      expect(isKernelError(error, 'DAYTONA_AUTH')).toBe(true);
      expect((error as Error).message).toMatch(/DAYTONA_API_KEY/);
      expect(emulator.liveCount).toBe(0);
    });

    it('maps 503 after retries to SANDBOX_UNAVAILABLE and an API that is down likewise', async () => {
      const daytona = executor();
      emulator.inject('create', { kind: 'status', status: 503 }, 10);
      const unavailable = await daytona.run(runRequest('print(1)')).catch((e: unknown) => e);
      expect(isKernelError(unavailable, 'SANDBOX_UNAVAILABLE')).toBe(true);
      emulator.clearFaults();
      await emulator.goDown();
      const down = await daytona.run(runRequest('print(1)')).catch((e: unknown) => e);
      expect(isKernelError(down, 'SANDBOX_UNAVAILABLE')).toBe(true);
      await emulator.comeBack();
    });

    it('a dropped codeRun connection is not replayed (the program may have run)', async () => {
      const daytona = executor();
      await daytona.run(runRequest('print(0)'));
      emulator.inject('codeRun', { kind: 'drop' });
      const error = await daytona.run(runRequest('print(1)')).catch((e: unknown) => e);
      expect(isKernelError(error, 'SANDBOX_UNAVAILABLE')).toBe(true);
      expect(emulator.requests.filter((r) => r.route === 'codeRun')).toHaveLength(2);
    });
  });

  describe('status', () => {
    it('is operational with the seed indicator, and unavailable when the API is down', async () => {
      const daytona = executor();
      await daytona.run(runRequest('print(1)'));
      const up = await daytona.status();
      expect(up).toMatchObject({ kind: 'daytona', available: true, serviceStatus: 'operational', sandboxActive: true, isolation: 'daytona', indicator: INDICATORS.daytona });
      expect(up.sandboxId).toBe(emulator.liveSandboxes()[0].id);
      await emulator.goDown();
      const down = await daytona.status();
      expect(down).toMatchObject({ available: false, serviceStatus: 'unavailable', indicator: INDICATORS.unavailable });
      await emulator.comeBack();
    });
  });
});
