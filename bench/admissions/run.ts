/**
 * Admission benchmark: node --import tsx bench/admissions/run.ts [--candidates 5000] [--block 500] [--concurrency 8]
 *
 * Creates a fresh PostgreSQL database, migrates it and loads the sample bank (item-bank/) through the product's own
 * services in this process (no HTTP: admission is a service call, and the figure is its cost), makes N candidates
 * (bench/lib/bench-candidates.ts), schedules and checks them in, then admits them all through
 * sessions.admit — eligibility, retake history, LOFT form assembly and the form's write — with --concurrency admissions
 * in flight (a proctor admits one candidate at a time; many centers admit at once). Every admission adds a published
 * form, so what an admission costs as forms accumulate is the point: the rate is printed per block of --block
 * admissions and overall, with the PostgreSQL transactions per admission, and (unless --no-profile-sql) the SQL
 * statements that take the most time per admission in the first and the last block, to show any cost that grows
 * with the number of forms or sessions. Writes bench/results/admissions.json (one entry per --label, by default
 * `<candidates>x<concurrency>`). The database is dropped at the end.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { loadPolicies, loadSampleBankIfEmpty } from '../../server/src/bootstrap.ts';
import { composeServices } from '../../server/src/compose.ts';
import { parseConfig } from '../../server/src/config/env.ts';
import { openDatabase } from '../../server/src/db/client.ts';
import { systemClock } from '../../server/src/platform/clock.ts';
import { benchModules, createBenchCandidates, pool } from '../lib/bench-candidates.ts';
import { createBenchDatabase, type BenchDatabase } from '../lib/bench-database.ts';
import { log, serverCode } from '../lib/server-process.ts';
import { summarize } from '../lib/stats.ts';
import { counterDelta, dbCounters } from '../sessions/setup.ts';

const ROOT = path.resolve(import.meta.dirname, '..', '..');
const { values: args } = parseArgs({
  options: {
    candidates: { type: 'string', default: '5000' },
    block: { type: 'string', default: '500' },
    concurrency: { type: 'string', default: '8' },
    'per-center': { type: 'string', default: '50' },
    'no-profile-sql': { type: 'boolean', default: false },
    'admin-url': { type: 'string', default: process.env.BENCH_DATABASE_URL ?? 'postgres://root@127.0.0.1:5432/test' },
    out: { type: 'string', default: path.join(ROOT, 'bench', 'results', 'admissions.json') },
    label: { type: 'string' },
  },
});
const N = Number(args.candidates);
const BLOCK = Math.max(1, Math.min(Number(args.block), N));
const CONCURRENCY = Math.max(1, Number(args.concurrency));
const LABEL = args.label ?? `${N}x${CONCURRENCY}`;
const TARGET = { perSecond: 150, lastBlockOverFirst: 0.9 };

/**
 * Time per SQL statement (client side: from the call to the answer, so lock waits count), by block of admissions.
 * Bench-only instrumentation of node-postgres, recording only while the admissions run.
 */
