import { spawn } from 'node:child_process';
import type { Readable } from 'node:stream';

/** What the trusted launcher reports on fd 3 when the program ends (see launcher.py). */
export interface LauncherExit {
  event: 'exit';
  exitCode: number | null;
  signal: number | null;
  utimeS: number;
  stimeS: number;
  maxRssKb: number;
  wallS: number;
  /** The launcher killed the program: its own timer (`timeout`) or the service's request (`control`). */
  killedBy: 'timeout' | 'control' | null;
  /** Processes that outlived the program and were killed by the launcher's sweep. */
  leftovers: number;
  uid: number | null;
  nproc: number | null;
  landlockAbi: number | null;
}

export type KillReason = 'timeout' | 'output' | 'aborted' | 'closed';

export interface LauncherRun {
  stdout: Buffer;
  stderr: Buffer;
  truncated: boolean;
  started: boolean;
  exit?: LauncherExit;
  childError?: string;
  /** Why the service asked the run to stop, if it did. */
  killReason?: KillReason;
  /** The hard SIGKILL backstop had to be used (the launcher did not stop in time). */
  hardKilled: boolean;
  processExitCode: number | null;
  processSignal: NodeJS.Signals | null;
  wallMs: number;
}

export interface LauncherProcessOptions {
  command: string;
  args: string[];
  env: Record<string, string>;
  /** True when `command` is bwrap: killing it kills the PID namespace. Else kill the process groups. */
  pidNamespace: boolean;
  timeoutMs: number;
  maxOutputBytes: number;
  signal?: AbortSignal;
  /** Delay between the polite stop (control channel) and SIGKILL. */
  killGraceMs?: number;
  /** After exit, how long to wait for the pipes to drain; an orphan may hold them open forever. */
  drainMs?: number;
  /** Open fds of the service handed to the process as its fds 4, 5, ... (e.g. the seccomp filter). */
  extraFds?: number[];
}

/** Handle for a run in flight, so `close()` can stop it. */
export interface LauncherHandle {
  readonly done: Promise<LauncherRun>;
  stop(reason: KillReason): void;
}

const REPORT_CAP_BYTES = 64 * 1024;

/**
 * Spawns the launcher (directly or through bwrap) with stdin as the control channel, stdout and
 * stderr read concurrently with a cap each, fd 3 as the report channel. Resolves on process exit
 * plus a short drain window, never on EOF.
 */
export function startLauncher(o: LauncherProcessOptions): LauncherHandle {
  const killGraceMs = o.killGraceMs ?? 1000;
  const drainMs = o.drainMs ?? 100;
  const t0 = performance.now();
  const child = spawn(o.command, o.args, {
    stdio: ['pipe', 'pipe', 'pipe', 'pipe', ...(o.extraFds ?? [])],
    env: o.env,
    cwd: '/',
    detached: true, // own process group: the fallback modes kill it with kill(-pid)
  });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const sizes = { out: 0, err: 0 };
  let truncated = false;
  let reportText = '';
  let started = false;
  let exitReport: LauncherExit | undefined;
  let childError: string | undefined;
  let killReason: KillReason | undefined;
  let hardKilled = false;
  let programPid: number | undefined;
  let exited = false;
  let hardTimer: NodeJS.Timeout | undefined;

  const hardKill = (): void => {
    if (exited) return;
    hardKilled = true;
    const targets = o.pidNamespace ? [child.pid] : [-(child.pid ?? 0), programPid === undefined ? undefined : -programPid];
    for (const t of targets) {
      if (!t) continue;
      try {
        process.kill(t, 'SIGKILL');
      } catch {
        // already gone
      }
    }
  };
  const stop = (reason: KillReason): void => {
    if (exited || killReason) return;
    killReason = reason;
    child.stdin?.end('k'); // the launcher kills the program, sweeps orphans and still reports usage
    hardTimer = setTimeout(hardKill, killGraceMs);
  };
  child.stdin?.on('error', () => undefined);

  const capture = (stream: Readable | null, chunks: Buffer[], key: 'out' | 'err'): void => {
    stream?.on('data', (chunk: Buffer) => {
      const room = o.maxOutputBytes - sizes[key];
      if (room <= 0) return;
      if (chunk.length > room) {
        chunks.push(chunk.subarray(0, room));
        sizes[key] += room;
        truncated = true;
        stop('output');
        return;
      }
      chunks.push(chunk);
      sizes[key] += chunk.length;
      if (sizes[key] >= o.maxOutputBytes) {
        // at the cap exactly: more output would be lost, so the run stops here
        truncated = true;
        stop('output');
      }
    });
    stream?.on('error', () => undefined);
  };
  capture(child.stdout, out, 'out');
  capture(child.stderr, err, 'err');
  const reportStream = child.stdio[3] as Readable | null;
  reportStream?.on('data', (chunk: Buffer) => {
    if (reportText.length > REPORT_CAP_BYTES) return;
    reportText += chunk.toString('utf8');
    let nl: number;
    while ((nl = reportText.indexOf('\n')) >= 0) {
      const line = reportText.slice(0, nl);
      reportText = reportText.slice(nl + 1);
      try {
        const ev = JSON.parse(line) as { event?: string; pid?: number; message?: string };
        if (ev.event === 'started') {
          started = true;
          programPid = ev.pid;
        } else if (ev.event === 'exit') exitReport = ev as LauncherExit;
        else if (ev.event === 'child_error') childError = ev.message;
      } catch {
        // not ours: ignore
      }
    }
  });
  reportStream?.on('error', () => undefined);

  const deadline = setTimeout(() => stop('timeout'), o.timeoutMs);
  const onAbort = (): void => stop('aborted');
  if (o.signal) {
    if (o.signal.aborted) onAbort();
    else o.signal.addEventListener('abort', onAbort, { once: true });
  }

  const done = new Promise<LauncherRun>((resolve, reject) => {
    child.on('error', (e) => {
      cleanup();
      reject(e);
    });
    child.on('exit', (code, sig) => {
      exited = true;
      const wallMs = performance.now() - t0;
      const streams = [child.stdout, child.stderr, reportStream].filter((s): s is Readable => s !== null);
      let pending = streams.filter((s) => !s.readableEnded).length;
      let finished = false;
      const finish = (): void => {
        if (finished) return;
        finished = true;
        clearTimeout(drain);
        for (const s of streams) s.destroy();
        child.stdin?.destroy();
        cleanup();
        resolve({
          stdout: Buffer.concat(out),
          stderr: Buffer.concat(err),
          truncated,
          started,
          exit: exitReport,
          childError,
          killReason,
          hardKilled,
          processExitCode: code,
          processSignal: sig,
          wallMs,
        });
      };
      const drain = setTimeout(finish, drainMs);
      if (pending === 0) finish();
      for (const s of streams) {
        s.once('end', () => {
          if (--pending === 0) finish();
        });
      }
    });
  });

  function cleanup(): void {
    clearTimeout(deadline);
    if (hardTimer) clearTimeout(hardTimer);
    o.signal?.removeEventListener('abort', onAbort);
  }

  return { done, stop };
}
