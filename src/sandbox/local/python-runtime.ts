import { execFile } from 'node:child_process';
import { realpathSync } from 'node:fs';
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
    ({ stdout: out } = await execFileAsync(command, ['-I', '-c', PROBE], { timeout: 15_000, maxBuffer: 1 << 20 }));
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
