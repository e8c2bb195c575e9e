import { randomInt, randomUUID } from 'node:crypto';
import { closeSync, existsSync, openSync } from 'node:fs';
import { chmod, chown, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inject, injectable } from 'inversify';
import type { AppConfig } from '../../config/schema.js';
import type { ExecutionResult, ExecutorStatus, RunLimits, RunRequest, SandboxInfo } from '../../kernel/contracts.js';
import { type BatchOptions, type Logger, type SandboxExecutor, TOKENS } from '../../kernel/tokens.js';
import { KernelError, isKernelError } from '../../errors.js';
import { INDICATORS } from '../../logging/logger.js';
import { SANDBOX_PATHS, buildBwrapArgs } from './bwrap-command.js';
import { classifyOutcome } from './classify-outcome.js';
import { DENIED_SYSCALLS_X86_64, buildSeccompFilter } from './seccomp-filter.js';
import { ConcurrencyLimiter } from './concurrency-limiter.js';
import { type IsolationProbeResult, type LocalIsolation, findBwrap, probeIsolation, uidCanReach } from './isolation-probe.js';
import { type LauncherHandle, type LauncherRun, startLauncher } from './launcher-process.js';
import { type PythonRuntime, resolvePythonRuntime } from './python-runtime.js';
import { type TierModules, TierRouter } from './pool-routing.js';
import { WarmPool, type WarmPoolStatus, type ZygoteLease } from './warm-pool.js';
import { type ZygoteJob, ZygoteProcess, type ZygoteReady, type ZygoteSpawnSpec } from './zygote-process.js';

/**
 * RLIMIT_AS = memoryLimitMb + this. Measured: python 3.11 with numpy 2.4 + scipy.stats imported
 * (OPENBLAS_NUM_THREADS=1, MALLOC_ARENA_MAX=2) peaks at ~250 MiB of address space with ~100 MiB
 * resident; the headroom lets a 512 MB limit mean "512 MB of the program's own data".
 */
export const ADDRESS_SPACE_HEADROOM_MB = 384;
/** Unprivileged uid/gid runs get when the service is root ("nobody"). */
export const SANDBOX_UID = 65534;
/**
 * Sandboxed runs as root get a uid of their own from a block above the usual system and subuid
 * ranges: RLIMIT_NPROC counts processes per uid host-wide, so with one shared uid a fork bomb in
 * one run (or many concurrent runs) kept every other run from starting (seen in CI: EAGAIN).
 * Warm-pool slot s uses block + s; cold runs take the rest of the block, never two at once.
 */
export const SANDBOX_UID_BLOCK_BASE = 200_000;
export const SANDBOX_UID_BLOCK_SIZE = 1024;
const SANDBOX_UID_SLOTS = 64;
export const RLIMIT_NOFILE = 256;

/** Program used to check that a layer really runs code. */
const PROBE_PROGRAM = 'print("rk-probe-ok")\n';
const PROBE_LIMITS: RunLimits = {
  timeoutMs: 15_000, memoryLimitMb: 256, cpuLimit: 1, tempStorageMb: 8, maxOutputBytes: 4096, enableNetworking: false,
};
/** System paths a Landlock-confined program may read (never /etc as a whole, /home or /root). */
const LANDLOCK_READ = [
  '/usr', '/bin', '/sbin', '/lib', '/lib64', '/lib32', '/libx32',
  '/etc/ld.so.cache', '/etc/alternatives', '/etc/localtime', '/etc/matplotlibrc', '/dev/urandom', '/dev/zero',
];

type TierName = 'full' | 'light';

/** One warm tier: its pool, its pre-imports, and where its slots sit in the uid block and work folder. */
interface PoolTier {
  name: TierName;
  pool: WarmPool;
  preimport: readonly string[];
  slotOffset: number;
}

interface Readiness {
  runtime: PythonRuntime | null;
  runtimeError?: KernelError;
  probe: IsolationProbeResult | null;
  bwrapPath: string | null;
  /** uid the fallback modes drop to when the service is root, or null when they cannot. */
  fallbackUid: number | null;
}

/**
 * Runs Python programs on this machine, one fresh interpreter per run, inside the strongest layer
 * that works here: bubblewrap namespaces, else Landlock, else rlimits and a process group (see
 * `shared/reference/local-isolation.md`). `status()` reports the layer actually in force.
 *
 * Cancellation: when `request.signal` aborts, the run is killed and `run()` throws
 * `KernelError('ABORTED')` (also when it was still queued); partial output is dropped.
 */
