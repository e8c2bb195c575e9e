import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bypassPyenvShim } from '../../../../src/sandbox/local/python-runtime.js';

/** A pyenv layout on disk (shim script as `pyenv rehash` writes it, version folders, version files). */
describe('bypassPyenvShim', () => {
  let root: string;
  let pyenv: string;
  let project: string;
  let env: NodeJS.ProcessEnv;
  const exe = (path: string, text = '#!/bin/sh\n') => {
    writeFileSync(path, text);
    chmodSync(path, 0o755);
  };

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'rk-pyenv-'));
    pyenv = join(root, '.pyenv');
    mkdirSync(join(pyenv, 'shims'), { recursive: true });
    exe(join(pyenv, 'shims', 'python3'), `#!/usr/bin/env bash\nset -e\nprogram="\${0##*/}"\n\nexport PYENV_ROOT="${pyenv}"\nexec "${pyenv}/libexec/pyenv" exec "$program" "$@"\n`);
    for (const v of ['3.11.7', '3.12.1', 'envonly']) mkdirSync(join(pyenv, 'versions', v, 'bin'), { recursive: true });
    exe(join(pyenv, 'versions', '3.11.7', 'bin', 'python3'));
    exe(join(pyenv, 'versions', '3.12.1', 'bin', 'python3'));
    writeFileSync(join(pyenv, 'version'), '3.11.7\n');
    project = join(root, 'project', 'sub');
    mkdirSync(project, { recursive: true });
    env = { PATH: `${join(pyenv, 'shims')}:/usr/bin:/bin` };
  });
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('finds the global version through the shim on PATH', () => {
    expect(bypassPyenvShim('python3', env, project)).toBe(join(pyenv, 'versions', '3.11.7', 'bin', 'python3'));
  });

  it('prefers PYENV_VERSION, then the nearest .python-version', () => {
    expect(bypassPyenvShim('python3', { ...env, PYENV_VERSION: '3.12.1' }, project)).toBe(join(pyenv, 'versions', '3.12.1', 'bin', 'python3'));
    writeFileSync(join(root, 'project', '.python-version'), '# pinned\n3.12.1\n');
    try {
      expect(bypassPyenvShim('python3', env, project)).toBe(join(pyenv, 'versions', '3.12.1', 'bin', 'python3'));
    } finally {
      rmSync(join(root, 'project', '.python-version'));
    }
  });

  it('takes the first listed version that has the command', () => {
    expect(bypassPyenvShim('python3', { ...env, PYENV_VERSION: 'envonly:3.12.1' }, project)).toBe(join(pyenv, 'versions', '3.12.1', 'bin', 'python3'));
  });

  it('leaves anything unusual to the shim itself (null)', () => {
    expect(bypassPyenvShim('python3', { ...env, PYENV_VERSION: 'system' }, project)).toBeNull();
    expect(bypassPyenvShim('python3', { ...env, PYENV_VERSION: '3.12' }, project)).toBeNull(); // a prefix pyenv resolves itself
    expect(bypassPyenvShim('python3', { ...env, PYENV_VERSION: '../../etc' }, project)).toBeNull();
    expect(bypassPyenvShim('python3', { PATH: '/usr/bin:/bin' }, project)).toBeNull(); // not a shim
    expect(bypassPyenvShim('python3.9', env, project)).toBeNull(); // no such shim
  });
});
