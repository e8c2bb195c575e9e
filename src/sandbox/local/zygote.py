# Warm "zygote" interpreter for the local executor's pool (reasoning-kernel). It runs inside the
# same sandbox as a cold run (bwrap, or directly with Landlock/rlimits applied per job), imports
# the allowed heavy modules once, and runs each job in a freshly forked child that gets the job's
# own folder, hard rlimits, uid, session and a fresh `__main__`. The zygote itself never runs job
# code and never reads job output: the job's stdout/stderr are the zygote's fd 1/2, pipes read by
# the service directly; the zygote only writes an end marker there once every job process is dead.
#
# Protocol
#   argv[1:] key=value: preimport, jobRoot, wipe (newline lists), pidns (0/1), uid, gid
#            (empty: keep), nprocRelative, landlock, landlockRead, landlockNet, envDirKeys, seccomp (a
#            filter file each job loads; empty with bwrap, which loads it for the whole sandbox).
#   fd 0     control from the service, JSON lines:
#            {"op":"run","id","source","timeoutMs","as","cpu","fsize","nofile","nproc"} (source: the
#            program text, so no file of the service's lies on a disk between the two)
#            {"op":"kill","id"}        EOF: kill the job and exit.
#   fd 1/2   the current job's stdout/stderr. After the job: MARKER_PREFIX + nonce + "\n" on each.
#   fd 3     reports, JSON lines: ready (with the modules it imported), exit (with the nonce),
#            retire (it cannot clean up: it takes no more jobs and exits), fatal.
# Started with `python3 -I -B zygote.py`: isolated sys.path, the same flags a cold program gets.
import atexit
import builtins
import gc
import importlib.machinery
import json
import os
import resource
import select
import shutil
import signal
import stat
import sys
import threading
import time
import types

_here = os.path.dirname(os.path.abspath(__file__))
import importlib.util  # noqa: E402

_spec = importlib.util.spec_from_file_location("rk_launcher", os.path.join(_here, "launcher.py"))
launcher = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(launcher)

REPORT_FD = 3
PR_SET_DUMPABLE = 4
MARKER_PREFIX = b"\x00rk-zygote-end:"
SWEEP_DEADLINE_S = 2.0
MADV_HUGEPAGE = 14
MADV_COLLAPSE = 25
IPC_RMID = 0


def report(obj):
    data = (json.dumps(obj, separators=(",", ":")) + "\n").encode()
    write_all(REPORT_FD, data)


def write_all(fd, data):
    view = memoryview(data)
    while view:
        try:
            n = os.write(fd, view)
        except BlockingIOError:
            select.select([], [fd], [], 1.0)
            continue
        view = view[n:]


def paths(cfg, key):
    return [p for p in cfg.get(key, "").split("\n") if p]


def optional_int(cfg, key):
    value = cfg.get(key, "")
    return int(value) if value not in ("", None) else None


