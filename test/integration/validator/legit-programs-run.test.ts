import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LEGIT_PROGRAMS } from '../../fixtures/legit-programs.js';

const run = promisify(execFile);
const PYTHON = process.env.RK_PYTHON ?? '/root/.pyenv/versions/3.11.7/bin/python3';

/**
 * Runs every legit fixture with plain `python3 -I -B file` in a temp folder and checks the final
 * stdout line. (The lead will route these through the sandbox once the executor lands.)
 */
describe('legit programs run and print what they promise', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'rk-legit-'));
  });

  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it.each(LEGIT_PROGRAMS.map((p) => ({ name: p.name, code: p.code, expect: p.expect })))(
    '$name',
    async ({ name, code, expect: expected }) => {
      const file = join(dir, `${name}.py`);
      writeFileSync(file, code, 'utf8');
      const { stdout } = await run(PYTHON, ['-I', '-B', file], { cwd: dir, env: { PATH: '/usr/bin:/bin', OPENBLAS_NUM_THREADS: '1' }, timeout: 60_000 });
      const lines = stdout.trimEnd().split('\n');
      expect(lines.at(-1)).toContain(expected);
    },
    60_000,
  );
});
