import { execFile } from 'node:child_process';
import { accessSync, constants, existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { KernelError } from '../../errors.js';

const execFileAsync = promisify(execFile);

/** The interpreter programs run with, resolved once (a `python3` on PATH may be a pyenv shim script). */
export interface PythonRuntime {
  /** Real executable (`sys.executable`, symlinks resolved). */
  executable: string;
  /** e.g. `3.11.7`. */
  version: string;
  /** Real directories that must be visible read-only for the interpreter and its packages to work. */
  installRoots: string[];
}

/** Trusted probe, run with `-I` so the service's PYTHON* variables and user site cannot change it. */
const PROBE = [
  'import json, sys, platform',
  'print(json.dumps({"executable": sys.executable, "version": platform.python_version(),',
  '  "prefixes": [sys.prefix, sys.base_prefix, sys.exec_prefix, sys.base_exec_prefix],',
  '  "paths": [p for p in sys.path if p.startswith("/")]}))',
].join('\n');

/** Resolutions in flight or done, per command; a failed one is forgotten so a later call retries. */
const resolved = new Map<string, Promise<PythonRuntime>>();

/**
 * Resolves `command` (RK_PYTHON or `python3`) to the real interpreter, its version and the folders
 * it needs. Throws `PYTHON_NOT_FOUND` with what to set when it cannot run.
 *
 * Memoised per command for the life of the process: through a pyenv shim the probe costs ~150 ms
 * (several bash scripts, then Python), and `createKernel` starts it before loading the rest of the
 * kernel so that it overlaps with those imports; the executor then gets the same promise.
 */
export function resolvePythonRuntime(command: string): Promise<PythonRuntime> {
  const known = resolved.get(command);
  if (known) return known;
  const runtime = probeRuntime(command);
  resolved.set(command, runtime);
  runtime.catch(() => {
    if (resolved.get(command) === runtime) resolved.delete(command);
  });
  return runtime;
}

async function probeRuntime(command: string): Promise<PythonRuntime> {
  let out: string;
  try {
    // The shim may need the service's PATH/PYENV_* to find the interpreter, so the env is inherited
    // here (trusted probe, our code); programs never run like this.
    const direct = bypassPyenvShim(command, process.env, process.cwd()) ?? command;
    ({ stdout: out } = await execFileAsync(direct, ['-I', '-c', PROBE], { timeout: 15_000, maxBuffer: 1 << 20 }));
  } catch (e) {
    throw new KernelError('PYTHON_NOT_FOUND', `Cannot run the Python interpreter "${command}": set RK_PYTHON to a python3 with numpy and scipy`, { cause: e });
  }
  let info: { executable: string; version: string; prefixes: string[]; paths: string[] };
  try {
    info = JSON.parse(out.trim().split('\n').pop() ?? '') as typeof info;
  } catch (e) {
    throw new KernelError('PYTHON_NOT_FOUND', `"${command}" did not behave like python3; set RK_PYTHON to a real python3`, { cause: e });
  }
  if (!info.executable) throw new KernelError('PYTHON_NOT_FOUND', `"${command}" reports no sys.executable; set RK_PYTHON`);
  const executable = realpathSync(info.executable);
  const candidates = [...info.prefixes, ...info.paths, dirnameTwice(executable)];
  return { executable, version: info.version, installRoots: minimalRoots(candidates) };
}

/**
 * The interpreter a pyenv shim would run, found the way pyenv finds it (PYENV_VERSION, else the
 * nearest `.python-version` from PYENV_DIR or the working folder up, else `$PYENV_ROOT/version`;
 * the first listed version that has the command), without running the shim: its bash scripts cost
 * 150-400 ms, more than the rest of a cold `reason`. Null whenever anything is unusual (not a
 * shim, "system", a version prefix, a missing folder): the caller then runs the shim itself.
 */
export function bypassPyenvShim(command: string, env: NodeJS.ProcessEnv, cwd: string): string | null {
  try {
    const onPath = command.includes('/') ? resolve(cwd, command) : findOnPath(command, env.PATH ?? '');
    if (!onPath || !onPath.includes('/shims/')) return null;
    const shim = readFileSync(onPath, 'utf8');
    const root = /^export PYENV_ROOT="([^"$`\\]+)"$/m.exec(shim)?.[1];
    if (!root || !/\bpyenv"? exec\b/.test(shim)) return null;
    const program = onPath.slice(onPath.lastIndexOf('/') + 1);
    const versions = env.PYENV_VERSION?.trim() ? env.PYENV_VERSION.split(':') : readVersionFile(env.PYENV_DIR ? resolve(cwd, env.PYENV_DIR) : cwd, root);
    for (const version of versions ?? []) {
      if (!/^[A-Za-z0-9][A-Za-z0-9._+-]*$/.test(version) || version === 'system') return null;
      const candidate = join(root, 'versions', version, 'bin', program);
      if (!existsSync(join(root, 'versions', version))) return null; // a prefix such as "3.11": let pyenv resolve it
      if (isExecutable(candidate)) return candidate;
    }
    return null;
  } catch {
    return null;
  }
}

function findOnPath(command: string, path: string): string | null {
  for (const dir of path.split(':')) {
    if (!dir) continue;
    const candidate = join(dir, command);
    if (isExecutable(candidate)) return candidate;
  }
  return null;
}

function isExecutable(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The versions of the nearest `.python-version` from `start` up, else of `$PYENV_ROOT/version`. */
function readVersionFile(start: string, root: string): string[] | null {
  for (let dir = start; ; dir = dirname(dir)) {
    const file = join(dir, '.python-version');
    if (existsSync(file)) return versionWords(file);
    if (dir === dirname(dir)) break;
  }
  const global = join(root, 'version');
  return existsSync(global) ? versionWords(global) : null;
}

function versionWords(file: string): string[] | null {
  const words = readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('#'))
    .flatMap((line) => line.trim().split(/\s+/))
    .filter(Boolean);
  return words.length > 0 ? words : null;
}

function dirnameTwice(path: string): string {
  return path.split('/').slice(0, -2).join('/') || '/';
}

/** Real paths, deduplicated, with nested entries and anything under /usr (bound anyway) dropped. */
function minimalRoots(paths: string[]): string[] {
  const real = new Set<string>();
  for (const p of paths) {
    try {
      real.add(realpathSync(p));
    } catch {
      // sys.path lists zip files and folders that need not exist
    }
  }
  const sorted = [...real].filter((p) => p !== '/' && !p.endsWith('.zip')).sort();
  const roots: string[] = [];
  for (const p of sorted) {
    if (p === '/usr' || p.startsWith('/usr/')) continue;
    if (roots.some((r) => p === r || p.startsWith(`${r}/`))) continue;
    roots.push(p);
  }
  return roots;
}