def collapse_heap():
    """Asks the kernel to back the (now read-mostly) heap with huge pages: fork and exit then copy
    and drop page-directory entries instead of tens of thousands of page-table entries. Best effort."""
    import ctypes

    libc = launcher.libc
    libc.madvise.argtypes = [ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
    try:
        libc.malloc_trim(0)
    except AttributeError:
        pass
    huge = 1 << 21
    collapsed = 0
    with open("/proc/self/maps") as f:
        for line in f:
            parts = line.split()
            if "w" not in parts[1] or (len(parts) > 5 and parts[5] != "[heap]"):
                continue
            lo, hi = (int(x, 16) for x in parts[0].split("-"))
            a, b = (lo + huge - 1) & ~(huge - 1), hi & ~(huge - 1)
            if b - a < huge:
                continue
            libc.madvise(a, b - a, MADV_HUGEPAGE)
            if libc.madvise(a, b - a, MADV_COLLAPSE) == 0:
                collapsed += b - a
    return collapsed // 1024


PRE_JOB_CPU_TAG = b"RKPREJOBCPU"


def split_pre_job_cpu(data):
    """(user s, system s, rest) from a status pipe that starts with the child's pre-job CPU line."""
    if not data.startswith(PRE_JOB_CPU_TAG + b" "):
        return 0.0, 0.0, data
    line, _, rest = data.partition(b"\n")
    try:
        _, user, system = line.split()
        return float(user), float(system), rest
    except ValueError:
        return 0.0, 0.0, rest


def rss_kb():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * (os.sysconf("SC_PAGE_SIZE") // 1024)


def set_blocking(fd):
    try:
        os.set_blocking(fd, True)
    except OSError:
        pass


class Zygote:
    def __init__(self, cfg):
        self.cfg = cfg
        self.job_root = cfg["jobRoot"]
        self.wipe_dirs = paths(cfg, "wipe")
        self.pidns = cfg.get("pidns") == "1"
        self.uid = optional_int(cfg, "uid") if os.getuid() == 0 else None
        self.gid = optional_int(cfg, "gid") if os.getuid() == 0 else None
        self.env_dir_keys = paths(cfg, "envDirKeys")
        self.seccomp = launcher.read_seccomp(cfg.get("seccomp"))  # without bwrap: loaded per job
        self.base_env = dict(os.environ)
        self.base_path = list(sys.path)
        self.control = b""
        self.child = None  # pre-forked child: (pid, pidfd, spec write end)
        self.seq = 0
        self.pid = os.getpid()
        self.real_stdout = sys.stdout
        self.real_stderr = sys.stderr

    # --- pre-fork ---------------------------------------------------------------------------

    def prefork(self):
        spec_r, spec_w = os.pipe()
        status_r, status_w = os.pipe()
        workdir = os.path.join(self.job_root, "job-%d" % (self.seq + 1))
        pid = os.fork()
        if pid == 0:
            os.close(spec_w)
            os.close(status_r)
            self.child_main(spec_r, status_w, workdir)  # never returns
        os.close(spec_r)
        os.close(status_w)
        self.child = (pid, os.pidfd_open(pid), spec_w, status_r, workdir)

    def child_main(self, spec_r, status_w, workdir):
        """Pre-forked job process: prepares what does not depend on the job (its folder, environment,
        signal mask, random state) while it waits, then applies the job's limits and runs it."""
        try:
            os.setsid()
            launcher.prctl(launcher.PR_SET_PDEATHSIG, signal.SIGKILL)
            if os.getppid() != self.pid:
                os._exit(127)  # the zygote died between fork and prctl
            devnull = os.open("/dev/null", os.O_RDONLY)
            os.dup2(devnull, 0)
            os.close(devnull)
            os.close(REPORT_FD)
            self.prepare(workdir)
            chunks = []
            while True:
                chunk = os.read(spec_r, 65536)
                if not chunk:
                    break
                chunks.append(chunk)
            os.close(spec_r)
            if not chunks:
                os._exit(0)  # the zygote is going away
            spec = json.loads(b"".join(chunks))
            if spec["workdir"] != workdir:
                raise RuntimeError("job folder mismatch: %s != %s" % (spec["workdir"], workdir))
            self.setup_job(spec)
        except BaseException as e:  # noqa: BLE001 - trusted setup failed: tell the zygote
            try:
                os.write(status_w, ("%s: %s" % (type(e).__name__, e)).encode()[:2000])
            finally:
                os._exit(127)
        # CPU spent before the job (after-fork work, set-up) is not the program's: the zygote subtracts it.
        ru0 = resource.getrusage(resource.RUSAGE_SELF)
        os.write(status_w, b"%s %.6f %.6f\n" % (PRE_JOB_CPU_TAG, ru0.ru_utime, ru0.ru_stime))
        os.closerange(3, 65536)  # the status pipe too: EOF tells the zygote the job started
        run_program(spec["path"])

    def prepare(self, workdir):
        """The job-independent part of a job's set-up, done before the job arrives."""
        os.mkdir(workdir, 0o700)
        if self.uid is not None:
            os.chown(workdir, self.uid, self.gid)
        signal.pthread_sigmask(signal.SIG_SETMASK, [])
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        launcher.prctl(launcher.PR_SET_NO_NEW_PRIVS, 1)
        os.chdir(workdir)
        env = dict(self.base_env)
        for key in self.env_dir_keys:
            env[key] = workdir
        env["PWD"] = workdir
        os.environ.clear()
        os.environ.update(env)
        sys.path[:] = self.base_path
        sys.stdout, sys.stderr = self.real_stdout, self.real_stderr
        if "numpy.random" in sys.modules:
            sys.modules["numpy.random"].seed()  # the legacy global generator was seeded in the zygote

    def setup_job(self, spec):
        """The job's own set-up: its program, its limits, then the drop to the job's uid."""
        cfg = self.cfg
        workdir = spec["workdir"]
        source = spec["source"].encode("utf-8")
        program = os.path.join(workdir, "main.py")
        fd = os.open(program, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o444)
        try:
            write_all(fd, source)
        finally:
            os.close(fd)
        nproc = spec.get("nproc")
        if nproc is not None and cfg.get("nprocRelative") == "1":
            nproc += launcher.count_tasks_of(self.uid if self.uid is not None else os.getuid())
        resource.setrlimit(resource.RLIMIT_AS, (spec["as"], spec["as"]))
        resource.setrlimit(resource.RLIMIT_CPU, (spec["cpu"], spec["cpu"] + 1))
        resource.setrlimit(resource.RLIMIT_FSIZE, (spec["fsize"], spec["fsize"]))
        resource.setrlimit(resource.RLIMIT_NOFILE, (spec["nofile"], spec["nofile"]))
        if nproc is not None:
            resource.setrlimit(resource.RLIMIT_NPROC, (nproc, nproc))
        if cfg.get("landlock") == "1":
            launcher.apply_landlock(paths(cfg, "landlockRead"), [workdir, "/dev/null"], cfg.get("landlockNet") == "1")
        if self.uid is not None:
            os.setgroups([])
            os.setresgid(self.gid, self.gid, self.gid)
            os.setresuid(self.uid, self.uid, self.uid)
        if self.seccomp:
            launcher.apply_seccomp(self.seccomp)  # no_new_privs is set in prepare()
        launcher.prctl(PR_SET_DUMPABLE, 1)  # like a freshly exec'd program: its own /proc is its own
        spec["path"] = program

    # --- one job ----------------------------------------------------------------------------

    def run_job(self, msg):
        job_id = msg["id"]
        if self.child is None:
            self.prefork()
        pid, pidfd, spec_w, status_r, workdir = self.child
        self.child = None
        self.seq += 1
        spec = dict(msg)
        spec["workdir"] = workdir
        t0 = time.monotonic()
        try:
            write_all(spec_w, json.dumps(spec).encode())
        except OSError:
            pass  # the child died: its status says why
        os.close(spec_w)
        deadline = t0 + max(0.001, msg["timeoutMs"] / 1000.0)
        killed_by = None
        child_error = b""
        status_open = True
        status = None
        ru = None
        while True:
            fds = [0, pidfd] + ([status_r] if status_open else [])
            timeout = max(0.0, deadline - time.monotonic()) if killed_by is None else 0.5
            ready, _, _ = select.select(fds, [], [], timeout)
            if not ready and killed_by is None:
                killed_by = "timeout"
                self.kill_group(pid)
                continue
            if status_r in ready:
                data = os.read(status_r, 4096)
                if data:
                    child_error += data
                else:
                    status_open = False
            if 0 in ready:
                for op in self.read_control():
                    if op is None:  # the service is gone
                        self.kill_group(pid)
                        os._exit(0)
                    if op.get("op") == "kill" and op.get("id") == job_id and killed_by is None:
                        killed_by = "control"
                        self.kill_group(pid)
            if pidfd in ready:
                _, status, ru = os.wait4(pid, 0)
                break
        wall = time.monotonic() - t0
        os.close(pidfd)
        if status_open:
            while True:
                data = os.read(status_r, 4096)
                if not data:
                    break
                child_error += data
        os.close(status_r)
        pre_utime, pre_stime, child_error = split_pre_job_cpu(child_error)
        self.kill_group(pid)
        leftovers, clean = self.sweep()
        for fd in (1, 2):
            set_blocking(fd)
        nonce = os.urandom(16).hex()
        marker = MARKER_PREFIX + nonce.encode() + b"\n"
        write_all(1, marker)
        write_all(2, marker)
        report({
            "event": "exit",
            "id": job_id,
            "nonce": nonce,
            "exitCode": os.WEXITSTATUS(status) if os.WIFEXITED(status) else None,
            "signal": os.WTERMSIG(status) if os.WIFSIGNALED(status) else None,
            "utimeS": max(0.0, ru.ru_utime - pre_utime),
            "stimeS": max(0.0, ru.ru_stime - pre_stime),
            "maxRssKb": ru.ru_maxrss,
            "wallS": wall,
            "killedBy": killed_by,
            "leftovers": leftovers,
            "childError": child_error.decode("utf-8", "replace") or None,
            "healthy": clean,
            "rssKb": rss_kb(),
        })
        if not clean:
            return False
        # The files go after the report (off the run's clock) but before the next job is read: a
        # zygote that cannot remove them says so and leaves, refusing any job already sent.
        if not self.wipe(spec["workdir"]):
            report({"event": "retire", "reason": "could not remove the files of a job"})
            return False
        return True

    def read_control(self):
        try:
            data = os.read(0, 1 << 20)
        except OSError:
            data = b""
        if not data:
            return [None]
        self.control += data
        ops = []
        while b"\n" in self.control:
            line, self.control = self.control.split(b"\n", 1)
            if line.strip():
                ops.append(json.loads(line))
        return ops

    @staticmethod
    def kill_group(pid):
        for fn in (os.killpg, os.kill):
            try:
                fn(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass

    def others(self):
        """Live processes that are not the zygote: everything in our PID namespace but its init, or
        our descendants (orphans reparent to us, the subreaper) without a namespace."""
        if not self.pidns:
            return launcher.children_of(os.getpid())
        me = os.getpid()
        found = []
        for name in os.listdir("/proc"):
            if not name.isdigit():
                continue
            pid = int(name)
            if pid in (1, me):
                continue
            try:
                with open("/proc/%d/stat" % pid, "rb") as f:
                    state = f.read().rsplit(b")", 1)[1].split()[0]
            except (OSError, IndexError):
                continue
            if state not in (b"Z", b"X"):
                found.append(pid)
        return found

    def sweep(self):
        """Kills every process the job left; returns (killed, nothing left)."""
        killed = 0
        deadline = time.monotonic() + SWEEP_DEADLINE_S
        while True:
            while True:
                try:
                    pid, _ = os.waitpid(-1, os.WNOHANG)
                except ChildProcessError:
                    break
                if pid == 0:
                    break
            pids = self.others()
            if not pids:
                return killed, True
            if time.monotonic() > deadline:
                return killed, False
            for pid in pids:
                try:
                    os.kill(pid, signal.SIGKILL)
                    killed += 1
                except (ProcessLookupError, PermissionError):
                    pass
            time.sleep(0.001)

    def wipe(self, workdir):
        ok = remove_tree(workdir)
        for d in [self.job_root] + self.wipe_dirs:
            try:
                names = os.listdir(d)
            except OSError:
                continue
            for name in names:
                ok = remove_tree(os.path.join(d, name)) and ok
        if self.pidns:
            ok = wipe_sysv_ipc() and ok
            ok = wipe_posix_mqueues() and ok
        return ok

    def serve(self):
        while True:
            if self.child is None:
                self.prefork()
            ops = self.read_control()
            for op in ops:
                if op is None:
                    self.shutdown()
                if op.get("op") == "run":
                    if not self.run_job(op):
                        self.shutdown()

    def shutdown(self):
        if self.child is not None:
            pid, pidfd, spec_w, status_r, _ = self.child
            os.close(spec_w)
            self.kill_group(pid)
        self.sweep()
        os._exit(0)


def remove_tree(path):
    """Removes a file or folder without following links; makes folders the job locked writable."""
    try:
        names = os.listdir(path)
        if names == ["main.py"] or not names:  # the common case, without rmtree's bookkeeping
            if names:
                os.unlink(os.path.join(path, "main.py"))
            os.rmdir(path)
            return True
    except OSError:
        pass
    try:
        st = os.lstat(path)
    except FileNotFoundError:
        return True
    if not stat.S_ISDIR(st.st_mode):
        try:
            os.unlink(path)
            return True
        except FileNotFoundError:
            return True
        except OSError:
            return False
    def retry(fn, p, _exc):
        try:
            os.chmod(os.path.dirname(p), 0o700)
            fn(p)
        except FileNotFoundError:
            pass

    try:
        os.chmod(path, 0o700)
        shutil.rmtree(path, onerror=retry)
    except FileNotFoundError:
        pass
    except OSError:
        return False
    return not os.path.lexists(path)


def wipe_sysv_ipc():
    """System V shared memory, semaphores and queues outlive processes: remove the job's (the
    sandbox has its own IPC namespace, so everything listed belongs to jobs)."""
    import ctypes

    libc = launcher.libc
    ok = True
    for table, fn in (("shm", "shmctl"), ("sem", "semctl"), ("msg", "msgctl")):
        try:
            with open("/proc/sysvipc/" + table) as f:
                rows = f.read().splitlines()[1:]
        except OSError:
            continue
        for row in rows:
            ident = int(row.split()[1])
            if fn == "semctl":
                rc = libc.semctl(ctypes.c_int(ident), ctypes.c_int(0), ctypes.c_int(IPC_RMID))
            else:
                rc = getattr(libc, fn)(ctypes.c_int(ident), ctypes.c_int(IPC_RMID), None)
            ok = ok and rc == 0
    return ok


def wipe_posix_mqueues():
    """POSIX message queues outlive processes too: remove the job's (bwrap mounts the sandbox's
    own mqueue filesystem, that of its IPC namespace, on /dev/mqueue)."""
    try:
        names = os.listdir("/dev/mqueue")
    except FileNotFoundError:
        return True
    except OSError:
        return False
    ok = True
    for name in names:
        try:
            os.unlink(os.path.join("/dev/mqueue", name))
        except FileNotFoundError:
            pass
        except OSError:
            ok = False
    return ok


def run_program(path):
    """Runs the file as `__main__` the way `python3 -I -B file` does, then exits without the
    interpreter's teardown (the process is thrown away)."""
    main = types.ModuleType("__main__")
    main.__file__ = path
    main.__cached__ = None
    main.__builtins__ = builtins
    main.__loader__ = importlib.machinery.SourceFileLoader("__main__", path)
    sys.modules["__main__"] = main
    sys.argv = [path]
    sys.orig_argv = [sys.executable, "-I", "-B", path]
    code = 0
    try:
        with open(path, "rb") as f:
            source = f.read()
        exec(compile(source, path, "exec", dont_inherit=True), main.__dict__)
    except SystemExit as e:
        code = exit_code(e)
    except BaseException:
        etype, value, tb = sys.exc_info()
        code = 1
        try:
            tb = tb.tb_next if tb is not None else None  # this runner's own frame is not the program's
            value.__traceback__ = tb
            sys.excepthook(etype, value, tb)
        except BaseException:
            pass
    code = finish(code)
    os._exit(code)


def exit_code(e):
    c = e.code
    if c is None:
        return 0
    if isinstance(c, int):
        return c & 0xFF
    try:
        sys.stderr.write(str(c) + "\n")
    except BaseException:
        pass
    return 1


def finish(code):
    """What the interpreter does at exit: join threads, run atexit handlers, flush stdio."""
    try:
        if threading.active_count() > 1:
            threading._shutdown()
    except BaseException:
        pass
    try:
        atexit._run_exitfuncs()
    except BaseException:
        pass
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except BaseException:
            code = code or 120
    return code


def main():
    cfg = dict(arg.split("=", 1) for arg in sys.argv[1:])
    os.set_inheritable(REPORT_FD, False)
    launcher.prctl(PR_SET_DUMPABLE, 0)  # no ptrace, no /proc/<pid>/mem or environ for same-uid jobs
    launcher.prctl(launcher.PR_SET_CHILD_SUBREAPER, 1)
    launcher.prctl(launcher.PR_SET_PDEATHSIG, signal.SIGKILL)
    z = Zygote(cfg)
    # Nothing of the zygote's own may reach the job's streams: stray writes go nowhere.
    sys.stdout = sys.stderr = open(os.devnull, "w")
    t0 = time.monotonic()
    failed = []
    for name in paths(cfg, "preimport"):
        try:
            __import__(name)
        except BaseException as e:  # noqa: BLE001 - a missing optional module only costs speed
            failed.append("%s: %s: %s" % (name, type(e).__name__, e))
    import_s = time.monotonic() - t0
    gc.collect()
    gc.freeze()  # imported objects stay on pages a job's fork never has to copy for the GC
    try:
        huge_kb = collapse_heap()
    except Exception:  # noqa: BLE001 - an optimisation only
        huge_kb = 0
    report({
        "event": "ready", "pid": os.getpid(), "importS": import_s, "failed": failed, "rssKb": rss_kb(), "hugeKb": huge_kb,
        # What a job finds already imported, and what is standard library: the service routes each
        # program to the tier that has its imports.
        "modules": sorted(m for m in sys.modules if not m.startswith("rk_")),
        "stdlib": sorted(sys.stdlib_module_names),
    })
    z.serve()


if __name__ == "__main__":
    try:
        main()
    except BaseException as e:  # noqa: BLE001
        try:
            report({"event": "fatal", "message": "%s: %s" % (type(e).__name__, e)})
        finally:
            os._exit(70)