@injectable()
export class LocalExecutor implements SandboxExecutor {
  readonly kind = 'local' as const;
  private readonly log: Logger;
  /** This executor's uid block (random, so two services on one host rarely share one). */
  private readonly uidBlock = SANDBOX_UID_BLOCK_BASE + randomInt(0, 4096) * SANDBOX_UID_BLOCK_SIZE;
  private readonly coldUidsInUse = new Set<number>();
  private nextColdUid = 0;
  private readonly limiter: ConcurrencyLimiter;
  private readonly active = new Set<LauncherHandle>();
  private readonly createdAt = new Date().toISOString();
  private readonly isRoot = process.getuid?.() === 0;
  private base?: Promise<Readiness>;
  private ready?: Promise<Readiness>;
  /** The isolation probe has finished (or could not run): runs no longer start speculatively. */
  private probeSettled = false;
  private rootDir?: Promise<string>;
  /** The seccomp program every sandbox loads (null: RK_SECCOMP=false, or none for this CPU), built once. */
  private readonly seccompProgram: Buffer | null;
  /** That program written to the work folder, for bwrap `--seccomp` and the launcher / zygote. */
  private seccompFile?: Promise<string | null>;
  private closed = false;
  private meanRunMs = 1000;
  /** Warm tiers (RK_POOL_SIZE full, RK_POOL_LIGHT_SIZE light), created once the isolation probe chose a layer. */
  private tiers: PoolTier[] = [];
  private routing?: { full?: ZygoteReady; light?: ZygoteReady; router: TierRouter };
  /** Runs that could have gone warm but went cold (no free or no working zygote). */
  private coldFallbacks = 0;

  constructor(
    @inject(TOKENS.Config) private readonly config: Readonly<AppConfig>,
    @inject(TOKENS.Logger) logger: Logger,
  ) {
    this.log = logger.child({ component: 'local-executor' });
    this.seccompProgram = config.local.seccomp ? buildSeccompFilter() : null;
    const limit = config.local.maxConcurrency > 0 ? config.local.maxConcurrency : Math.max(1, cpus().length);
    this.limiter = new ConcurrencyLimiter(limit, config.local.maxQueue, () => ((this.limiter.queued + 1) / this.limiter.limit) * (this.meanRunMs / 1000));
  }

  async run(request: RunRequest): Promise<ExecutionResult> {
    if (this.closed) throw new KernelError('SHUTTING_DOWN', 'The local executor is closed');
    if (!this.probeSettled) {
      const early = await this.runWhileProbing(request);
      if (early) return early;
      if (this.closed) throw new KernelError('SHUTTING_DOWN', 'The local executor is closed');
    }
    const ready = await this.ensureReady();
    const runtime = this.requireRuntime(ready);
    const layer = this.requireLayer(ready);
    const release = await this.limiter.acquire(request.signal);
    try {
      const t0 = performance.now();
      const result = await this.execute(ready, runtime, layer, request.code, request.limits, request.signal, randomUUID());
      this.meanRunMs = 0.8 * this.meanRunMs + 0.2 * (performance.now() - t0);
      return result;
    } finally {
      release();
    }
  }

  async runBatch(requests: RunRequest[], options: BatchOptions = {}): Promise<ExecutionResult[]> {
    const results = new Array<ExecutionResult>(requests.length);
    const width = Math.max(1, Math.min(options.concurrency ?? this.limiter.limit, requests.length));
    let next = 0;
    let failed = false;
    const worker = async (): Promise<void> => {
      while (!failed && next < requests.length) {
        const i = next++;
        try {
          results[i] = await this.run(requests[i]);
        } catch (error) {
          if (!options.onItemError) {
            failed = true; // the batch rejects: start nothing more
            throw error;
          }
          results[i] = options.onItemError(error, i);
        }
      }
    };
    await Promise.all(Array.from({ length: width }, worker));
    return results;
  }

  async status(): Promise<ExecutorStatus> {
    const ready = await this.ensureReady();
    const layer = ready.probe?.chosen ?? null;
    const problems: string[] = [];
    if (!ready.runtime) problems.push(ready.runtimeError?.message ?? 'python3 not found');
    if (ready.runtime && !layer) problems.push(`isolation "${this.config.local.isolation}" (RK_ISOLATION) does not work here`);
    if (layer === 'process' && this.config.local.requireIsolation) {
      problems.push('OS isolation is required (RK_REQUIRE_ISOLATION=true) but neither bubblewrap nor Landlock works');
    }
    if (this.closed) problems.push('executor closed');
    const available = problems.length === 0;
    return {
      kind: 'local',
      isolation: layer ?? 'none',
      available,
      serviceStatus: available ? 'operational' : 'unavailable',
      sandboxActive: false,
      sandboxId: null,
      pythonExecutable: ready.runtime?.executable,
      pythonVersion: ready.runtime?.version,
      detail: [...problems, this.describeLayers(ready), this.describePool()].join('; '),
      indicator: available ? INDICATORS.local : INDICATORS.unavailable,
      queueDepth: this.limiter.queued,
      running: this.limiter.running,
      extra: {
        maxConcurrency: this.limiter.limit,
        maxQueue: this.limiter.maxQueue,
        bwrap: ready.bwrapPath,
        /** uid programs run as on the host (null: the service's own uid, mapped by a user namespace). */
        runUid: this.runUid(ready, layer),
        /** The seccomp filter is in force (every layer loads it: bwrap, or the launcher / zygote). */
        seccomp: layer !== null && this.seccompInForce(),
        /** RLIMIT_NPROC is in force (the kernel ignores it for uid 0). */
        processCap: layer !== null && this.runUid(ready, layer) !== 0,
        pool: this.tierStatus('full'),
        lightPool: this.tierStatus('light'),
      },
    };
  }

  /** Nothing to create: every run gets a fresh sandbox. */
  async createSandbox(): Promise<SandboxInfo> {
    return { sandboxId: 'local', sandboxType: 'local', createdAt: this.createdAt, reused: true };
  }

