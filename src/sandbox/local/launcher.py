# Trusted launcher for the local executor (reasoning-kernel). It runs inside the sandbox (bwrap) or
# directly (landlock / process modes), sets hard limits, forks, execs the untrusted program with
# `python3 -I -B main.py`, waits with wait4 and reports on fd 3, which the program never holds.
#
# Protocol
#   argv[1:] key=value: python, program, cwd, timeoutMs, as, cpu, fsize, nofile, nproc (empty: not
#            set), nprocRelative (0/1), uid, gid (empty: keep), landlock (0/1), landlockRead,
#            landlockWrite (newline-separated paths), landlockNet (0/1). Not JSON: importing json
#            (and re) would add ~15 ms to every run.
#   fd 0     control channel from the service: any byte or EOF = kill the run now (also covers the
#            service dying). The program gets /dev/null as stdin instead.
#   fd 3     report channel, one JSON object per line:
#            {"event":"started","pid":N}
#            {"event":"child_error","message":"..."}   (the sandbox could not start the program)
#            {"event":"exit", exitCode, signal, utimeS, stimeS, maxRssKb, wallS, killedBy, leftovers,
#             uid, nproc, landlockAbi}
#
# Started with `python3 -I -B -S launcher.py`: no site, no user paths, stdlib only.
import ctypes
import os
import resource
import signal
import sys
import threading
import time

REPORT_FD = 3
PR_SET_PDEATHSIG = 1
PR_SET_NO_NEW_PRIVS = 38
PR_SET_CHILD_SUBREAPER = 36
PR_SET_SECCOMP = 22
SECCOMP_MODE_FILTER = 2

# Landlock (include/uapi/linux/landlock.h); the syscall numbers are the same on every architecture.
SYS_LANDLOCK_CREATE_RULESET = 444
SYS_LANDLOCK_ADD_RULE = 445
SYS_LANDLOCK_RESTRICT_SELF = 446
LANDLOCK_CREATE_RULESET_VERSION = 1
LANDLOCK_RULE_PATH_BENEATH = 1
LANDLOCK_RULE_NET_PORT = 2
FS_EXECUTE = 1 << 0
FS_WRITE_FILE = 1 << 1
FS_READ_FILE = 1 << 2
FS_READ_DIR = 1 << 3
FS_TRUNCATE = 1 << 14
FS_IOCTL_DEV = 1 << 15
FILE_ONLY_RIGHTS = FS_EXECUTE | FS_WRITE_FILE | FS_READ_FILE | FS_TRUNCATE | FS_IOCTL_DEV
NET_BIND_TCP = 1 << 0
NET_CONNECT_TCP = 1 << 1
SCOPE_ABSTRACT_UNIX_SOCKET = 1 << 0
SCOPE_SIGNAL = 1 << 1

libc = ctypes.CDLL(None, use_errno=True)
libc.syscall.restype = ctypes.c_long
libc.prctl.restype = ctypes.c_int


def encode(value):
    """Minimal JSON encoder for the report (numbers, None, bools, plain strings)."""
    if value is None:
        return "null"
    if value is True or value is False:
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    out = []
    for ch in str(value):
        code = ord(ch)
        out.append(ch if 32 <= code < 127 and ch not in '"\\' else "\\u%04x" % code if code < 0x10000 else "?")
    return '"' + "".join(out) + '"'


def report(obj):
    data = ("{" + ", ".join('"%s": %s' % (k, encode(v)) for k, v in obj.items()) + "}\n").encode()
    try:
        os.write(REPORT_FD, data)
    except OSError:
        pass


def prctl(option, arg2=0):
    if libc.prctl(option, ctypes.c_ulong(arg2), ctypes.c_ulong(0), ctypes.c_ulong(0), ctypes.c_ulong(0)) != 0:
        raise OSError(ctypes.get_errno(), "prctl(%d) failed" % option)


class SockFprog(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.c_void_p)]


def read_seccomp(path):
    """The filter's bytes (a struct sock_filter array written by the service), read while the file
    is still readable: before the uid drop."""
    if not path:
        return None
    with open(path, "rb") as f:
        data = f.read()
    if not data or len(data) % 8 or len(data) // 8 > 4096:
        raise ValueError("%s is not a seccomp BPF program" % path)
    return data