class SqlProfile {
  recording = false;
  block = 0;
  readonly byBlock: Map<string, { calls: number; ms: number }>[] = [];
  install() {
    const original = pg.Client.prototype.query as (...a: unknown[]) => unknown;
    const self = this;
    pg.Client.prototype.query = function (this: pg.Client, ...a: unknown[]) {
      if (!self.recording) return original.apply(this, a);
      const first = a[0] as string | { text?: string } | undefined;
      const text = typeof first === 'string' ? first : (first?.text ?? '?');
      const t0 = performance.now();
      const done = () => self.add(text, performance.now() - t0);
      const cb = a.findIndex((x) => typeof x === 'function');
      if (cb >= 0) {
        const inner = a[cb] as (...r: unknown[]) => void;
        a[cb] = (...r: unknown[]) => (done(), inner(...r));
        return original.apply(this, a);
      }
      const r = original.apply(this, a);
      if (r && typeof (r as Promise<unknown>).then === 'function') (r as Promise<unknown>).then(done, done);
      return r;
    } as typeof pg.Client.prototype.query;
  }
  private add(text: string, ms: number) {
    const key = text.replace(/\s+/g, ' ').slice(0, 110);
    const m = (this.byBlock[this.block] ??= new Map());
    const e = m.get(key) ?? { calls: 0, ms: 0 };
    e.calls++;
    e.ms += ms;
    m.set(key, e);
  }
  /** The statements taking the most time per admission in the last block, beside the first block's figures. */
  top(admissionsPerBlock: number[], n = 12) {
    const first = this.byBlock[0] ?? new Map();
    const lastIndex = this.byBlock.length - 1;
    const last = this.byBlock[lastIndex] ?? new Map();
    const per = (e: { calls: number; ms: number } | undefined, admitted: number) => (e ? { callsPerAdmission: round(e.calls / admitted), msPerAdmission: round(e.ms / admitted) } : null);
    return [...last.entries()]
      .sort((x, y) => y[1].ms - x[1].ms)
      .slice(0, n)
      .map(([sql, e]) => ({ sql, first: per(first.get(sql), admissionsPerBlock[0]!), last: per(e, admissionsPerBlock[lastIndex]!) }));
  }
}

const round = (x: number) => Math.round(x * 100) / 100;