  async destroySandbox(): Promise<boolean> {
    return false;
  }

  /**
   * Probes the isolation layer and starts the warm pool (RK_POOL_SIZE); resolves once every
   * interpreter has started or failed to, and runs meanwhile go cold (or wait, RK_POOL_FALLBACK).
   * `createKernel` calls it in the background; otherwise the first `run()` or `status()` does this.
   */
  async warmUp(): Promise<void> {
    await this.ensureReady();
    await Promise.all(this.tiers.map((t) => t.pool.warm()));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.limiter.close();
    const running = [...this.active];
    for (const h of running) h.stop('closed');
    // A probe still in flight (createKernel starts one) stops early once it sees `closed`; wait for
    // it so that nothing it creates outlives close(). It creates no pool once closed.
    const probeThenPool = async (): Promise<void> => {
      await this.ready;
      await Promise.all(this.tiers.map((t) => t.pool.close()));
    };
    await Promise.allSettled([...running.map((h) => h.done), probeThenPool()]);
    if (this.rootDir) await rm(await this.rootDir, { recursive: true, force: true }).catch(() => undefined);
  }

  // -------------------------------------------------------------------------------------------

  /**
   * A run that arrives while the isolation probe is still in flight (the first runs of a process)
   * starts at once, cold, in bubblewrap, the layer the probe tries first, instead of waiting ~100 ms
   * for the probe. Its result is kept only if the probe then chooses bubblewrap; otherwise it is
   * killed, discarded, and the run goes the normal way (undefined). No code ever runs in a layer
   * the probe did not accept: bwrap either builds the whole sandbox or never starts the program.
   */
  private async runWhileProbing(request: RunRequest): Promise<ExecutionResult | undefined> {
    const probed = this.ensureReady();
    const base = await this.ensureBase();
    const wanted = this.config.local.isolation;
    if (base.probe || !base.runtime || !base.bwrapPath || (wanted !== 'auto' && wanted !== 'bubblewrap')) return undefined;
    const release = await this.limiter.acquire(request.signal);
    if (base.probe) {
      // The probe finished while this run was queued: go the normal way.
      release();
      return undefined;
    }
    const speculation = new AbortController();
    const forwardAbort = (): void => speculation.abort();
    if (request.signal?.aborted) forwardAbort();
    request.signal?.addEventListener('abort', forwardAbort, { once: true });
    try {
      const t0 = performance.now();
      // `base.probe` is still null here, so no warm pool exists yet: execute() runs cold.
      const running = this.execute(base, base.runtime, 'bubblewrap', request.code, request.limits, speculation.signal, randomUUID());
      running.catch(() => undefined); // settled below either way
      if ((await probed).probe?.chosen === 'bubblewrap') {
        const result = await running;
        this.meanRunMs = 0.8 * this.meanRunMs + 0.2 * (performance.now() - t0);
        return result;
      }
      speculation.abort();
      await running.catch(() => undefined);
      if (request.signal?.aborted) throw new KernelError('ABORTED', 'The run was cancelled by its AbortSignal and killed');
      return undefined;
    } finally {
      request.signal?.removeEventListener('abort', forwardAbort);
      release();
    }
  }

  /** The interpreter and host facts (no isolation probe yet); the same object `ensureReady` completes. */
  private ensureBase(): Promise<Readiness> {
    this.base ??= this.resolveBase();
    return this.base;
  }

  private ensureReady(): Promise<Readiness> {
    this.ready ??= this.probe().finally(() => {
      this.probeSettled = true;
    });
    return this.ready;
  }

  private async resolveBase(): Promise<Readiness> {
    const ready: Readiness = { runtime: null, probe: null, bwrapPath: findBwrap(), fallbackUid: null };
    try {
      ready.runtime = await resolvePythonRuntime(this.config.python.executable);
    } catch (e) {
      ready.runtimeError = isKernelError(e) ? e : new KernelError('PYTHON_NOT_FOUND', String(e), { cause: e });
      this.log.error({ err: e }, 'python interpreter unavailable');
      return ready;
    }
    if (this.isRoot && uidCanReach([ready.runtime.executable, ...ready.runtime.installRoots, launcherPath()], SANDBOX_UID, SANDBOX_UID)) {
      ready.fallbackUid = SANDBOX_UID;
    }
    return ready;
  }