def apply_seccomp(data):
    """Loads the filter for this process and everything it starts (needs no_new_privs first)."""
    buf = ctypes.create_string_buffer(data, len(data))
    prog = SockFprog(len(data) // 8, ctypes.cast(buf, ctypes.c_void_p))
    if libc.prctl(PR_SET_SECCOMP, ctypes.c_ulong(SECCOMP_MODE_FILTER), ctypes.byref(prog), ctypes.c_ulong(0), ctypes.c_ulong(0)) != 0:
        raise OSError(ctypes.get_errno(), "seccomp filter not loaded")


class RulesetAttr(ctypes.Structure):
    _fields_ = [("handled_access_fs", ctypes.c_uint64), ("handled_access_net", ctypes.c_uint64), ("scoped", ctypes.c_uint64)]


class PathBeneathAttr(ctypes.Structure):
    _pack_ = 1
    _fields_ = [("allowed_access", ctypes.c_uint64), ("parent_fd", ctypes.c_int32)]


def landlock_abi():
    abi = libc.syscall(SYS_LANDLOCK_CREATE_RULESET, None, ctypes.c_size_t(0), ctypes.c_uint32(LANDLOCK_CREATE_RULESET_VERSION))
    return abi if abi > 0 else 0


def apply_landlock(read, write, net):
    """Restricts this process (and what it execs) to read `read`, write `write`; no TCP, no signals
    or abstract sockets outside the domain. Fails closed: any error aborts the run."""
    abi = landlock_abi()
    if abi < 1:
        raise OSError(95, "Landlock is not available (ABI %d)" % abi)
    fs_all = (1 << 13) - 1  # ABI 1: bits 0..12
    if abi >= 2:
        fs_all |= 1 << 13  # REFER
    if abi >= 3:
        fs_all |= FS_TRUNCATE
    if abi >= 5:
        fs_all |= FS_IOCTL_DEV
    attr = RulesetAttr(handled_access_fs=fs_all)
    size = 8
    if abi >= 4 and not net:
        attr.handled_access_net = NET_BIND_TCP | NET_CONNECT_TCP
        size = 16
    if abi >= 6:
        attr.scoped = SCOPE_ABSTRACT_UNIX_SOCKET | SCOPE_SIGNAL
        size = 24
    rfd = libc.syscall(SYS_LANDLOCK_CREATE_RULESET, ctypes.byref(attr), ctypes.c_size_t(size), ctypes.c_uint32(0))
    if rfd < 0:
        raise OSError(ctypes.get_errno(), "landlock_create_ruleset failed")
    read_rights = FS_EXECUTE | FS_READ_FILE | FS_READ_DIR
    try:
        for rights, paths in ((read_rights, read), (fs_all, write)):
            for path in paths:
                try:
                    fd = os.open(path, os.O_PATH | os.O_CLOEXEC)
                except FileNotFoundError:
                    continue
                try:
                    allowed = rights if os.path.isdir(path) else rights & FILE_ONLY_RIGHTS & fs_all
                    rule = PathBeneathAttr(allowed_access=allowed, parent_fd=fd)
                    if libc.syscall(SYS_LANDLOCK_ADD_RULE, ctypes.c_int(rfd), ctypes.c_int(LANDLOCK_RULE_PATH_BENEATH), ctypes.byref(rule), ctypes.c_uint32(0)) != 0:
                        raise OSError(ctypes.get_errno(), "landlock_add_rule failed for %s" % path)
                finally:
                    os.close(fd)
        prctl(PR_SET_NO_NEW_PRIVS, 1)
        if libc.syscall(SYS_LANDLOCK_RESTRICT_SELF, ctypes.c_int(rfd), ctypes.c_uint32(0)) != 0:
            raise OSError(ctypes.get_errno(), "landlock_restrict_self failed")
    finally:
        os.close(rfd)
    return abi


def count_tasks_of(uid):
    """Tasks (threads) the uid already owns on this host: RLIMIT_NPROC counts them all."""
    total = 0
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open("/proc/%s/status" % name) as f:
                uid_ok = threads = None
                for line in f:
                    if line.startswith("Uid:"):
                        uid_ok = int(line.split()[1]) == uid
                    elif line.startswith("Threads:"):
                        threads = int(line.split()[1])
                if uid_ok and threads:
                    total += threads
        except (OSError, ValueError):
            pass
    return total


def run_child(cfg, nproc):
    """In the forked child: limits, isolation, uid drop, exec. Never returns."""
    try:
        os.setsid()  # own process group, so the launcher can kill the whole group at once
        prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        devnull = os.open("/dev/null", os.O_RDONLY)
        os.dup2(devnull, 0)
        os.close(devnull)
        os.set_inheritable(REPORT_FD, False)  # closed by exec; kept until then to report errors
        os.closerange(REPORT_FD + 1, 65536)
        for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGPIPE, signal.SIGALRM, signal.SIGXFSZ):
            signal.signal(sig, signal.SIG_DFL)
        signal.pthread_sigmask(signal.SIG_SETMASK, [])
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        address_space = int(cfg["as"])
        resource.setrlimit(resource.RLIMIT_AS, (address_space, address_space))
        # soft < hard: SIGXCPU at the limit, SIGKILL one second later if the program ignores it
        cpu = int(cfg["cpu"])
        resource.setrlimit(resource.RLIMIT_CPU, (cpu, cpu + 1))
        fsize = int(cfg["fsize"])
        resource.setrlimit(resource.RLIMIT_FSIZE, (fsize, fsize))
        nofile = int(cfg["nofile"])
        resource.setrlimit(resource.RLIMIT_NOFILE, (nofile, nofile))
        if nproc is not None:
            resource.setrlimit(resource.RLIMIT_NPROC, (nproc, nproc))
        seccomp = read_seccomp(cfg.get("seccomp"))
        if cfg.get("landlock") == "1":
            apply_landlock(paths(cfg, "landlockRead"), paths(cfg, "landlockWrite"), cfg.get("landlockNet") == "1")
        uid, gid = optional_int(cfg, "uid"), optional_int(cfg, "gid")
        if uid is not None and os.getuid() == 0:
            os.setgroups([])
            os.setresgid(gid, gid, gid)
            os.setresuid(uid, uid, uid)
        prctl(PR_SET_NO_NEW_PRIVS, 1)
        if seccomp:
            apply_seccomp(seccomp)
        os.chdir(cfg["cwd"])
        py = cfg["python"]
        os.execve(py, [py, "-I", "-B", cfg["program"]], dict(os.environ))
    except BaseException as e:  # noqa: BLE001 - anything here means the sandbox could not start
        report({"event": "child_error", "message": "%s: %s" % (type(e).__name__, e)})
    os._exit(127)


