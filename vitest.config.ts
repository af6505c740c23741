import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    // tests/quarantine: suites that hang the worker (see tests/quarantine/README.md); they are not run until fixed.
    exclude: ['tests/e2e/**', 'tests/quarantine/**', 'node_modules/**'],
    environment: 'node',
    pool: 'forks',
    // Each worker boots its own PGlite (~700 MB); two workers fit the 2-core CI machine.
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
