/**
 * A default process (no Redis, no LLM, no Daytona, not serving HTTP) must not import the optional
 * heavy packages: each costs ~100 ms of start-up in a cold CLI run. Checked in a child process
 * with Node's own module-loader log (NODE_DEBUG=esm), with a configured process as the control.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const CHILD = fileURLToPath(new URL('../../helpers/create-kernel-child.ts', import.meta.url));
const OPTIONAL = ['openai', 'ioredis', 'fastify', '@daytonaio/sdk'];

/** Packages whose modules the child loaded, from the `Storing <url> in ModuleLoadMap` lines. */
function packagesLoaded(env: Record<string, string>): Set<string> {
  const child = spawnSync(process.execPath, ['--import', 'tsx', CHILD], {
    cwd: ROOT,
    encoding: 'utf8',
    timeout: 60_000,
    maxBuffer: 256 * 1024 * 1024, // the loader log prints every module's source map
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', NODE_DEBUG: 'esm', NO_PROXY: '127.0.0.1,localhost', ...env },
  });
  expect(child.status, child.stderr.slice(-2000)).toBe(0);
  const loaded = new Set<string>();
  for (const match of child.stderr.matchAll(/Storing file:\/\/\S*?\/node_modules\/((?:@[^/]+\/)?[^/]+)\//g)) loaded.add(match[1]);
  return loaded;
}

describe('optional packages load only when configured', () => {
  it('a default kernel imports none of openai, ioredis, fastify, @daytonaio/sdk', () => {
    const loaded = packagesLoaded({});
    expect(loaded.has('inversify')).toBe(true); // the log is read correctly
    expect(OPTIONAL.filter((p) => loaded.has(p))).toEqual([]);
  });

  it('REDIS_URL loads ioredis and LLM mode loads openai (the control)', () => {
    // Nothing listens on port 1: the store is built and closed without a server.
    const loaded = packagesLoaded({ REDIS_URL: 'redis://127.0.0.1:1/0', RK_LLM_BASE_URL: 'http://127.0.0.1:9/v1', RK_LLM_MODEL: 'm' });
    expect(loaded.has('ioredis')).toBe(true);
    expect(loaded.has('openai')).toBe(true);
  });
});