def optional_int(cfg, key):
    value = cfg.get(key, "")
    return int(value) if value else None


def paths(cfg, key):
    return [p for p in cfg.get(key, "").split("\n") if p]


def children_of(pid):
    found = []
    try:
        with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
            found = [int(x) for x in f.read().split()]
    except OSError:
        for name in os.listdir("/proc"):
            if not name.isdigit():
                continue
            try:
                with open("/proc/%s/stat" % name) as f:
                    if int(f.read().rsplit(")", 1)[1].split()[1]) == pid:
                        found.append(int(name))
            except (OSError, ValueError, IndexError):
                pass
    return found


def sweep():
    """Kills every process left behind (orphans reparent to us, the subreaper); returns how many."""
    me = os.getpid()
    killed = 0
    deadline = time.monotonic() + 2.0
    while time.monotonic() < deadline:
        while True:  # reap what is already dead
            try:
                pid, _ = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return killed
            if pid == 0:
                break
        pids = children_of(me)
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
                killed += 1
            except ProcessLookupError:
                pass
        time.sleep(0.002 if pids else 0.01)
    return killed


def main():
    cfg = dict(arg.split("=", 1) for arg in sys.argv[1:])
    os.set_inheritable(REPORT_FD, False)
    prctl(PR_SET_CHILD_SUBREAPER, 1)
    nproc = optional_int(cfg, "nproc")
    target_uid = optional_int(cfg, "uid") if os.getuid() == 0 else os.getuid()
    if nproc is not None and cfg.get("nprocRelative") == "1" and target_uid is not None:
        nproc += count_tasks_of(target_uid)
    landlock = landlock_abi() if cfg.get("landlock") == "1" else None

    # No lock: kill() also runs as a signal handler on the main thread, which may hold it.
    state = {"killedBy": None, "pid": None}

    def kill(reason):
        if state["killedBy"] is None:
            state["killedBy"] = reason
        pid = state["pid"]
        if pid is not None:
            for fn in (os.killpg, os.kill):  # kill() covers the instant before the child's setsid()
                try:
                    fn(pid, signal.SIGKILL)
                except (ProcessLookupError, PermissionError):
                    pass

    signal.signal(signal.SIGALRM, lambda *_: kill("timeout"))
    signal.signal(signal.SIGTERM, lambda *_: kill("control"))
    signal.signal(signal.SIGINT, lambda *_: kill("control"))
    t0 = time.monotonic()
    pid = os.fork()
    if pid == 0:
        run_child(cfg, nproc)
    state["pid"] = pid
    if state["killedBy"] is not None:
        kill(state["killedBy"])
    report({"event": "started", "pid": pid})
    signal.setitimer(signal.ITIMER_REAL, max(0.001, int(cfg["timeoutMs"]) / 1000.0))

    def watch_control():
        try:
            os.read(0, 1)  # any byte, or EOF when the service goes away
        except OSError:
            pass
        kill("control")

    threading.Thread(target=watch_control, daemon=True).start()

    while True:
        try:
            _, status, ru = os.wait4(pid, 0)
            break
        except ChildProcessError:
            status, ru = 0, None
            break
    wall = time.monotonic() - t0
    signal.setitimer(signal.ITIMER_REAL, 0)
    state["pid"] = None
    try:
        os.killpg(pid, signal.SIGKILL)  # same-group stragglers of the program
    except (ProcessLookupError, PermissionError):
        pass
    leftovers = sweep()
    report({
        "event": "exit",
        "exitCode": os.WEXITSTATUS(status) if os.WIFEXITED(status) else None,
        "signal": os.WTERMSIG(status) if os.WIFSIGNALED(status) else None,
        "utimeS": ru.ru_utime if ru else 0.0,
        "stimeS": ru.ru_stime if ru else 0.0,
        "maxRssKb": ru.ru_maxrss if ru else 0,
        "wallS": wall,
        "killedBy": state["killedBy"],
        "leftovers": leftovers,
        "uid": target_uid,
        "nproc": nproc,
        "landlockAbi": landlock,
    })
    os._exit(0)


if __name__ == "__main__":
    main()
