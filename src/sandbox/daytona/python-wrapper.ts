import { randomBytes } from 'node:crypto';
import type { RunLimits } from '../../kernel/contracts.js';

/**
 * RLIMIT_AS = memoryLimitMb + this, as in the local executor: numpy + scipy.stats need about
 * 250 MiB of address space before the program allocates anything.
 */
export const WRAPPER_ADDRESS_SPACE_HEADROOM_MB = 384;
const RLIMIT_NOFILE = 256;

/** What the trusted wrapper measured about the user's program inside the sandbox. */
export interface WrapperReport {
  /** Exit status when the program exited normally. */
  exitCode: number | null;
  /** Terminating signal, when it was killed. */
  signal: number | null;
  timedOut: boolean;
  outputExceeded: boolean;
  cpuS: number;
  wallS: number;
  peakRssKb: number;
  python: string;
  /** RLIMIT_CPU soft limit the program ran under, seconds. */
  cpuLimitS: number;
  /** The program's output did not end with a newline, so the wrapper added one before its line. */
  insertedNewline: boolean;
}

export interface WrappedProgram {
  /** The Python source sent to `codeRun`. */
  source: string;
  /** Per-run marker; only the wrapper knows it, so the program cannot forge a report line easily. */
  marker: string;
  cpuLimitS: number;
}

// Runs the program as a child in its own session (so the whole group can be killed), under hard
// rlimits, with a scrubbed environment and a private working folder; copies its merged output up
// to the cap; then prints one report line measured by os.wait4. Written for Python >= 3.8, since
// the sandbox image's interpreter is not ours. OPENBLAS_NUM_THREADS=1: OpenBLAS with several
// threads spins forever under a tight RLIMIT_AS (measured here: 256 MiB, 2 threads).
const WRAPPER_TEMPLATE = String.raw`import base64, json, os, resource, shutil, signal, subprocess, sys, tempfile, threading, time
_CODE = base64.b64decode("__CODE__")
_LIM = json.loads(base64.b64decode("__LIMITS__").decode())
_MARK = b"__MARK__"

def _rk_main():
    work = tempfile.mkdtemp(prefix="rk-run-")
    path = os.path.join(work, "main.py")
    with open(path, "wb") as f:
        f.write(_CODE)

    def _limits():
        for res, soft, hard in ((resource.RLIMIT_CORE, 0, 0), (resource.RLIMIT_AS, _LIM["as"], _LIM["as"]),
                                (resource.RLIMIT_CPU, _LIM["cpu"], _LIM["cpu"] + 1),
                                (resource.RLIMIT_FSIZE, _LIM["fsize"], _LIM["fsize"]),
                                (resource.RLIMIT_NOFILE, _LIM["nofile"], _LIM["nofile"])):
            try:
                cur_hard = resource.getrlimit(res)[1]
                if cur_hard != resource.RLIM_INFINITY:
                    soft, hard = min(soft, cur_hard), min(hard, cur_hard)
                resource.setrlimit(res, (soft, hard))
            except (ValueError, OSError):
                pass

    env = {"PATH": os.environ.get("PATH", "/usr/local/bin:/usr/bin:/bin"), "HOME": work, "TMPDIR": work,
           "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1",
           "MKL_NUM_THREADS": "1", "NUMEXPR_NUM_THREADS": "1", "MALLOC_ARENA_MAX": "2",
           "MPLCONFIGDIR": work, "MPLBACKEND": "Agg"}
    t0 = time.monotonic()
    p = subprocess.Popen([sys.executable, "-I", "-B", "-u", path], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                         stderr=subprocess.STDOUT, cwd=work, env=env, preexec_fn=_limits, start_new_session=True,
                         close_fds=True)
    state = {"n": 0, "exceeded": False, "timedOut": False, "last": b"\n"}
    out = sys.stdout.buffer

    def _kill(reason):
        state[reason] = True
        try:
            os.killpg(p.pid, signal.SIGKILL)
        except OSError:
            pass

    def _pump():
        fd = p.stdout.fileno()
        while True:
            try:
                chunk = os.read(fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            room = _LIM["out"] - state["n"]
            if room > 0:
                piece = chunk[:room]
                out.write(piece)
                state["n"] += len(piece)
                state["last"] = piece[-1:]
            if len(chunk) > max(room, 0):
                _kill("exceeded")
                break

    reader = threading.Thread(target=_pump, daemon=True)
    reader.start()
    timer = threading.Timer(_LIM["timeout"], _kill, args=("timedOut",))
    timer.daemon = True
    timer.start()
    _, status, ru = os.wait4(p.pid, 0)
    wall = time.monotonic() - t0
    timer.cancel()
    p.returncode = 0
    try:
        os.killpg(p.pid, signal.SIGKILL)  # processes that outlived the program
    except OSError:
        pass
    reader.join(2)
    shutil.rmtree(work, ignore_errors=True)
    code = os.WEXITSTATUS(status) if os.WIFEXITED(status) else None
    sig = os.WTERMSIG(status) if os.WIFSIGNALED(status) else None
    report = {"exitCode": code, "signal": sig, "timedOut": state["timedOut"], "outputExceeded": state["exceeded"],
              "cpuS": ru.ru_utime + ru.ru_stime, "wallS": wall, "peakRssKb": ru.ru_maxrss,
              "python": "%d.%d.%d" % sys.version_info[:3], "cpuLimitS": _LIM["cpu"],
              "insertedNewline": state["last"] != b"\n"}
    out.write((b"\n" if report["insertedNewline"] else b"") + _MARK + json.dumps(report).encode() + b"\n")
    out.flush()
    sys.exit(code if code is not None else 128 + (sig or 0))

_rk_main()
`;

/** Wraps already-validated user code in the trusted measuring wrapper. */
export function wrapProgram(code: string, limits: RunLimits): WrappedProgram {
  const marker = `__rk_report_${randomBytes(12).toString('hex')}__:`;
  const cpuLimitS = Math.ceil((limits.timeoutMs / 1000) * Math.max(1, limits.cpuLimit)) + 1;
  const wrapperLimits = {
    timeout: limits.timeoutMs / 1000,
    as: (limits.memoryLimitMb + WRAPPER_ADDRESS_SPACE_HEADROOM_MB) * 1024 * 1024,
    cpu: cpuLimitS,
    fsize: limits.tempStorageMb * 1024 * 1024,
    nofile: RLIMIT_NOFILE,
    out: limits.maxOutputBytes,
  };
  const source = WRAPPER_TEMPLATE.replace('__CODE__', Buffer.from(code, 'utf8').toString('base64'))
    .replace('__LIMITS__', Buffer.from(JSON.stringify(wrapperLimits), 'utf8').toString('base64'))
    .replace('__MARK__', marker);
  return { source, marker, cpuLimitS };
}

/**
 * Splits the sandbox output into the program's own output and the wrapper's report (the last
 * marker line). `report` is null when the wrapper never printed one (it was killed from outside).
 */
export function extractReport(output: string, marker: string): { output: string; report: WrapperReport | null } {
  const at = output.lastIndexOf(marker);
  if (at < 0) return { output, report: null };
  const end = output.indexOf('\n', at);
  const line = output.slice(at + marker.length, end < 0 ? undefined : end);
  let report: WrapperReport | null = null;
  try {
    report = JSON.parse(line) as WrapperReport;
  } catch {
    return { output, report: null };
  }
  // The wrapper puts its line on a line of its own; drop the newline it had to add.
  const before = output.slice(0, at);
  return { output: report.insertedNewline && before.endsWith('\n') ? before.slice(0, -1) : before, report };
}
