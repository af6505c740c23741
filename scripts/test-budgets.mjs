#!/usr/bin/env node
// Test budgets (#15.9): no test may depend on the machine being idle. Every test's timeout must be at least three
// times what it took on a busy machine. The busy-machine times are measured (a full run while other work keeps both
// cores busy) and kept in tests/budgets/busy-machine.json; each run's reporters (tests/helpers/budget-reporter.ts,
// tests/e2e/support/budget-reporter.ts) write the tests' current timeouts to test-results/budgets-*.json.
//
//   node scripts/test-budgets.mjs            check this run's timeouts against the busy-machine times (exit 1 if short)
//   node scripts/test-budgets.mjs --record   keep this run's times as the busy-machine times (run under load!)
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');
const FACTOR = 3;
const BUSY = path.join(root, 'tests', 'budgets', 'busy-machine.json');
const suites = ['vitest', 'playwright'];
const key = (suite, r) => `${suite}\u0000${r.file}\u0000${r.name}`;

function currentRun() {
  const rows = new Map();
  for (const suite of suites) {
    const f = path.join(root, 'test-results', `budgets-${suite}.json`);
    if (!existsSync(f)) continue;
    for (const r of JSON.parse(readFileSync(f, 'utf8'))) rows.set(key(suite, r), { suite, ...r });
  }
  return rows;
}

const run = currentRun();
if (run.size === 0) {
  console.error('test budgets: no test-results/budgets-*.json (run the suites first)');
  process.exit(1);
}

if (process.argv.includes('--record')) {
  const previous = existsSync(BUSY) ? JSON.parse(readFileSync(BUSY, 'utf8')) : { tests: {} };
  const tests = { ...previous.tests };
  // A test keeps the slowest time ever recorded for it on a busy machine.
  for (const [k, r] of run) tests[k] = Math.max(r.ms, tests[k] ?? 0);
  const note = { recordedAt: new Date().toISOString(), loadAverage: os.loadavg().map((x) => x.toFixed(1)).join(' '), cpus: os.cpus().length };
  writeFileSync(BUSY, `${JSON.stringify({ factor: FACTOR, runs: [...(previous.runs ?? []), note], tests }, null, 1)}\n`);
  console.log(`test budgets: recorded ${run.size} tests' times (load average ${note.loadAverage})`);
  process.exit(0);
}

const busy = existsSync(BUSY) ? JSON.parse(readFileSync(BUSY, 'utf8')).tests : {};
const short = [];
let measured = 0;
for (const [k, r] of run) {
  const busyMs = busy[k];
  if (busyMs === undefined) continue;
  measured++;
  if (r.timeoutMs < FACTOR * busyMs) short.push({ ...r, busyMs });
}
const tightest = [...run.values()].sort((a, b) => b.ms / b.timeoutMs - a.ms / a.timeoutMs).slice(0, 5);
console.log(`test budgets: ${measured} of ${run.size} tests have a busy-machine time; the tightest in this run:`);
for (const r of tightest) console.log(`  ${((100 * r.ms) / r.timeoutMs).toFixed(0).padStart(3)} % of ${r.timeoutMs / 1000} s  ${r.file} > ${r.name}`);
if (short.length) {
  console.error(`\n${short.length} test(s) have a timeout under ${FACTOR}x their time on a busy machine:`);
  for (const r of short) console.error(`  ${r.file} > ${r.name}: timeout ${r.timeoutMs / 1000} s, busy machine ${(r.busyMs / 1000).toFixed(1)} s (needs ≥ ${((FACTOR * r.busyMs) / 1000).toFixed(0)} s)`);
  process.exit(1);
}
const unmeasured = run.size - measured;
if (unmeasured) console.log(`  (${unmeasured} newer tests have no busy-machine time yet: record one with --record during a run under load)`);
