#!/usr/bin/env node
// The production envelope, checked the way an operator runs it (docs/operations.md §Checks):
//  1. build dist/ (only what is stale), copy what the image's runtime stage holds into a clean directory and install
//     production dependencies only (`npm ci --omit=dev`: no tsx, esbuild or Vite);
//  2. as an unprivileged user when run as root: `cpt-exam db migrate` (the compose `migrate` service), the CLI's advice
//     on an empty bank, then the compiled server (two instances on PostgreSQL when DATABASE_URL is set, each in a fresh
//     database; one on PGlite otherwise) with production settings;
//  3. /healthz, /readyz, /metrics (with and without the token); with Debian's caddy installed, deploy/Caddyfile in front
//     of the instances and deploy/smoke.mjs through it (TLS, websockets, caching, /metrics not public);
//  4. SIGTERM: every instance exits 0; then a restart with nothing changed, timed to ready.
// Exit 0 when every check passes. Ports: PORT_BASE (default 3310) and up.
import { spawn, spawnSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { chownSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { buildStale } from './build.mjs';
import { ROOT } from './build-manifest.mjs';

const portBase = Number(process.env.PORT_BASE ?? 3310);
const adminUrl = process.env.DATABASE_URL;
const failures = [];
const check = (ok, what) => {
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${what}`);
  if (!ok) failures.push(what);
  return ok;
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const children = [];
let dropDb = null;
const work = mkdtempSync(path.join(tmpdir(), 'cpt-prod-check-'));

async function cleanup() {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  await dropDb?.().catch(() => {});
  rmSync(work, { recursive: true, force: true });
}

try {
  console.log('== build');
  await buildStale({ log: (l) => console.log(`   ${l}`) });

  console.log('== runtime copy with production dependencies only');
  const app = path.join(work, 'app');
  // The same files as the Dockerfile's runtime stage.
  for (const f of ['package.json', 'package-lock.json', 'dist', 'bin', 'scripts/build-manifest.mjs', 'migrations', 'server/assets', 'item-bank']) {
    cpSync(path.join(ROOT, f), path.join(app, f), { recursive: true });
  }
  let t = Date.now();
  const ci = spawnSync('npm', ['ci', '--omit=dev', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'], { cwd: app, stdio: 'inherit' });
  check(ci.status === 0, `npm ci --omit=dev (${((Date.now() - t) / 1000).toFixed(1)} s)`);
  const mods = readdirSync(path.join(app, 'node_modules'));
  check(!['tsx', 'vite', 'esbuild', 'typescript', 'vitest', 'react'].some((m) => mods.includes(m)), 'no dev dependency (tsx, vite, esbuild, typescript, vitest, react) is installed');

  // Secrets and settings as docker-compose.yml passes them.
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  mkdirSync(path.join(work, 'secrets'));
  writeFileSync(path.join(work, 'secrets', 'ob.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }));
  const metricsToken = randomBytes(24).toString('hex');
  let database = {};
  if (adminUrl) {
    const { default: pg } = await import('pg');
    const name = `cpt_prodcheck_${process.pid}_${randomBytes(3).toString('hex')}`;
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
    dropDb = () => exec(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    const u = new URL(adminUrl);
    u.pathname = `/${name}`;
    database = { DATABASE_URL: u.toString() };
  }
  const proxyPort = portBase;
  const env = {
    PATH: process.env.PATH,
    HOME: work,
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    TOKEN_SECRET: randomBytes(32).toString('hex'),
    PUBLIC_URL: `https://localhost:${proxyPort}`,
    OB_SIGNING_KEY_FILE: path.join(work, 'secrets', 'ob.pem'),
    METRICS_TOKEN: metricsToken,
    LOAD_SAMPLE_BANK: 'false',
    DEMO_ACCOUNTS: 'false',
    DATA_DIR: path.join(work, 'data'),
    LOG_LEVEL: 'warn',
    ...database,
  };
  // Run as nobody when we are root, as the image runs as `node`.
  const asUser = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
  if (asUser.uid !== undefined) {
    const chownAll = (p) => {
      chownSync(p, 65534, 65534);
      for (const e of readdirSync(p, { withFileTypes: true })) if (e.isDirectory()) chownAll(path.join(p, e.name)); else chownSync(path.join(p, e.name), 65534, 65534);
    };
    chownAll(work);
  }
  const who = asUser.uid !== undefined ? 'as nobody' : 'as the current user';

  const cli = (...args) => spawnSync(process.execPath, ['bin/cpt-exam.js', ...args], { cwd: app, env, encoding: 'utf8', timeout: 180_000, ...asUser });
  console.log(`== CLI from the build (${who})`);
  t = Date.now();
  const migrate = cli('db', 'migrate');
  check(migrate.status === 0 && /migrations applied/.test(migrate.stdout), `cpt-exam db migrate (${((Date.now() - t) / 1000).toFixed(1)} s) ${migrate.status === 0 ? '' : migrate.stderr}`);
  const empty = cli('form', 'assemble', '--module', 'SAF', '--seed', 's1');
  check(empty.status === 1 && /item bank is empty/.test(empty.stderr) && /bank import/.test(empty.stderr), `form assemble on an empty bank says how to load one (${empty.stderr.split('\n')[0]})`);

  console.log(`== compiled server (${who}, ${adminUrl ? 'two instances on PostgreSQL' : 'PGlite'})`);
  const start = (port) => {
    const child = spawn(process.execPath, ['dist/server/main.js'], { cwd: app, env: { ...env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'], ...asUser });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (out += d));
    children.push(child);
    return { child, port, out: () => out, startedAt: Date.now() };
  };
  const waitReady = async (inst, timeoutMs = 180_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (inst.child.exitCode !== null) return false;
      const r = await fetch(`http://127.0.0.1:${inst.port}/readyz`).catch(() => null);
      if (r?.status === 200) return true;
      if (Date.now() > deadline) return false;
      await sleep(50);
    }
  };
  const instances = (adminUrl ? [portBase + 1, portBase + 2] : [portBase + 1]).map(start);
  for (const inst of instances) {
    const ok = await waitReady(inst);
    check(ok, `instance on ${inst.port} ready in ${((Date.now() - inst.startedAt) / 1000).toFixed(2)} s${ok ? '' : `:\n${inst.out()}`}`);
  }
  for (const inst of instances) {
    const base = `http://127.0.0.1:${inst.port}`;
    const health = await fetch(`${base}/healthz`);
    check(health.status === 200, `${inst.port} /healthz 200`);
    const metrics = await fetch(`${base}/metrics`, { headers: { authorization: `Bearer ${metricsToken}` } });
    const text = await metrics.text();
    check(metrics.status === 200 && text.includes('cpt_answer_ack_seconds_bucket') && text.includes('nodejs_eventloop_lag_p99_seconds') && text.includes('cpt_db_pool_connections{state="idle"}') === Boolean(adminUrl), `${inst.port} /metrics with the token`);
    check((await fetch(`${base}/metrics`)).status === 404, `${inst.port} /metrics without the token is 404`);
  }

  if (spawnSync('caddy', ['version'], { stdio: 'ignore' }).status === 0) {
    console.log('== Caddy (deploy/Caddyfile) in front, then deploy/smoke.mjs through it');
    const caddyEnv = {
      ...process.env,
      HOME: work,
      XDG_DATA_HOME: path.join(work, 'caddy-data'),
      XDG_CONFIG_HOME: path.join(work, 'caddy-config'),
      SITE_ADDRESS: `localhost:${proxyPort}`,
      HTTPS_PORT: String(proxyPort),
      HTTP_PORT: String(portBase + 3),
      CADDY_ADMIN: `localhost:${portBase + 4}`,
      UPSTREAMS: instances.map((i) => `127.0.0.1:${i.port}`).join(' '),
    };
    const caddy = spawn('caddy', ['run', '--config', path.join(ROOT, 'deploy/Caddyfile'), '--adapter', 'caddyfile'], { env: caddyEnv, stdio: ['ignore', 'pipe', 'pipe'], ...asUser });
    let caddyOut = '';
    caddy.stdout.on('data', (d) => (caddyOut += d));
    caddy.stderr.on('data', (d) => (caddyOut += d));
    children.push(caddy);
    let up = false;
    for (let i = 0; i < 100 && !up; i++) {
      await sleep(200);
      up = caddy.exitCode === null && spawnSync(process.execPath, ['-e', `fetch('https://localhost:${proxyPort}/readyz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))`], { env: { ...process.env, NODE_TLS_REJECT_UNAUTHORIZED: '0' } }).status === 0;
    }
    if (check(up, `caddy serves https://localhost:${proxyPort}${up ? '' : `:\n${caddyOut.slice(-3000)}`}`)) {
      const smoke = spawnSync(process.execPath, [path.join(ROOT, 'deploy/smoke.mjs'), `https://localhost:${proxyPort}`, '--insecure'], { cwd: ROOT, stdio: 'inherit' });
      check(smoke.status === 0, 'deploy/smoke.mjs through the proxy');
    }
    caddy.kill('SIGTERM');
  } else console.log('(caddy is not installed: proxy not checked; `apt-get install caddy` on Debian)');

  console.log('== SIGTERM and a restart with nothing changed');
  for (const inst of instances) {
    const exited = new Promise((resolve) => inst.child.once('exit', (code) => resolve(code)));
    inst.child.kill('SIGTERM');
    const code = await Promise.race([exited, sleep(30_000).then(() => 'timeout')]);
    check(code === 0, `${inst.port} exits 0 on SIGTERM (got ${code})`);
  }
  const again = start(portBase + 1);
  const ok = await waitReady(again);
  check(ok, `restart ready in ${((Date.now() - again.startedAt) / 1000).toFixed(2)} s`);
  again.child.kill('SIGTERM');
  await new Promise((resolve) => again.child.once('exit', resolve));
} catch (e) {
  check(false, `check-production could not finish: ${e.stack ?? e}`);
} finally {
  await cleanup();
}
console.log(failures.length ? `\ncheck-production: ${failures.length} failed` : '\ncheck-production: all checks passed');
process.exit(failures.length ? 1 : 0);
