import { existsSync, lstatSync, readlinkSync } from 'node:fs';
import { dirname } from 'node:path';

/** Where things live inside the bubblewrap sandbox. */
export const SANDBOX_PATHS = {
  workdir: '/sandbox',
  program: '/sandbox/main.py',
  launcher: '/run/rk/launcher.py',
  zygote: '/run/rk/zygote.py',
} as const;

export interface BwrapCommandOptions {
  /** Real folders of the Python installation (bound read-only at the same path). */
  pythonRoots: readonly string[];
  /** Interpreter path, valid inside the sandbox (same path as outside). */
  pythonExecutable: string;
  /** Host path of the trusted launcher, bound read-only. */
  launcherPath: string;
  /** Host path of the program file, bound read-only as `/sandbox/main.py` (cold runs). */
  programPath?: string;
  /**
   * A warm pool's zygote instead of a single program: its script is bound read-only and the zygote runs instead of the launcher; everything else is the same sandbox.
   */
  zygote?: { scriptPath: string };
  /** Size of each private tmpfs (`/sandbox`, `/tmp`, `/dev/shm`), MiB. */
  tempStorageMb: number;
  enableNetworking: boolean;
  /** Service is not root: bubblewrap runs through an unprivileged user namespace. */
  unprivileged: boolean;
  /** The complete environment of the program (the sandbox starts from `--clearenv`). */
  env: Readonly<Record<string, string>>;
  /** `key=value` arguments for the launcher (or the zygote). */
  launcherArgs: readonly string[];
  /** An fd of bwrap's from which it reads the seccomp filter (see seccomp-filter.ts). */
  seccompFd?: number;
}

const SYSTEM_TOP_LEVEL = ['/bin', '/sbin', '/lib', '/lib64', '/lib32', '/libx32'];
/** Files of /etc that the interpreter and numpy/matplotlib need; nothing else of /etc is visible. */
const ETC_FILES = ['/etc/ld.so.cache', '/etc/alternatives', '/etc/localtime', '/etc/matplotlibrc'];
const ETC_NETWORK_FILES = ['/etc/resolv.conf', '/etc/hosts', '/etc/nsswitch.conf', '/etc/ssl', '/etc/ca-certificates'];

/**
 * Arguments for `bwrap` (without the binary itself): new net/pid/ipc/uts/cgroup namespaces, a root
 * built from an empty tmpfs holding only /usr, the Python installation and a few /etc files, all
 * read-only; private size-limited tmpfs for `/sandbox` (the only writable folder besides /tmp and
 * /dev/shm); an environment built from scratch; the launcher as the command.
 * Verified against attacks in `shared/reference/local-isolation.md` §2.
 */
export function buildBwrapArgs(o: BwrapCommandOptions): string[] {
  const a: string[] = [];
  if (!o.enableNetworking) a.push('--unshare-net');
  a.push('--unshare-pid', '--unshare-ipc', '--unshare-uts', '--unshare-cgroup-try');
  // Non-root: the user namespace is what makes bwrap work at all; forbid nesting further ones.
  if (o.unprivileged) a.push('--unshare-user', '--disable-userns');
  a.push('--die-with-parent', '--new-session', '--hostname', 'sandbox');

  a.push('--ro-bind', '/usr', '/usr');
  for (const top of SYSTEM_TOP_LEVEL) {
    const st = lstatOrNull(top);
    if (!st) continue;
    if (st.isSymbolicLink()) a.push('--symlink', readlinkSync(top), top);
    else if (st.isDirectory()) a.push('--ro-bind', top, top);
  }
  // bwrap creates missing parents with mode 0700, which the dropped uid could not traverse.
  const made = new Set<string>(['/', '/usr']);
  const mkdirs = (path: string): void => {
    const parents: string[] = [];
    for (let p = dirname(path); !made.has(p); p = dirname(p)) parents.unshift(p);
    for (const p of parents) {
      a.push('--perms', '0755', '--dir', p);
      made.add(p);
    }
  };
  const etc = o.enableNetworking ? [...ETC_FILES, ...ETC_NETWORK_FILES] : ETC_FILES;
  for (const f of etc) {
    if (!existsSync(f)) continue;
    mkdirs(f);
    a.push('--ro-bind', f, f);
  }
  for (const root of o.pythonRoots) {
    mkdirs(root);
    a.push('--ro-bind', root, root);
    made.add(root);
  }
  mkdirs(SANDBOX_PATHS.launcher);
  a.push('--ro-bind', o.launcherPath, SANDBOX_PATHS.launcher);
  if (o.zygote) {
    a.push('--ro-bind', o.zygote.scriptPath, SANDBOX_PATHS.zygote);
  }
  a.push('--proc', '/proc', '--dev', '/dev');
  // POSIX message queues outlive the processes that made them; a warm pool's zygote lists them here
  // (its own IPC namespace's queues) to remove a job's before the next job runs.
  if (o.zygote) a.push('--mqueue', '/dev/mqueue');
  const size = String(o.tempStorageMb * 1024 * 1024);
  a.push('--perms', '1777', '--size', size, '--tmpfs', '/tmp');
  a.push('--perms', '1777', '--size', size, '--tmpfs', '/dev/shm');
  a.push('--perms', '1777', '--size', size, '--tmpfs', SANDBOX_PATHS.workdir);
  if (o.programPath) a.push('--ro-bind', o.programPath, SANDBOX_PATHS.program);
  a.push('--chdir', SANDBOX_PATHS.workdir);
  if (o.seccompFd !== undefined) a.push('--seccomp', String(o.seccompFd));
  a.push('--clearenv');
  for (const [k, v] of Object.entries(o.env)) a.push('--setenv', k, v);
  // The zygote keeps `site` (no -S): jobs forked from it must see the sys.path a cold program sees.
  if (o.zygote) a.push('--', o.pythonExecutable, '-I', '-B', SANDBOX_PATHS.zygote, ...o.launcherArgs);
  else a.push('--', o.pythonExecutable, '-I', '-B', '-S', SANDBOX_PATHS.launcher, ...o.launcherArgs);
  return a;
}

function lstatOrNull(path: string): ReturnType<typeof lstatSync> | null {
  try {
    return lstatSync(path);
  } catch {
    return null;
  }
}