  private async probe(): Promise<Readiness> {
    const ready = await this.ensureBase();
    const runtime = ready.runtime;
    if (!runtime || this.closed) return ready;
    ready.probe = await probeIsolation(this.config.local.isolation, async (layer) => {
      if (layer === 'bubblewrap' && !ready.bwrapPath) return 'bwrap is not installed (apt-get install bubblewrap)';
      if (this.closed) return 'executor closed';
      const run = await this.execute(ready, runtime, layer, PROBE_PROGRAM, PROBE_LIMITS, undefined, `probe-${layer}`);
      if (run.status === 'completed' && run.stdout === 'rk-probe-ok\n') return null;
      return `probe program ended ${run.status}: ${run.stderr.slice(0, 300)}`;
    });
    if (this.closed) return ready;
    const chosen = ready.probe.chosen;
    const failures = Object.entries(ready.probe.layers).filter(([, p]) => !p.ok).map(([l, p]) => `${l}: ${p.reason}`);
    if (!chosen) this.log.error({ isolation: this.config.local.isolation, failures }, 'requested isolation does not work');
    else if (chosen !== 'bubblewrap') this.log.warn({ isolation: chosen, failures }, 'bubblewrap unavailable; local runs use a weaker isolation layer');
    else this.log.info({ isolation: chosen, python: runtime.executable, version: runtime.version }, 'local executor ready');
    if (chosen && !this.closed && !(chosen === 'process' && this.config.local.requireIsolation)) {
      const local = this.config.local;
      let slotOffset = 0;
      for (const [name, size, preimport] of [['full', local.poolSize, local.poolPreimport], ['light', local.poolLightSize, local.poolLightPreimport]] as const) {
        if (size === 0) continue;
        const offset = slotOffset;
        slotOffset += size;
        const pool = new WarmPool({
          size,
          recycleJobs: local.poolRecycleJobs,
          maxGrowthMb: local.poolMaxGrowthMb,
          // Leave a core for the runs that go cold while the full tier imports numpy and scipy.
          startConcurrency: name === 'full' ? Math.max(1, cpus().length - 1) : 1,
          log: this.log.child({ tier: name }),
          start: (slot, poolId, onChange) => this.startZygote(ready, runtime, chosen, offset + slot, preimport, poolId, onChange),
        });
        this.tiers.push({ name, pool, preimport, slotOffset: offset });
      }
      // The light tier is ready in tens of milliseconds: start it first.
      for (const t of [...this.tiers].reverse()) t.pool.start();
    }
    return ready;
  }

  private runUid(ready: Readiness, layer: LocalIsolation | null): number | null {
    if (!this.isRoot) return process.getuid?.() ?? null;
    if (layer === 'bubblewrap') return this.uidBlock;
    return ready.fallbackUid ?? 0;
  }

  private requireRuntime(ready: Readiness): PythonRuntime {
    if (!ready.runtime) throw ready.runtimeError ?? new KernelError('PYTHON_NOT_FOUND', 'No python3 found; set RK_PYTHON');
    return ready.runtime;
  }

  private requireLayer(ready: Readiness): LocalIsolation {
    const layer = ready.probe?.chosen;
    if (!layer) {
      const why = Object.entries(ready.probe?.layers ?? {}).map(([l, p]) => `${l}: ${p.reason}`).join('; ');
      throw new KernelError('SANDBOX_UNAVAILABLE', `Isolation "${this.config.local.isolation}" (RK_ISOLATION) does not work on this machine (${why}); set RK_ISOLATION=auto`);
    }
    if (layer === 'process' && this.config.local.requireIsolation) {
      throw new KernelError('SANDBOX_UNAVAILABLE', 'OS isolation is required (RK_REQUIRE_ISOLATION=true) but neither bubblewrap nor Landlock works here; install bubblewrap, allow unprivileged user namespaces, or unset RK_REQUIRE_ISOLATION');
    }
    return layer;
  }

  /** Writes the seccomp filter once into the work folder (RK_SECCOMP); null when there is none. */
  private seccompFilter(): Promise<string | null> {
    this.seccompFile ??= (async () => {
      const filter = this.seccompProgram;
      if (!filter) return null;
      const path = join(await this.workRoot(), 'seccomp.bpf');
      await writeFile(path, filter, { mode: 0o600 });
      return path;
    })();
    return this.seccompFile;
  }

  /** Opens the filter for one bwrap spawn (its fd 4); the caller closes it once the process started. */
  private openSeccompFd(path: string | null): number | undefined {
    return path === null ? undefined : openSync(path, 'r');
  }

  private workRoot(): Promise<string> {
    this.rootDir ??= (async () => {
      const dir = await mkdtemp(join(tmpdir(), 'rk-local-'));
      await chmod(dir, 0o711); // the dropped uid must traverse it to reach its run folder
      return dir;
    })();
    return this.rootDir;
  }

