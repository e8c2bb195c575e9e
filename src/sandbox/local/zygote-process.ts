import { type ChildProcess, spawn } from 'node:child_process';
import type { Readable } from 'node:stream';
import type { KillReason, LauncherExit, LauncherRun } from './launcher-process.js';

/** First bytes of the end-of-job marker the zygote writes on stdout and stderr (see zygote.py). */
const MARKER_PREFIX = Buffer.from('\u0000rk-zygote-end:', 'latin1');
/** Prefix + 32 hex digits + newline. */
const MARKER_LENGTH = MARKER_PREFIX.length + 33;
const REPORT_CAP_BYTES = 256 * 1024;
const STRAY_CAP_BYTES = 16 * 1024;

export interface ZygoteSpawnSpec {
  command: string;
  args: string[];
  env: Record<string, string>;
  /** True when `command` is bwrap: killing it kills the PID namespace. Else kill the process group. */
  pidNamespace: boolean;
  /** Open fds of the service handed to the process as its fds 4, 5, ... (e.g. the seccomp filter). */
  extraFds?: number[];
}

/** One job for a zygote: limits as the launcher takes them, and the program itself. */
export interface ZygoteJob {
  id: string;
  /** The program text (well-formed UTF-16: lone surrogates replaced, as writing it to a file would). */
  source: string;
  timeoutMs: number;
  as: number;
  cpu: number;
  fsize: number;
  nofile: number;
  nproc: number | null;
}

export interface ZygoteJobOptions {
  timeoutMs: number;
  maxOutputBytes: number;
  signal?: AbortSignal;
  /** Delay between the kill request and killing the whole sandbox. */
  killGraceMs?: number;
  /** After the exit report, how long to wait for the end markers on stdout/stderr. */
  drainMs?: number;
}

/** What the zygote says when it has imported everything. */
export interface ZygoteReady {
  pid: number;
  importS: number;
  failed: string[];
  rssKb: number;
  hugeKb: number;
  /** Every module the zygote has imported (what a job finds in `sys.modules`). */
  modules?: string[];
  /** `sys.stdlib_module_names`. */
  stdlib?: string[];
}

export type ZygoteState = 'starting' | 'idle' | 'busy' | 'dead';

interface ExitReport extends LauncherExit {
  id: string;
  nonce: string;
  childError: string | null;
  healthy: boolean;
  rssKb: number;
}

interface StreamCapture {
  chunks: Buffer[];
  /** Bytes kept in `chunks` (at most the cap plus one marker). */
  size: number;
  /** Bytes received in all. */
  received: number;
  /** Last bytes seen, to find the marker across chunk boundaries and beyond the cap. */
  tail: Buffer;
}

interface PendingJob {
  id: string;
  /** The zygote left before starting this job (it could not clean up after the previous one). */
  refused: boolean;
  out: StreamCapture;
  err: StreamCapture;
  truncated: boolean;
  killReason?: KillReason;
  hardKilled: boolean;
  report?: ExitReport;
  t0: number;
  maxOutputBytes: number;
  stop: (reason: KillReason) => void;
  onReport: () => void;
  finish: () => void;
}

/**
 * One warm interpreter (zygote.py) in its sandbox: spawns it, sends jobs on stdin, reads the
 * reports on fd 3 and the jobs' output on stdout/stderr, cut at the end marker. One job at a time.
 * The job's result has the shape of a cold launcher run so the executor classifies both alike.
 */
export class ZygoteProcess {
  state: ZygoteState = 'starting';
  jobsRun = 0;
  readyInfo?: ZygoteReady;
  lastRssKb = 0;
  /** Why the zygote must not take more jobs (set once it misbehaved or died). */
  retiredBecause?: string;
  /** Resolves with the ready report; rejects when the zygote dies first. */
  readonly ready: Promise<ZygoteReady>;
  /** Resolves when the sandbox process has exited. */
  readonly exited: Promise<void>;
  /** When the zygote last became idle (performance.now()), to hand out the longest-idle one. */
  idleSince = 0;
  private readonly child: ChildProcess;
  private pending?: PendingJob;
  private reportText = '';
  private readonly stray: Buffer[] = [];
  private straySize = 0;
  private resolveReady!: (r: ZygoteReady) => void;
  private rejectReady!: (e: Error) => void;

