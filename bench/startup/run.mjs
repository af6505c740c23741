#!/usr/bin/env node
/**
 * Start-up benchmark (#15.1): time from process start to `/readyz` 200 for the README's `npm start` and for the
 * production command `node dist/server/main.js`, on the embedded database: a first start (fresh data directory:
 * migrations, sample banks, demo accounts) and restarts with nothing changed. Each run is stopped with SIGTERM and
 * must exit before the next starts. Prints a table and writes bench/results/startup.json. Run on a quiet machine:
 *
 *   node bench/startup/run.mjs [--restarts 5] [--port 3397]
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const { values: args } = parseArgs({ options: { restarts: { type: 'string', default: '5' }, port: { type: 'string', default: '3397' } } });
const PORT = Number(args.port);
const RESTARTS = Number(args.restarts);
const dataDir = mkdtempSync(path.join(os.tmpdir(), 'cpt-startup-'));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function portAnswers() {
  try {
    await fetch(`http://127.0.0.1:${PORT}/readyz`, { signal: AbortSignal.timeout(500) });
    return true;
  } catch {
    return false;
  }
}

/** Starts `cmd`, returns seconds until /readyz says 200 and the server's own phase line; then SIGTERM and wait. */
async function timeStart(cmd, cmdArgs) {
  if (await portAnswers()) throw new Error(`port ${PORT} is in use: pass --port`);
  const t0 = performance.now();
  const child = spawn(cmd, cmdArgs, {
    cwd: ROOT,
    detached: true, // its own process group: npm's child (the server) gets the SIGTERM too
    env: { ...process.env, PORT: String(PORT), HOST: '127.0.0.1', DATA_DIR: dataDir, DATABASE_URL: '', LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  child.stderr.on('data', (d) => (out += d));
  let seconds = null;
  while (performance.now() - t0 < 180_000) {
    try {
      if ((await fetch(`http://127.0.0.1:${PORT}/readyz`)).status === 200) {
        seconds = (performance.now() - t0) / 1000;
        break;
      }
    } catch {
      /* not listening yet */
    }
    await sleep(10);
  }
  process.kill(-child.pid, 'SIGTERM');
  while (true) {
    try {
      process.kill(-child.pid, 0);
    } catch {
      break;
    }
    await sleep(20);
  }
  if (seconds === null) throw new Error(`no /readyz 200 within 180 s:\n${out}`);
  return { seconds, phases: (out.match(/started in [^)]*\)/) ?? [''])[0] };
}

const rows = [];
const first = await timeStart('npm', ['start']);
rows.push({ run: 'first start (npm start, fresh data directory)', ...first });
for (let i = 0; i < RESTARTS; i++) rows.push({ run: 'restart, nothing changed (npm start)', ...(await timeStart('npm', ['start'])) });
for (let i = 0; i < RESTARTS; i++) rows.push({ run: 'restart, nothing changed (node dist/server/main.js)', ...(await timeStart('node', ['dist/server/main.js'])) });
rmSync(dataDir, { recursive: true, force: true });

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const summary = {};
for (const r of rows) (summary[r.run] ??= []).push(r.seconds);
console.log('\nstart-up, process start → /readyz 200 (embedded database)');
for (const [run, xs] of Object.entries(summary)) console.log(`  ${run.padEnd(54)} median ${median(xs).toFixed(2)} s, max ${Math.max(...xs).toFixed(2)} s (n=${xs.length})`);
const result = {
  at: new Date().toISOString(),
  machine: { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version, loadAverageAtEnd: os.loadavg().map((x) => x.toFixed(2)) },
  summary: Object.fromEntries(Object.entries(summary).map(([k, xs]) => [k, { medianS: Number(median(xs).toFixed(2)), maxS: Number(Math.max(...xs).toFixed(2)), n: xs.length }])),
  runs: rows.map((r) => ({ ...r, seconds: Number(r.seconds.toFixed(2)) })),
};
mkdirSync(path.join(ROOT, 'bench', 'results'), { recursive: true });
writeFileSync(path.join(ROOT, 'bench', 'results', 'startup.json'), `${JSON.stringify(result, null, 1)}\n`);
console.log('saved bench/results/startup.json');
