import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // One Temporal dev server for the whole run (integration tests); time-skipping servers are per file.
    globalSetup: ['test/support/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 2,
    // CI's 2 cores are shared by Temporal servers, PGlite and the JVM: one retry absorbs a timing flake there.
    retry: process.env.CI ? 1 : 0,
    reporters: process.env.CI ? ['default'] : ['default'],
  },
});