  constructor(private readonly spec: ZygoteSpawnSpec, private readonly onChange: (z: ZygoteProcess) => void = () => undefined) {
    this.ready = new Promise((resolve, reject) => {
      this.resolveReady = resolve;
      this.rejectReady = reject;
    });
    this.ready.catch(() => undefined);
    this.child = spawn(spec.command, spec.args, {
      stdio: ['pipe', 'pipe', 'pipe', 'pipe', ...(spec.extraFds ?? [])],
      env: spec.env,
      cwd: '/',
      detached: true,
    });
    this.child.stdin?.on('error', () => undefined);
    this.child.stdout?.on('data', (c: Buffer) => this.onOutput(c, 'out'));
    this.child.stderr?.on('data', (c: Buffer) => this.onOutput(c, 'err'));
    const report = this.child.stdio[3] as Readable | null;
    report?.on('data', (c: Buffer) => this.onReport(c));
    for (const s of [this.child.stdout, this.child.stderr, report]) s?.on('error', () => undefined);
    this.exited = new Promise((resolve) => {
      this.child.on('error', (e) => {
        this.onDeath(`spawn failed: ${e.message}`);
        resolve();
      });
      this.child.on('exit', (code, sig) => {
        this.onDeath(`exited (${sig ?? code})`);
        resolve();
      });
    });
  }

  /** Host pid of the sandbox process (bwrap, or the zygote itself without bwrap). */
  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Output the zygote produced outside any job (diagnostics; should be empty). */
  get strayOutput(): string {
    return Buffer.concat(this.stray).toString('utf8');
  }

  /**
   * Runs one job; the promise never rejects (a lost zygote gives a run without an exit report).
   * `refused: true` means the job never started (the zygote retired first): run it elsewhere.
   */
  run(job: ZygoteJob, o: ZygoteJobOptions): Promise<LauncherRun & { refused?: boolean }> {
    if (this.state !== 'idle' || this.pending) throw new Error(`zygote is ${this.state}`);
    this.state = 'busy';
    const killGraceMs = o.killGraceMs ?? 1000;
    const drainMs = o.drainMs ?? 500;
    return new Promise<LauncherRun & { refused?: boolean }>((resolve) => {
      let deadline: NodeJS.Timeout | undefined;
      let hardTimer: NodeJS.Timeout | undefined;
      let drainTimer: NodeJS.Timeout | undefined;
      const stop = (reason: KillReason): void => {
        if (!this.pending || this.pending.killReason || this.pending.report) return;
        this.pending.killReason = reason;
        this.send({ op: 'kill', id: job.id });
        hardTimer = setTimeout(() => {
          // The zygote did not answer in time: the whole sandbox goes, the job with it.
          if (this.pending) this.pending.hardKilled = true;
          this.retire('did not stop a job in time');
        }, killGraceMs);
      };
      const onAbort = (): void => stop('aborted');
      const pending: PendingJob = {
        id: job.id,
        out: { chunks: [], size: 0, received: 0, tail: Buffer.alloc(0) },
        err: { chunks: [], size: 0, received: 0, tail: Buffer.alloc(0) },
        truncated: false,
        refused: false,
        hardKilled: false,
        t0: performance.now(),
        maxOutputBytes: o.maxOutputBytes,
        stop,
        onReport: () => {
          clearTimeout(hardTimer);
          const nonce = pending.report!.nonce;
          if (this.hasMarker(pending.out, nonce) && this.hasMarker(pending.err, nonce)) pending.finish();
          else drainTimer = setTimeout(pending.finish, drainMs);
        },
        finish: () => {
          clearTimeout(deadline);
          clearTimeout(hardTimer);
          clearTimeout(drainTimer);
          o.signal?.removeEventListener('abort', onAbort);
          this.pending = undefined;
          const r = pending.report;
          const complete = r !== undefined && this.hasMarker(pending.out, r.nonce) && this.hasMarker(pending.err, r.nonce);
          if (r && !complete) this.retire('job output did not end with its marker');
          if (r && !r.healthy) this.retire('could not clean up after a job');
          if (r) this.lastRssKb = r.rssKb;
          this.jobsRun++;
          if (this.state === 'busy') {
            this.state = 'idle';
            this.idleSince = performance.now();
          }
          if (pending.refused) {
            resolve({ refused: true, stdout: Buffer.alloc(0), stderr: Buffer.alloc(0), truncated: false, started: false, hardKilled: false, processExitCode: null, processSignal: null, wallMs: performance.now() - pending.t0 });
            this.onChange(this);
            return;
          }
          resolve({
            stdout: this.jobOutput(pending.out, r?.nonce, pending.maxOutputBytes),
            stderr: this.jobOutput(pending.err, r?.nonce, pending.maxOutputBytes),
            truncated: pending.truncated,
            started: r !== undefined && !r.childError,
            exit: r && !r.childError ? r : undefined,
            childError: r?.childError ?? undefined,
            killReason: pending.killReason,
            hardKilled: pending.hardKilled,
            processExitCode: null,
            processSignal: null,
            wallMs: performance.now() - pending.t0,
          });
          this.onChange(this);
        },
      };
      this.pending = pending;
      deadline = setTimeout(() => stop('timeout'), o.timeoutMs);
      if (o.signal) {
        if (o.signal.aborted) onAbort();
        else o.signal.addEventListener('abort', onAbort, { once: true });
      }
      this.send({ op: 'run', ...job });
      this.onChange(this);
    });
  }

