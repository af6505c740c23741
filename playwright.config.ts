import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { defineConfig } from '@playwright/test';
import { chromiumPath, CHROMIUM_ARGS, E2E_PORT } from './tests/e2e/support/chromium.ts';

const PORT = E2E_PORT;
const dataDir = process.env.E2E_DATA_DIR ?? mkdtempSync(path.join(tmpdir(), 'cpt-e2e-'));

export default defineConfig({
  testDir: 'tests/e2e',
  outputDir: 'test-results/e2e',
  timeout: 60_000,
  // Assertions wait up to 10 s, not Playwright's 5 s: a candidate page that loads its questions over the socket takes
  // longer than 5 s on a 2-core machine that is busy with other work (seen: "Loading your questions…" at 5 s).
  expect: { timeout: 10_000 },
  workers: 1,
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    screenshot: 'only-on-failure',
    launchOptions: { executablePath: chromiumPath(), args: CHROMIUM_ARGS },
  },
  webServer: {
    // The compiled server, as production runs it (scripts/start.mjs builds it first when the sources changed).
    command: 'node scripts/start.mjs',
    url: `http://127.0.0.1:${PORT}/healthz`,
    timeout: 120_000,
    reuseExistingServer: false,
    stdout: 'ignore',
    env: {
      PORT: String(PORT),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      // Never the shared DATABASE_URL: scripts/test.mjs creates a fresh database for this run (or none: PGlite).
      DATABASE_URL: process.env.E2E_DATABASE_URL ?? '',
      // One exam start at a time, so exam-start-queue.spec.ts can make a line with a few candidates (#18). The specs
      // run one at a time (workers: 1), so the others only ever start one exam at once.
      START_GATE_CONCURRENCY: '1',
    },
  },
});
