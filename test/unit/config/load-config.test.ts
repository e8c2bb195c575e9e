import { describe, expect, it } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../../src/config/load-config.js';
import { KernelError } from '../../../src/errors.js';

describe('loadConfig', () => {
  it('gives the seed defaults with an empty environment', () => {
    const c = loadConfig({ env: {} });
    expect(c.sandbox).toEqual({
      cpuLimit: 2,
      memoryLimitMb: 512,
      executionTimeoutS: 30,
      tempStorageMb: 50,
      pythonVersion: '3.11',
      enableNetworking: false,
      enableAstValidation: true,
      allowedImports: ['numpy', 'scipy', 'jax', 'numpyro', 'pandas', 'matplotlib', 'json', 'math'],
    });
    expect(c.http.port).toBe(5000);
    expect(c.http.host).toBe('127.0.0.1');
    expect(c.daytona.apiKey).toBeUndefined();
    expect(c.daytona.fallback).toBe('auto');
    expect(c.state.keyPrefix).toBe('rk:');
  });

  it('reads environment variables with types', () => {
    const c = loadConfig({
      env: {
        DAYTONA_API_KEY: 'dtn_secret',
        RK_PORT: '8080',
        RK_SANDBOX_ENABLE_NETWORKING: 'false',
        RK_SANDBOX_ALLOWED_IMPORTS: 'numpy, scipy ,math',
        RK_SANDBOX_EXECUTION_TIMEOUT: '2.5',
        REDIS_URL: 'redis://:pw@127.0.0.1:6379/2',
      },
    });
    expect(c.daytona.apiKey).toBe('dtn_secret');
    expect(c.http.port).toBe(8080);
    expect(c.sandbox.allowedImports).toEqual(['numpy', 'scipy', 'math']);
    expect(c.sandbox.executionTimeoutS).toBe(2.5);
    expect(c.state.redisUrl).toBe('redis://:pw@127.0.0.1:6379/2');
  });

  it('lists every bad setting with the variable to fix in one error', () => {
    let error: unknown;
    try {
      loadConfig({ env: { RK_PORT: 'eighty', RK_SANDBOX_MEMORY_LIMIT_MB: '-5', REDIS_URL: 'http://x', RK_REQUIRE_ISOLATION: 'maybe' } });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(KernelError);
    const e = error as KernelError;
    expect(e.code).toBe('CONFIG_INVALID');
    expect(e.message).toContain('RK_PORT');
    expect(e.message).toContain('RK_SANDBOX_MEMORY_LIMIT_MB');
    expect(e.message).toContain('REDIS_URL');
    expect(e.message).toContain('RK_REQUIRE_ISOLATION');
    expect((e.details as string[]).length).toBe(4);
  });

  it('refuses startup defaults above the operator ceiling', () => {
    expect(() => loadConfig({ env: { RK_SANDBOX_MEMORY_LIMIT_MB: '4096', RK_CEILING_MAX_MEMORY_LIMIT_MB: '1024' } })).toThrow(/RK_CEILING_MAX_MEMORY_LIMIT_MB/);
  });

  it('layers file < environment < explicit overrides, and freezes the result', () => {
    const dir = mkdtempSync(join(tmpdir(), 'rk-config-'));
    try {
      const file = join(dir, 'rk.json');
      writeFileSync(file, JSON.stringify({ http: { port: 7000, host: '127.0.0.2' }, sandbox: { cpuLimit: 1 } }));
      const c = loadConfig({ env: { RK_CONFIG_FILE: file, RK_PORT: '7001' }, overrides: { sandbox: { cpuLimit: 3 } } });
      expect(c.http.port).toBe(7001);
      expect(c.http.host).toBe('127.0.0.2');
      expect(c.sandbox.cpuLimit).toBe(3);
      expect(Object.isFrozen(c.sandbox)).toBe(true);
      expect(() => {
        (c.sandbox as { cpuLimit: number }).cpuLimit = 9;
      }).toThrow();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reports a missing or broken config file', () => {
    expect(() => loadConfig({ env: { RK_CONFIG_FILE: '/nonexistent/rk.json' } })).toThrow(/does not exist/);
  });
});