async function main() {
  const profile = args['no-profile-sql'] ? null : new SqlProfile();
  profile?.install();
  const loadAtStart = round(os.loadavg()[0]!);
  let db: BenchDatabase | undefined;
  try {
    db = await createBenchDatabase(args['admin-url']!, 'admissions');
    log(`database ${db.name}`);
    const config = parseConfig({ DATABASE_URL: db.url, TOKEN_SECRET: 'cpt-bench-admissions-token-secret-0123456789abcdef', LOG_LEVEL: 'warn' });
    const database = await openDatabase(config.database);
    const sql = new pg.Pool({ connectionString: db.url, max: 4 });
    try {
      await database.migrate();
      const services = composeServices({ config, database, clock: systemClock });
      await loadPolicies(services, path.join(config.itemBankDir, 'policies'));
      const bank = await loadSampleBankIfEmpty(services, config.itemBankDir);
      const modules = await benchModules(services);
      log(`migrated, ${bank.items} sample items loaded; modules ${modules.join(', ')}`);

      const { users, proctor, centerOf, candidateActor } = await createBenchCandidates(services, sql, { count: N, perCenter: Number(args['per-center']) });
      const scheduledAt = new Date();
      const sessionIds = await pool(users, CONCURRENCY, async (u, i) => (await services.sessions.schedule(proctor, { candidateId: u.id, module: modules[i % modules.length]!, testCenterId: centerOf(i), scheduledAt })).id);
      await pool(users, CONCURRENCY, (_u, i) => services.sessions.checkIn(candidateActor(i), sessionIds[i]!));
      log(`${N} candidates scheduled and checked in; admitting ${CONCURRENCY} at a time, blocks of ${BLOCK}`);

      const before = await dbCounters(db.url);
      const latency: number[] = new Array(N);
      const blockEnds: number[] = [];
      let done = 0;
      const t0 = performance.now();
      if (profile) profile.recording = true;
      await pool(users, CONCURRENCY, async (_u, i) => {
        const a = performance.now();
        await services.sessions.admit(proctor, sessionIds[i]!, { idConfirmed: true });
        latency[i] = performance.now() - a;
        done++;
        if (done % BLOCK === 0 || done === N) {
          blockEnds.push(performance.now());
          if (profile) profile.block = blockEnds.length;
          const k = blockEnds.length - 1;
          const size = done - k * BLOCK;
          const s = (blockEnds[k]! - (k ? blockEnds[k - 1]! : t0)) / 1000;
          log(`  ${String(done).padStart(6)} admitted: ${(size / s).toFixed(1)}/s in this block`);
        }
      });
      const totalS = (performance.now() - t0) / 1000;
      if (profile) profile.recording = false;
      await new Promise((r) => setTimeout(r, 700)); // the statistics collector lags
      const counters = counterDelta(before, await dbCounters(db.url));

      // Blocks by completion order; latency by the admissions that completed in each block (in-flight order ~ index).
      const blocks = blockEnds.map((end, k) => {
        const from = k * BLOCK;
        const to = Math.min(N, from + BLOCK);
        const seconds = (end - (k ? blockEnds[k - 1]! : t0)) / 1000;
        const lat = summarize(latency.slice(from, to));
        return { from: from + 1, to, seconds: round(seconds), perSecond: round((to - from) / seconds), latencyMs: { p50: lat.p50, p99: lat.p99, max: lat.max } };
      });
      const overall = { admissions: N, seconds: round(totalS), perSecond: round(N / totalS), latencyMs: summarize(latency) };
      const lastOverFirst = blocks.length > 1 ? round(blocks[blocks.length - 1]!.perSecond / blocks[0]!.perSecond) : null;
      const sqlTop = profile?.top(blocks.map((b) => b.to - b.from + 1)) ?? null;

      console.log(`\nAdmissions (LOFT assembly + write), ${N} in a row, ${CONCURRENCY} at a time; node ${process.version}, ${os.availableParallelism()} cores, load average ${loadAtStart}`);
      console.log(`${'block'.padEnd(14)} ${'s'.padStart(7)} ${'per s'.padStart(8)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)}`);
      for (const b of blocks) console.log(`${`${b.from}-${b.to}`.padEnd(14)} ${b.seconds.toFixed(1).padStart(7)} ${b.perSecond.toFixed(1).padStart(8)} ${String(b.latencyMs.p50).padStart(8)} ${String(b.latencyMs.p99).padStart(8)}`);
      console.log(`${'overall'.padEnd(14)} ${overall.seconds.toFixed(1).padStart(7)} ${overall.perSecond.toFixed(1).padStart(8)} ${String(overall.latencyMs.p50).padStart(8)} ${String(overall.latencyMs.p99).padStart(8)}`);
      console.log(`last block / first block: ${lastOverFirst ?? '-'} (flat: >= ${TARGET.lastBlockOverFirst}); target >= ${TARGET.perSecond}/s: ${overall.perSecond >= TARGET.perSecond ? 'met' : 'missed'}`);
      console.log(`PostgreSQL: ${round(counters.commits / N)} commits per admission, ${counters.rollbacks} rollbacks, ${counters.deadlocks} deadlocks`);
      if (sqlTop) {
        console.log('\nSQL time per admission, first block -> last block (client side, lock waits included):');
        for (const s of sqlTop) console.log(`  ${String(s.first?.msPerAdmission ?? '-').padStart(6)} -> ${String(s.last!.msPerAdmission).padStart(6)} ms  x${s.last!.callsPerAdmission}  ${s.sql}`);
      }

      const out = args.out!;
      mkdirSync(path.dirname(out), { recursive: true });
      const file = existsSync(out) ? (JSON.parse(readFileSync(out, 'utf8')) as { runs: Record<string, unknown> }) : { runs: {} };
      file.runs[LABEL] = {
        date: new Date().toISOString(),
        server: serverCode(ROOT),
        node: process.version,
        cores: os.availableParallelism(),
        cpu: os.cpus()[0]?.model ?? 'unknown',
        loadAverage: { start: loadAtStart, end: round(os.loadavg()[0]!) },
        candidates: N,
        concurrency: CONCURRENCY,
        modules,
        block: BLOCK,
        blocks,
        overall,
        lastBlockOverFirst: lastOverFirst,
        database: { commitsPerAdmission: round(counters.commits / N), ...counters },
        sqlTop,
        targets: TARGET,
      };
      writeFileSync(out, JSON.stringify(file, null, 2) + '\n');
      log(`wrote ${path.relative(process.cwd(), out)} (${LABEL})`);
    } finally {
      await sql.end();
      await database.close();
    }
  } finally {
    await db?.drop();
  }
}

await main();
