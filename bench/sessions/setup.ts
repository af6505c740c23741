/**
 * Bench setup: a fresh PostgreSQL database per run, and N candidates with admitted, handbook-acknowledged sessions
 * ready to start. Everything that matters goes through the product's own services (composeServices on the bench
 * database): test center, proctor, scheduling, check-in, admission (form assembly), handbook. Two shortcuts, both
 * bench-only SQL and documented in docs/performance.md:
 *  - candidates (bench/lib/bench-candidates.ts): ONE scrypt hash (platform/password-hasher.ts) is computed and
 *    inserted for every candidate in bulk (users + test_center_members), instead of N x scrypt through
 *    accounts.createUser;
 *  - sign-in: the first `productLogins` candidates sign in through POST /api/auth/token on the server; the others get
 *    auth_sessions rows computed exactly as auth.service.ts does (random 32-byte token, HMAC-SHA256 with TOKEN_SECRET,
 *    base64url), and one of those tokens is checked against GET /api/auth/me before the run.
 */
import { createHmac, randomBytes } from 'node:crypto';
import pg from 'pg';
import { parseConfig } from '../../server/src/config/env.ts';
import { composeServices } from '../../server/src/compose.ts';
import { openDatabase, type Database } from '../../server/src/db/client.ts';
import { systemClock } from '../../server/src/platform/clock.ts';
import { HANDBOOK_VERSION } from '../../shared/handbook.ts';
import type { ModuleCode } from '../../shared/vocabulary.ts';
import { BENCH_PASSWORD, benchModules, createBenchCandidates, pool } from '../lib/bench-candidates.ts';
import { ratesPerBlock } from '../lib/stats.ts';

export { BENCH_PASSWORD, pool } from '../lib/bench-candidates.ts';

export interface Candidate {
  index: number;
  userId: string;
  username: string;
  sessionId: string;
  module: ModuleCode;
  token: string;
}

export interface SetupTimings {
  usersMs: number;
  productLoginMsEach: number | null;
  productLogins: number;
  directTokens: number;
  tokensMs: number;
  scheduleMs: number;
  checkInMs: number;
  admitMs: number;
  admitMsEachP50: number;
  admitMsEachP99: number;
  /** Admissions per second over the whole admission phase (every candidate: LOFT form assembly + write). */
  admitPerS: number;
  /** Admissions per second per block of `admitBlockSize` in completion order: flat, or slowing as forms accumulate. */
  admitPerSByBlock: number[];
  admitBlockSize: number;
  handbookMs: number;
}

