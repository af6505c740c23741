#!/usr/bin/env node
// `npm test`: every suite. Type check and layer lint, unit + integration (vitest, PGlite and, when DATABASE_URL is
// set, PostgreSQL), then the browser tests (Playwright driving the system Chromium). Ends with one summary line.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const reports = path.join(root, 'test-results');
rmSync(reports, { recursive: true, force: true });
mkdirSync(reports, { recursive: true });
const bin = (name) => path.join(root, 'node_modules', '.bin', name);
const run = (cmd, args, env = {}) => spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } }).status ?? 1;

export const CHROMIUM_CANDIDATES = ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/lib/chromium/chromium'];

function ensureChromium() {
  if (process.env.CHROMIUM_PATH && existsSync(process.env.CHROMIUM_PATH)) return;
  if (CHROMIUM_CANDIDATES.some((p) => existsSync(p))) return;
  const isRoot = process.getuid?.() === 0;
  if (isRoot && existsSync('/usr/bin/apt-get')) {
    console.log('Chromium is missing: installing Debian\'s chromium package for the browser tests…');
    const env = { DEBIAN_FRONTEND: 'noninteractive' };
    if (run('apt-get', ['update', '-qq'], env) === 0 && run('apt-get', ['install', '-y', '-qq', 'chromium'], env) === 0) return;
  }
  console.error(
    'The browser tests need Chromium and it is not installed.\n' +
      '  On Debian/Ubuntu: sudo apt-get install chromium\n' +
      '  Elsewhere: install Chromium and set CHROMIUM_PATH=/path/to/chromium',
  );
  process.exit(1);
}

/** Install a Debian package when one of its commands is missing and we are root on Debian; otherwise report it. */
function ensureDebianTool(commands, pkg, why, required) {
  const has = (cmd) => spawnSync(cmd, ['-v'], { stdio: 'ignore' }).error === undefined;
  if (commands.every(has)) return;
  const isRoot = process.getuid?.() === 0;
  if (isRoot && existsSync('/usr/bin/apt-get')) {
    console.log(`${pkg} is missing: installing it ${why}…`);
    const env = { DEBIAN_FRONTEND: 'noninteractive' };
    if (run('apt-get', ['update', '-qq'], env) === 0 && run('apt-get', ['install', '-y', '-qq', pkg], env) === 0) return;
  }
  if (!required) return console.log(`${pkg} is not installed: skipping the checks that need it`);
  console.error(`${pkg} is needed ${why}.\n  On Debian/Ubuntu: sudo apt-get install ${pkg}`);
  process.exit(1);
}

/** The PDF tests read PDFs back with poppler (pdftotext, pdftoppm, pdffonts, pdfinfo): Debian's poppler-utils. */
const ensurePoppler = () => ensureDebianTool(['pdftoppm', 'pdftotext'], 'poppler-utils', 'for the PDF tests', true);

async function createDatabase(adminUrl, prefix) {
  const { default: pg } = await import('pg');
  const name = `${prefix}_${process.pid}_${Date.now().toString(36)}`;
  const exec = async (sql) => {
    const c = new pg.Client({ connectionString: adminUrl });
    await c.connect();
    try {
      await c.query(sql);
    } finally {
      await c.end();
    }
  };
  await exec(`CREATE DATABASE ${name}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => exec(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}

const failures = [];
let passed = 0;
let failed = 0;

console.log('\n== type check and architecture lint');
if (run('npm', ['run', '--silent', 'lint']) !== 0) failures.push('lint');

// Build first (only what is stale): the CLI tests run the compiled CLI, the browser tests the compiled server.
console.log('\n== build (dist/, only what changed)');
const buildStatus = run('npm', ['run', '--silent', 'build']);
if (buildStatus !== 0) failures.push('build');

console.log('\n== unit and integration tests (vitest)');
ensurePoppler();
// The QTI manifest test validates against the QTI 3.0 XSDs with xmllint (Debian's libxml2-utils); it skips without it.
ensureDebianTool(['xmllint'], 'libxml2-utils', 'for the QTI 3.0 manifest schema check', false);
const vitestJson = path.join(reports, 'vitest.json');
const vitestStatus = run(bin('vitest'), ['run', '--reporter=default', '--reporter=json', '--reporter=./tests/helpers/budget-reporter.ts', `--outputFile.json=${vitestJson}`]);
if (existsSync(vitestJson)) {
  const r = JSON.parse(readFileSync(vitestJson, 'utf8'));
  passed += r.numPassedTests;
  failed += r.numFailedTests;
}
if (vitestStatus !== 0) failures.push('vitest');

console.log('\n== browser tests (Playwright, Chromium)');
ensureChromium();
const pwJson = path.join(reports, 'playwright.json');
// The browser tests' server gets its own fresh PostgreSQL database when one is configured, never the shared one.
const e2eDb = process.env.DATABASE_URL ? await createDatabase(process.env.DATABASE_URL, 'cpt_e2e') : null;
const pwStatus = run(bin('playwright'), ['test', '--reporter=list,json,./tests/e2e/support/budget-reporter.ts'], { PLAYWRIGHT_JSON_OUTPUT_NAME: pwJson, E2E_DATABASE_URL: e2eDb?.url ?? '' });
await e2eDb?.drop();
if (existsSync(pwJson)) {
  const s = JSON.parse(readFileSync(pwJson, 'utf8')).stats ?? {};
  passed += (s.expected ?? 0) + (s.flaky ?? 0);
  failed += s.unexpected ?? 0;
}
if (pwStatus !== 0) failures.push('playwright');

// Every test's timeout is at least 3x its measured time on a busy machine (tests/budgets/busy-machine.json).
console.log('\n== test budgets (scripts/test-budgets.mjs)');
if (run('node', ['scripts/test-budgets.mjs']) !== 0) failures.push('test budgets');

// Last, the production envelope as an operator meets it (docs/operations.md): the built server from a copy with
// production dependencies only, two instances, health, metrics, the CLI, the proxy when caddy is installed, SIGTERM.
console.log('\n== production envelope (scripts/check-production.mjs)');
ensureDebianTool(['caddy'], 'caddy', 'for the reverse-proxy check', false);
if (run('node', ['scripts/check-production.mjs']) !== 0) failures.push('production envelope');

console.log(`\n${failures.length ? `FAILED: ${failures.join(', ')}` : 'all suites green'}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failures.length ? 1 : 0);