  private async execute(
    ready: Readiness, runtime: PythonRuntime, layer: LocalIsolation, code: string, limits: RunLimits,
    signal: AbortSignal | undefined, runId: string,
  ): Promise<ExecutionResult> {
    const log = this.log.child({ runId, isolation: layer });
    if (this.tiers.length > 0 && this.warmEligible(limits)) {
      const got = await this.acquireWarm(code, signal);
      if (got) {
        try {
          const warm = await this.executeWarm(ready, got.lease.zygote, got.tier, runtime, layer, code, limits, signal, runId, log);
          if (warm) return warm;
        } finally {
          got.lease.release();
        }
      }
      if (signal?.aborted) throw new KernelError('ABORTED', 'The run was cancelled before it started');
      this.coldFallbacks++;
    }
    const runDir = await mkdtemp(join(await this.workRoot(), 'run-'));
    const runUid = layer === 'bubblewrap' && this.isRoot ? this.allocateColdUid() : null;
    try {
      const programPath = join(runDir, 'main.py');
      await writeFile(programPath, code, { mode: 0o644 });
      const cpuLimitS = Math.ceil((limits.timeoutMs / 1000) * Math.max(1, limits.cpuLimit)) + 1;
      const rlimits = {
        as: (limits.memoryLimitMb + ADDRESS_SPACE_HEADROOM_MB) * 1024 * 1024,
        cpu: cpuLimitS,
        fsize: limits.tempStorageMb * 1024 * 1024,
        nofile: RLIMIT_NOFILE,
        nproc: null as number | null,
        core: 0,
      };
      const pyBin = runtime.executable.slice(0, runtime.executable.lastIndexOf('/'));
      let command: string;
      let args: string[];
      let spawnEnv: Record<string, string>;
      let seccompPath: string | null = null;
      if (layer === 'bubblewrap') {
        // Root: the launcher drops to nobody, so RLIMIT_NPROC applies. Non-root: the user namespace
        // gives the run its own process count, so the cap applies to this run alone.
        rlimits.nproc = this.config.local.maxProcesses;
        const launcherArgs = launcherArgv({
          python: runtime.executable, program: SANDBOX_PATHS.program, cwd: SANDBOX_PATHS.workdir, timeoutMs: limits.timeoutMs,
          ...rlimits, nprocRelative: false, uid: runUid, gid: runUid, landlock: false,
        });
        command = ready.bwrapPath!;
        seccompPath = await this.seccompFilter();
        args = buildBwrapArgs({
          pythonRoots: runtime.installRoots, pythonExecutable: runtime.executable, launcherPath: launcherPath(), programPath,
          tempStorageMb: limits.tempStorageMb, enableNetworking: limits.enableNetworking, unprivileged: !this.isRoot,
          env: programEnv(pyBin, SANDBOX_PATHS.workdir, '/tmp'), launcherArgs, ...(seccompPath ? { seccompFd: 4 } : {}),
        });
        spawnEnv = { PATH: '/usr/bin:/bin' };
      } else {
        const uid = this.isRoot ? ready.fallbackUid : null;
        if (uid !== null) {
          await chown(runDir, uid, uid);
          await chmod(runDir, 0o700);
        }
        // As root without a uid drop RLIMIT_NPROC is ignored by the kernel: not set, and reported.
        rlimits.nproc = this.isRoot && uid === null ? null : this.config.local.maxProcesses;
        const landlock = layer === 'landlock';
        const launcherArgs = launcherArgv({
          python: runtime.executable, program: programPath, cwd: runDir, timeoutMs: limits.timeoutMs, ...rlimits,
          nprocRelative: !this.isRoot, uid, gid: uid, landlock, seccomp: await this.seccompFilter(),
          landlockRead: landlock ? [...runtime.installRoots, ...LANDLOCK_READ] : [],
          landlockWrite: landlock ? [runDir, '/dev/null'] : [],
          landlockNet: limits.enableNetworking,
        });
        command = runtime.executable;
        args = ['-I', '-B', '-S', launcherPath(), ...launcherArgs];
        spawnEnv = programEnv(pyBin, runDir, runDir);
      }
      // Checked after the last await before the spawn: close() either sees this run in `active`
      // or the run sees `closed`, so no sandbox starts after close() has stopped the others.
      if (this.closed) throw new KernelError('SHUTTING_DOWN', 'The local executor is closed');
      const seccompFd = this.openSeccompFd(seccompPath);
      let handle: LauncherHandle;
      try {
        handle = startLauncher({
          command, args, env: spawnEnv, pidNamespace: layer === 'bubblewrap', timeoutMs: limits.timeoutMs,
          maxOutputBytes: limits.maxOutputBytes, signal, ...(seccompFd !== undefined ? { extraFds: [seccompFd] } : {}),
        });
      } finally {
        if (seccompFd !== undefined) closeSync(seccompFd); // the sandbox has its own copy now
      }
      this.active.add(handle);
      let run: LauncherRun;
      try {
        run = await handle.done;
      } catch (e) {
        throw new KernelError('SANDBOX_ERROR', `Could not start the ${layer} sandbox (${(e as Error).message})`, { cause: e });
      } finally {
        this.active.delete(handle);
      }
      return this.toResult(run, layer, runtime, runId, cpuLimitS, log);
    } finally {
      if (runUid !== null) this.coldUidsInUse.delete(runUid);
      await rm(runDir, { recursive: true, force: true }).catch((e: unknown) => log.warn({ err: e }, 'run folder not removed'));
    }
  }

  /** A uid from this executor's block that no other cold run holds right now (slots keep theirs). */
  private allocateColdUid(): number {
    const span = SANDBOX_UID_BLOCK_SIZE - SANDBOX_UID_SLOTS;
    for (let i = 0; i < span; i++) {
      const uid = this.uidBlock + SANDBOX_UID_SLOTS + (this.nextColdUid++ % span);
      if (!this.coldUidsInUse.has(uid)) {
        this.coldUidsInUse.add(uid);
        return uid;
      }
    }
    throw new KernelError('QUEUE_FULL', `more than ${span} sandboxed runs at once; retry later`, { retryAfterS: 1 });
  }

  /**
   * Jobs whose sandbox would differ from the pool's go cold: networking needs another network
   * namespace, and a larger temporary storage than the pool's tmpfs would not fit.
   */
  private warmEligible(limits: RunLimits): boolean {
    return !limits.enableNetworking && limits.tempStorageMb <= this.poolTempStorageMb();
  }