export async function prepareCandidates(opts: {
  databaseUrl: string;
  tokenSecret: string;
  serverUrl: string;
  sessions: number;
  /** Candidates per test center (a testing center has tens of seats, not thousands). */
  perCenter: number;
  productLogins: number;
  concurrency: number;
  /** Admissions per block for the admission rate series (default 500). */
  admitBlockSize?: number;
  log: (m: string) => void;
}): Promise<{ candidates: Candidate[]; modules: ModuleCode[]; centers: number; timings: SetupTimings }> {
  const config = parseConfig({ DATABASE_URL: opts.databaseUrl, TOKEN_SECRET: opts.tokenSecret, LOG_LEVEL: 'warn' });
  const database: Database = await openDatabase(config.database);
  const services = composeServices({ config, database, clock: systemClock });
  const sql = new pg.Pool({ connectionString: opts.databaseUrl, max: 4 });
  try {
    const centerCount = Math.max(1, Math.ceil(opts.sessions / opts.perCenter));
    const modules = await benchModules(services);
    let t = performance.now();
    const { users, proctor, centerOf, candidateActor } = await createBenchCandidates(services, sql, { count: opts.sessions, perCenter: opts.perCenter });
    const usersMs = performance.now() - t;
    opts.log(`  ${users.length} candidates inserted in ${(usersMs / 1000).toFixed(1)} s (one scrypt hash)`);

    // Sign-in: a sample through the real endpoint, the rest with the same HMAC the auth service stores.
    t = performance.now();
    const tokens: string[] = new Array(users.length);
    const productLogins = Math.min(opts.productLogins, users.length);
    const tl = performance.now();
    await pool(users.slice(0, productLogins), 8, async (u, i) => {
      const r = await fetch(`${opts.serverUrl}/api/auth/token`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: u.username, password: BENCH_PASSWORD }) });
      if (!r.ok) throw new Error(`POST /api/auth/token ${u.username}: ${r.status} ${await r.text()}`);
      tokens[i] = ((await r.json()) as { token: string }).token;
    });
    const productLoginMsEach = productLogins ? (performance.now() - tl) / productLogins : null;
    const expires = new Date(Date.now() + config.sessionTtlMs);
    for (let from = productLogins; from < users.length; from += 1000) {
      const chunk = users.slice(from, from + 1000);
      const hashes: string[] = [];
      chunk.forEach((u, j) => {
        const token = randomBytes(32).toString('base64url');
        tokens[from + j] = token;
        hashes.push(createHmac('sha256', opts.tokenSecret).update(token).digest('base64url'));
      });
      await sql.query(`insert into auth_sessions (token_hash, user_id, expires_at) select h, u, $3 from unnest($1::text[], $2::uuid[]) as x(h, u)`, [hashes, chunk.map((u) => u.id), expires]);
    }
    const directTokens = users.length - productLogins;
    if (directTokens > 0) {
      const probe = users[users.length - 1]!;
      const me = await fetch(`${opts.serverUrl}/api/auth/me`, { headers: { authorization: `Bearer ${tokens[users.length - 1]}` } });
      const body = me.ok ? ((await me.json()) as { userId?: string }) : null;
      if (body?.userId !== probe.id) throw new Error(`a directly inserted token did not authenticate (${me.status}); is TOKEN_SECRET the same for server and bench?`);
    }
    const tokensMs = performance.now() - t;
    opts.log(`  sign-in: ${productLogins} through POST /api/auth/token (${productLoginMsEach?.toFixed(0) ?? '-'} ms each), ${directTokens} auth_sessions rows with the service's HMAC`);

    // Sessions through the services, as a testing center does it: schedule, check in, admit (assembles a form), handbook.
    const scheduledAt = new Date();
    t = performance.now();
    const sessionIds = await pool(users, opts.concurrency, async (u, i) => {
      const row = await services.sessions.schedule(proctor, { candidateId: u.id, module: modules[i % modules.length]!, testCenterId: centerOf(i), scheduledAt });
      return row.id;
    });
    const scheduleMs = performance.now() - t;
    opts.log(`  scheduled in ${(scheduleMs / 1000).toFixed(1)} s`);
    t = performance.now();
    await pool(users, opts.concurrency, (u, i) => services.sessions.checkIn(candidateActor(i), sessionIds[i]!));
    const checkInMs = performance.now() - t;
    t = performance.now();
    const admitEach: number[] = [];
    const admitDoneAt: number[] = [];
    let lastLog = performance.now();
    await pool(users, opts.concurrency, async (_u, i) => {
      const a = performance.now();
      await services.sessions.admit(proctor, sessionIds[i]!, { idConfirmed: true });
      admitEach.push(performance.now() - a);
      admitDoneAt.push(performance.now() - t);
      if (performance.now() - lastLog > 15_000) {
        lastLog = performance.now();
        opts.log(`    admitted ${admitEach.length}/${users.length}`);
      }
    });
    const admitMs = performance.now() - t;
    admitEach.sort((a, b) => a - b);
    const admitBlockSize = opts.admitBlockSize ?? 500;
    const admitPerSByBlock = ratesPerBlock(admitDoneAt, admitBlockSize);
    opts.log(`  admitted (one assembled form each) in ${(admitMs / 1000).toFixed(1)} s: ${(users.length / (admitMs / 1000)).toFixed(1)}/s; per block of ${admitBlockSize}: ${admitPerSByBlock.join(', ')}/s`);
    t = performance.now();
    await pool(users, opts.concurrency, (u, i) => services.sessions.acknowledgeHandbook(candidateActor(i), sessionIds[i]!, HANDBOOK_VERSION));
    const handbookMs = performance.now() - t;

    const candidates = users.map((u, i) => ({ index: i, userId: u.id, username: u.username, sessionId: sessionIds[i]!, module: modules[i % modules.length]!, token: tokens[i]! }));
    return {
      candidates,
      modules,
      centers: centerCount,
      timings: {
        usersMs: Math.round(usersMs),
        productLoginMsEach: productLoginMsEach === null ? null : Math.round(productLoginMsEach),
        productLogins,
        directTokens,
        tokensMs: Math.round(tokensMs),
        scheduleMs: Math.round(scheduleMs),
        checkInMs: Math.round(checkInMs),
        admitMs: Math.round(admitMs),
        admitMsEachP50: Math.round(admitEach[Math.floor(admitEach.length / 2)] ?? 0),
        admitMsEachP99: Math.round(admitEach[Math.min(admitEach.length - 1, Math.ceil(admitEach.length * 0.99) - 1)] ?? 0),
        admitPerS: Math.round((users.length / Math.max(admitMs / 1000, 0.001)) * 10) / 10,
        admitPerSByBlock,
        admitBlockSize,
        handbookMs: Math.round(handbookMs),
      },
    };
  } finally {
    await sql.end();
    await database.close();
  }
}

