import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The Daytona Cloud test creates a billed sandbox: only `npm run test:live` (RK_LIVE_DAYTONA=1) runs it.
    exclude: [...configDefaults.exclude, ...(process.env.RK_LIVE_DAYTONA === '1' ? [] : ['test/integration/daytona/live.test.ts'])],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Loopback emulators and servers must never go through a proxy.
    env: { NO_PROXY: '127.0.0.1,localhost', no_proxy: '127.0.0.1,localhost' },
    // Sandboxed runs are CPU-bound on a 2-core machine: keep parallelism modest.
    maxWorkers: 2,
    // Two tests failed once each in CI under full parallel load right at executor start-up and never
    // locally (diagnostics are in their assertion messages); a second attempt must pass cleanly.
    retry: process.env.CI ? 1 : 0,
    reporters: ['default'],
  },
});