  /** Size of each private tmpfs of a pooled sandbox: the configured default storage. */
  private poolTempStorageMb(): number {
    return this.config.sandbox.tempStorageMb;
  }

  /** The jobs' root of one pool slot without bwrap (with bwrap, the sandbox's private tmpfs). */
  private async slotJobsDir(slot: number): Promise<string> {
    const jobs = join(await this.workRoot(), `pool-${slot}-jobs`);
    await rm(jobs, { recursive: true, force: true });
    await mkdir(jobs, { mode: 0o711 }); // the dropped uid traverses it to its job folder
    await chmod(jobs, 0o711);
    return jobs;
  }

  /** Starts the zygote of a pool slot inside the same isolation layer a cold run gets. */
  private async startZygote(
    ready: Readiness, runtime: PythonRuntime, layer: LocalIsolation, slot: number, preimport: readonly string[], poolId: string,
    onChange: (z: ZygoteProcess) => void,
  ): Promise<ZygoteProcess> {
    const pyBin = runtime.executable.slice(0, runtime.executable.lastIndexOf('/'));
    const common = { preimport, pool: poolId, slot };
    let spec: ZygoteSpawnSpec;
    let seccompPath: string | null = null;
    if (layer === 'bubblewrap') {
      seccompPath = await this.seccompFilter();
      const zygoteArgs = launcherArgv({
        ...common, jobRoot: SANDBOX_PATHS.workdir, wipe: ['/tmp', '/dev/shm'], pidns: true,
        uid: this.isRoot ? this.uidBlock + slot : null, gid: this.isRoot ? this.uidBlock + slot : null, nprocRelative: false, landlock: false, envDirKeys: ['HOME'],
      });
      spec = {
        command: ready.bwrapPath!,
        args: buildBwrapArgs({
          pythonRoots: runtime.installRoots, pythonExecutable: runtime.executable, launcherPath: launcherPath(),
          zygote: { scriptPath: zygotePath() }, tempStorageMb: this.poolTempStorageMb(), enableNetworking: false,
          unprivileged: !this.isRoot, env: programEnv(pyBin, SANDBOX_PATHS.workdir, '/tmp'), launcherArgs: zygoteArgs,
          ...(seccompPath ? { seccompFd: 4 } : {}),
        }),
        env: { PATH: '/usr/bin:/bin' },
        pidNamespace: true,
      };
    } else {
      const uid = this.isRoot ? ready.fallbackUid : null;
      const landlock = layer === 'landlock';
      const jobs = await this.slotJobsDir(slot);
      const zygoteArgs = launcherArgv({
        ...common, jobRoot: jobs, wipe: [], pidns: false, uid, gid: uid, nprocRelative: !this.isRoot, landlock, seccomp: await this.seccompFilter(),
        landlockRead: landlock ? [...runtime.installRoots, ...LANDLOCK_READ] : [], landlockNet: false,
        envDirKeys: ['HOME', 'TMPDIR', 'MPLCONFIGDIR'],
      });
      spec = {
        command: runtime.executable,
        args: ['-I', '-B', zygotePath(), ...zygoteArgs],
        env: programEnv(pyBin, jobs, jobs),
        pidNamespace: false,
      };
    }
    const seccompFd = this.openSeccompFd(seccompPath);
    try {
      return new ZygoteProcess(seccompFd !== undefined ? { ...spec, extraFds: [seccompFd] } : spec, onChange);
    } finally {
      if (seccompFd !== undefined) closeSync(seccompFd); // the sandbox has its own copy now
    }
  }

  /**
   * A warm interpreter for this program: one of the tier it wants (see TierRouter), or for a program
   * the light tier can run, an idle full-tier one rather than none. Waits (RK_POOL_FALLBACK=wait)
   * only on the wanted tier, and only while it is healthy; undefined means run cold.
   */
  private async acquireWarm(code: string, signal: AbortSignal | undefined): Promise<{ tier: PoolTier; lease: ZygoteLease } | undefined> {
    const full = this.tiers.find((t) => t.name === 'full');
    const light = this.tiers.find((t) => t.name === 'light');
    let order: PoolTier[];
    if (!full || !light) order = this.tiers;
    else if (this.router().wantsFull(code)) order = full.pool.healthy() ? [full] : [light];
    else order = light.pool.healthy() ? [light, full] : [full];
    for (const tier of order) {
      const lease = tier.pool.tryAcquire();
      if (lease) return { tier, lease };
    }
    if (this.config.local.poolFallback !== 'wait') return undefined;
    const lease = await order[0].pool.acquire(signal);
    return lease ? { tier: order[0], lease } : undefined;
  }

  /** The router for the tiers' current module sets (rebuilt when a tier reports new ones). */
  private router(): TierRouter {
    const full = this.tiers.find((t) => t.name === 'full');
    const light = this.tiers.find((t) => t.name === 'light');
    const fullReady = full?.pool.latestReady;
    const lightReady = light?.pool.latestReady;
    if (!this.routing || this.routing.full !== fullReady || this.routing.light !== lightReady) {
      const modules = (tier: PoolTier | undefined, r: ZygoteReady | undefined): TierModules => ({
        loaded: new Set(r?.modules ?? tier?.preimport ?? []),
        stdlib: new Set(r?.stdlib ?? []),
      });
      this.routing = { full: fullReady, light: lightReady, router: new TierRouter(modules(full, fullReady), modules(light, lightReady)) };
    }
    return this.routing.router;
  }