  /** Takes the zygote out of service and kills its sandbox (and any job in it). */
  retire(reason: string): void {
    this.retiredBecause ??= reason;
    if (this.state !== 'dead') this.state = 'dead';
    this.kill();
  }

  private kill(): void {
    this.child.stdin?.destroy();
    const pid = this.child.pid;
    if (!pid || this.child.exitCode !== null || this.child.signalCode !== null) return;
    for (const target of this.spec.pidNamespace ? [pid] : [-pid, pid]) {
      try {
        process.kill(target, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  }

  private send(msg: Record<string, unknown>): void {
    this.child.stdin?.write(`${JSON.stringify(msg)}\n`);
  }

  private onOutput(chunk: Buffer, key: 'out' | 'err'): void {
    const p = this.pending;
    if (!p) {
      if (this.straySize < STRAY_CAP_BYTES) {
        this.stray.push(chunk.subarray(0, STRAY_CAP_BYTES - this.straySize));
        this.straySize += chunk.length;
      }
      // Bytes between jobs: something of a job survived, or the zygote misbehaves.
      if (this.jobsRun > 0) this.retire('wrote output between jobs');
      return;
    }
    const cap = p[key];
    cap.received += chunk.length;
    cap.tail = Buffer.concat([cap.tail, chunk]).subarray(-MARKER_LENGTH);
    const room = p.maxOutputBytes + MARKER_LENGTH - cap.size;
    if (room > 0) {
      cap.chunks.push(chunk.length > room ? chunk.subarray(0, room) : chunk);
      cap.size += Math.min(room, chunk.length);
    }
    // As a cold run: reaching the cap means more output would be lost, so the job stops here.
    if (!p.truncated && cap.received - (this.endsWithMarkerPrefix(cap) ? MARKER_LENGTH : 0) >= p.maxOutputBytes) {
      p.truncated = true;
      p.stop('output');
    }
    if (p.report && this.hasMarker(p.out, p.report.nonce) && this.hasMarker(p.err, p.report.nonce)) p.finish();
  }

  private endsWithMarkerPrefix(cap: StreamCapture): boolean {
    return cap.tail.length === MARKER_LENGTH && cap.tail.subarray(0, MARKER_PREFIX.length).equals(MARKER_PREFIX);
  }

  private hasMarker(cap: StreamCapture, nonce: string): boolean {
    return cap.tail.equals(Buffer.concat([MARKER_PREFIX, Buffer.from(`${nonce}\n`, 'latin1')]));
  }

  /** The job's bytes: everything before the marker, at most the cap. */
  private jobOutput(cap: StreamCapture, nonce: string | undefined, maxOutputBytes: number): Buffer {
    const all = Buffer.concat(cap.chunks);
    const end = nonce !== undefined && this.hasMarker(cap, nonce) ? cap.received - MARKER_LENGTH : cap.received;
    return all.subarray(0, Math.min(end, maxOutputBytes));
  }

  private onReport(chunk: Buffer): void {
    if (this.reportText.length > REPORT_CAP_BYTES) return;
    this.reportText += chunk.toString('utf8');
    let nl: number;
    while ((nl = this.reportText.indexOf('\n')) >= 0) {
      const line = this.reportText.slice(0, nl);
      this.reportText = this.reportText.slice(nl + 1);
      let ev: { event?: string } & Record<string, unknown>;
      try {
        ev = JSON.parse(line) as typeof ev;
      } catch {
        this.retire('protocol error on the report channel');
        return;
      }
      if (ev.event === 'ready' && this.state === 'starting') {
        this.readyInfo = ev as unknown as ZygoteReady;
        this.lastRssKb = this.readyInfo.rssKb;
        this.state = 'idle';
        this.idleSince = performance.now();
        this.resolveReady(this.readyInfo);
        this.onChange(this);
      } else if (ev.event === 'exit' && this.pending && ev.id === this.pending.id && !this.pending.report) {
        this.pending.report = ev as unknown as ExitReport;
        this.pending.onReport();
      } else if (ev.event === 'retire') {
        // Sent after a job's exit report: the zygote takes no more jobs and exits. A job already
        // sent to it was never started.
        const reason = `retired itself: ${String(ev.reason)}`;
        const p = this.pending;
        this.retire(reason);
        if (p && !p.report) {
          p.refused = true;
          p.finish();
        }
      } else if (ev.event === 'fatal') {
        this.retire(`failed: ${String(ev.message)}`);
      } else {
        this.retire(`unexpected report ${String(ev.event)}`);
      }
    }
  }

  private onDeath(why: string): void {
    this.retiredBecause ??= why;
    this.state = 'dead';
    this.rejectReady(new Error(`warm interpreter ${why}: ${this.strayOutput.slice(0, 500)}`));
    // A job in flight ends without an exit report (classified as a lost sandbox).
    if (this.pending) setTimeout(() => this.pending?.finish(), 20);
    this.onChange(this);
  }
}