/** Every acknowledged answer is in `responses`: the stored sequence is at least the acked one, with its option when equal. */
export async function verifyDurable(databaseUrl: string, acked: { sessionId: string; itemId: string; seq: number; optionId: string | null }[]) {
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    const r = await c.query<{ session_id: string; item_id: string; option_id: string | null; answer_seq: number }>('select session_id, item_id, option_id, answer_seq from responses');
    const stored = new Map(r.rows.map((x) => [`${x.session_id}/${x.item_id}`, x]));
    let missing = 0;
    for (const a of acked) {
      const s = stored.get(`${a.sessionId}/${a.itemId}`);
      if (!s || s.answer_seq < a.seq || (s.answer_seq === a.seq && s.option_id !== a.optionId)) missing++;
    }
    return { checked: acked.length, missing, responseRows: r.rows.length };
  } finally {
    await c.end();
  }
}

/** Sessions the server has a live socket for (connection_id set), as the database sees it. */
export async function liveConnections(databaseUrl: string): Promise<number> {
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    const r = await c.query<{ n: number }>(`select count(*)::int as n from exam_sessions where connection_id is not null and state = 'in_progress'`);
    return r.rows[0]!.n;
  } finally {
    await c.end();
  }
}

/** PostgreSQL's counters for the bench database (pg_stat_database): transactions, deadlocks, rows written. */
export async function dbCounters(databaseUrl: string): Promise<{ commits: number; rollbacks: number; deadlocks: number; inserted: number; updated: number; checkpoints: number }> {
  const c = new pg.Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    // The statistics collector lags by up to ~0.5 s; callers wait a moment before reading.
    const r = await c.query<{ xact_commit: string; xact_rollback: string; deadlocks: string; tup_inserted: string; tup_updated: string }>(
      'select xact_commit, xact_rollback, deadlocks, tup_inserted, tup_updated from pg_stat_database where datname = current_database()',
    );
    const x = r.rows[0]!;
    // Cluster-wide: a checkpoint (timed, or forced by anyone's CREATE/DROP DATABASE) slows commits for a while after.
    const cp = await c.query<{ n: string }>('select checkpoints_timed + checkpoints_req as n from pg_stat_bgwriter');
    return { commits: Number(x.xact_commit), rollbacks: Number(x.xact_rollback), deadlocks: Number(x.deadlocks), inserted: Number(x.tup_inserted), updated: Number(x.tup_updated), checkpoints: Number(cp.rows[0]!.n) };
  } finally {
    await c.end();
  }
}

export function counterDelta(a: Awaited<ReturnType<typeof dbCounters>>, b: Awaited<ReturnType<typeof dbCounters>>) {
  return { commits: b.commits - a.commits, rollbacks: b.rollbacks - a.rollbacks, deadlocks: b.deadlocks - a.deadlocks, inserted: b.inserted - a.inserted, updated: b.updated - a.updated, checkpoints: b.checkpoints - a.checkpoints };
}