  private tierStatus(name: TierName): Record<string, unknown> {
    const tier = this.tiers.find((t) => t.name === name);
    if (!tier) return { size: 0, warm: 0, busy: 0, jobsRun: 0, recycled: 0 };
    const s: WarmPoolStatus = tier.pool.status();
    return { ...s, preimport: tier.preimport, ...(name === 'full' ? { coldFallbacks: this.coldFallbacks } : {}) };
  }

  private async executeWarm(
    ready: Readiness, zygote: ZygoteProcess, tier: PoolTier, runtime: PythonRuntime, layer: LocalIsolation, code: string,
    limits: RunLimits, signal: AbortSignal | undefined, runId: string, log: Logger,
  ): Promise<ExecutionResult | undefined> {
    const cpuLimitS = Math.ceil((limits.timeoutMs / 1000) * Math.max(1, limits.cpuLimit)) + 1;
    // As for cold runs: the kernel ignores RLIMIT_NPROC for uid 0, so it is not set then (and reported).
    const nproc = this.runUid(ready, layer) === 0 ? null : this.config.local.maxProcesses;
    const job: ZygoteJob = {
      id: runId, source: wellFormed(code), timeoutMs: limits.timeoutMs,
      as: (limits.memoryLimitMb + ADDRESS_SPACE_HEADROOM_MB) * 1024 * 1024,
      cpu: cpuLimitS,
      fsize: limits.tempStorageMb * 1024 * 1024,
      nofile: RLIMIT_NOFILE,
      nproc,
    };
    let run: LauncherRun & { refused?: boolean };
    try {
      run = await zygote.run(job, { timeoutMs: limits.timeoutMs, maxOutputBytes: limits.maxOutputBytes, signal });
    } catch (e) {
      log.warn({ err: e }, 'warm interpreter refused a job; running cold');
      return undefined;
    }
    if (run.refused) {
      log.warn({ reason: zygote.retiredBecause }, 'warm interpreter retired before starting the job; running cold');
      return undefined;
    }
    if (run.childError) {
      // The zygote could not set the job up (before any of its code ran): retire it, run cold.
      log.warn({ childError: run.childError }, 'warm interpreter failed to start a job; running cold');
      zygote.retire(`job setup failed: ${run.childError}`);
      return undefined;
    }
    if (run.hardKilled || (!run.exit && !run.childError && run.killReason === undefined)) {
      log.warn({ reason: zygote.retiredBecause }, 'warm interpreter lost during a job');
    }
    if (!run.exit && run.killReason === undefined && !run.childError) {
      // The zygote died under the job (it may have killed it): a status, never an exception.
      return this.toResult({ ...run, started: true, killReason: undefined }, layer, runtime, runId, cpuLimitS, log, tier.name, 'warm_sandbox_lost');
    }
    return this.toResult(run, layer, runtime, runId, cpuLimitS, log, tier.name);
  }

  private describePool(): string {
    const { poolSize, poolLightSize } = this.config.local;
    if (this.tiers.length === 0) return poolSize + poolLightSize > 0 ? 'warm pool: not started' : 'warm pool: disabled (RK_POOL_SIZE=0, RK_POOL_LIGHT_SIZE=0)';
    return this.tiers.map((t) => {
      const p = t.pool.status();
      return `warm ${t.name} tier: ${p.warm}/${p.size} warm, ${p.busy} busy, ${p.jobsRun} jobs, ${p.recycled} replaced${p.lastError ? `, last error: ${p.lastError}` : ''}`;
    }).join('; ');
  }

  private toResult(
    run: LauncherRun, layer: LocalIsolation, runtime: PythonRuntime, runId: string, cpuLimitS: number, log: Logger, warm?: TierName, lostReason?: string,
  ): ExecutionResult {
    if (run.killReason === 'aborted') throw new KernelError('ABORTED', 'The run was cancelled by its AbortSignal and killed');
    const stderr = run.stderr.toString('utf8');
    if (run.childError || (!run.started && run.killReason === undefined)) {
      log.error({ childError: run.childError, stderr: stderr.slice(0, 500), exitCode: run.processExitCode }, 'sandbox failed to start');
      throw new KernelError('SANDBOX_ERROR', `The ${layer} sandbox could not start the program: ${run.childError ?? stderr.slice(0, 300) ?? 'no report'}; check RK_ISOLATION and the installation`);
    }
    const classified = classifyOutcome(run, stderr, cpuLimitS);
    const outcome = lostReason && classified.reason === 'launcher_lost' ? { ...classified, reason: lostReason } : classified;
    const exit = run.exit;
    const cpuS = exit ? exit.utimeS + exit.stimeS : 0;
    const wallS = exit && exit.wallS > 0 ? exit.wallS : run.wallMs / 1000;
    if (exit && exit.leftovers > 0) log.info({ leftovers: exit.leftovers }, 'killed processes that outlived the program');
    return {
      exitCode: outcome.exitCode,
      stdout: run.stdout.toString('utf8'),
      stderr,
      executionTime: round(run.wallMs / 1000, 4),
      status: outcome.status,
      resourceUsage: {
        cpuUsagePercent: round(wallS > 0 ? (cpuS / wallS) * 100 : 0, 1),
        memoryUsageMb: round((exit?.maxRssKb ?? 0) / 1024, 1),
      },
      metadata: {
        sandboxType: 'local',
        sandboxId: runId,
        isolation: layer,
        truncated: run.truncated,
        fallback: false,
        streamsMerged: false,
        ...(outcome.reason ? { reason: outcome.reason } : {}),
        pythonVersion: runtime.version,
        ...(warm ? { warm: true, warmTier: warm } : {}),
      },
    };
  }

  private seccompInForce(): boolean {
    return this.seccompProgram !== null;
  }

  private describeSeccomp(): string {
    if (!this.config.local.seccomp) return 'no seccomp filter (RK_SECCOMP=false)';
    if (!this.seccompInForce()) return `no seccomp filter (not built for ${process.arch})`;
    return `seccomp filter (${Object.keys(DENIED_SYSCALLS_X86_64).length} system calls denied, new namespaces, other ABIs)`;
  }

  private describeLayers(ready: Readiness): string {
    const layer = ready.probe?.chosen;
    const rl = 'rlimits (as, cpu, fsize, nofile, core';
    const parts: string[] = [];
    if (layer === 'bubblewrap') {
      parts.push(`bubblewrap: net,pid,ipc,uts namespaces${this.isRoot ? '' : ' + user namespace'}, read-only /usr and python, private tmpfs /sandbox /tmp, ${this.isRoot ? `an unprivileged uid of its own per run (${this.uidBlock}+)` : 'service uid (user namespace)'}, ${rl}, nproc ${this.config.local.maxProcesses}), ${this.describeSeccomp()}`);
    } else if (layer === 'landlock' || layer === 'process') {
      const uid = this.isRoot ? (ready.fallbackUid === null ? 'uid 0 (python not reachable by nobody), no process cap' : `uid ${ready.fallbackUid}`) : 'service uid';
      const ll = layer === 'landlock' ? 'landlock: filesystem (read python and /usr, write run folder), TCP, signals, abstract sockets; ' : 'process: no filesystem or network isolation; ';
      parts.push(`${ll}${uid}, ${rl}${ready.fallbackUid !== null || !this.isRoot ? `, nproc ${this.config.local.maxProcesses}` : ''}), ${this.describeSeccomp()}, process group + orphan sweep, scrubbed env`);
    }
    for (const [name, p] of Object.entries(ready.probe?.layers ?? {})) if (!p.ok) parts.push(`${name} unavailable: ${p.reason}`);
    return parts.join('; ');
  }
}

/** The text with lone surrogates replaced by U+FFFD, as writing it to a file in UTF-8 does. */
function wellFormed(code: string): string {
  return /[\uD800-\uDFFF]/.test(code) ? Buffer.from(code, 'utf8').toString('utf8') : code;
}

/** `key=value` arguments for launcher.py (lists newline-separated, booleans 0/1, null empty). */
function launcherArgv(fields: Record<string, string | number | boolean | null | readonly string[]>): string[] {
  return Object.entries(fields).map(([k, v]) => {
    if (Array.isArray(v)) {
      if (v.some((p: string) => p.includes('\n'))) throw new KernelError('SANDBOX_ERROR', `A sandbox path contains a newline: ${JSON.stringify(v)}`);
      return `${k}=${v.join('\n')}`;
    }
    if (typeof v === 'boolean') return `${k}=${v ? 1 : 0}`;
    return `${k}=${v ?? ''}`;
  });
}

/** The complete environment of a program: nothing of the service's (no keys, no tokens). */
function programEnv(pyBin: string, home: string, tmp: string): Record<string, string> {
  return {
    PATH: `${pyBin}:/usr/bin:/bin`,
    HOME: home,
    TMPDIR: tmp,
    LANG: 'C.UTF-8',
    LC_ALL: 'C.UTF-8',
    OPENBLAS_NUM_THREADS: '1',
    OMP_NUM_THREADS: '1',
    MKL_NUM_THREADS: '1',
    NUMEXPR_NUM_THREADS: '1',
    MALLOC_ARENA_MAX: '2', // each glibc arena reserves 64 MiB of address space, which RLIMIT_AS counts
    MPLCONFIGDIR: tmp,
    MPLBACKEND: 'Agg',
  };
}

const scriptFiles = new Map<string, string>();
/** A Python helper beside this module (src/), or in the source tree when running from dist/. */
function scriptPath(name: 'launcher.py' | 'zygote.py'): string {
  const known = scriptFiles.get(name);
  if (known) return known;
  const candidates = [new URL(`./${name}`, import.meta.url), new URL(`../../../../src/sandbox/local/${name}`, import.meta.url)];
  for (const c of candidates) {
    const p = fileURLToPath(c);
    if (existsSync(p)) {
      scriptFiles.set(name, p);
      return p;
    }
  }
  throw new KernelError('SANDBOX_ERROR', `${name} is missing next to the local executor; reinstall the package`);
}

function launcherPath(): string {
  return scriptPath('launcher.py');
}

function zygotePath(): string {
  return scriptPath('zygote.py');
}

function round(x: number, digits: number): number {
  const f = 10 ** digits;
  return Math.round(x * f) / f;
}
