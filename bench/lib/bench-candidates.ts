/**
 * Candidates for benchmarks, made the way bench/sessions and bench/admissions both need them: test centers and a
 * proctor through the product's services, candidate accounts in bulk with ONE precomputed scrypt hash (bench-only SQL,
 * documented in docs/performance.md) instead of N x scrypt through accounts.createUser.
 */
import type pg from 'pg';
import type { Services } from '../../server/src/compose.ts';
import type { Actor } from '../../server/src/platform/actor.ts';
import { hashPassword } from '../../server/src/platform/password-hasher.ts';
import { MODULE_CODES, type ModuleCode } from '../../shared/vocabulary.ts';

export const BENCH_PASSWORD = 'bench-password-1';
/** Test centers are created with this code prefix, `perCenter` candidates (seats) each. */
const BENCH_CENTER_PREFIX = 'BENCH-';

/** Runs fn over items with at most `limit` in flight; bounded by the item count. */
export async function pool<T, R>(items: T[], limit: number, fn: (t: T, i: number) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const lanes = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i]!, i);
    }
  });
  await Promise.all(lanes);
  return out;
}

/** Modules with a blueprint in the loaded bank; candidates are spread over them. */
export async function benchModules(services: Services): Promise<ModuleCode[]> {
  const modules: ModuleCode[] = [];
  for (const m of MODULE_CODES) {
    try {
      await services.assembly.blueprintFor(m);
      modules.push(m);
    } catch {
      // no blueprint for this module in the bank
    }
  }
  if (!modules.length) throw new Error('the bank holds no blueprints; is item-bank/ present?');
  return modules;
}

export interface BenchCandidates {
  users: { id: string; username: string }[];
  centerIds: string[];
  centerOf: (i: number) => string;
  proctor: Actor;
  candidateActor: (i: number) => Actor;
}

/**
 * `count` candidates (bench-cand-000000 …) in test centers of `perCenter` seats, and one proctor who staffs every bench
 * center (a proctor may belong to several).
 */
export async function createBenchCandidates(services: Services, sql: pg.Pool, opts: { count: number; perCenter: number }): Promise<BenchCandidates> {
  const centerCount = Math.max(1, Math.ceil(opts.count / opts.perCenter));
  const codes = Array.from({ length: centerCount }, (_, i) => `${BENCH_CENTER_PREFIX}${String(i + 1).padStart(3, '0')}`);
  const centers = await pool(codes, 4, (code) => services.accounts.createTestCenter(null, { code, name: `Benchmark center ${code}`, timeZone: 'America/Chicago' }));
  const proctorUser = await services.accounts.createUser(null, { username: 'bench-proctor', displayName: 'Bench Proctor', role: 'proctor', password: BENCH_PASSWORD, testCenterCodes: codes });
  const proctor = (await services.accounts.actorFor(proctorUser.id))!;
  const centerOf = (i: number) => centers[Math.floor(i / opts.perCenter)]!.id;

  const hash = await hashPassword(BENCH_PASSWORD);
  const users: { id: string; username: string }[] = [];
  for (let from = 0; from < opts.count; from += 1000) {
    const names = Array.from({ length: Math.min(1000, opts.count - from) }, (_, i) => `bench-cand-${String(from + i).padStart(6, '0')}`);
    const r = await sql.query<{ id: string; username: string }>(
      `insert into users (username, display_name, role, password_hash)
       select u, 'Bench Candidate ' || u, 'candidate', $2 from unnest($1::text[]) as u
       returning id, username`,
      [names, hash],
    );
    // usernames sort in index order, so candidate i sits in center floor(i / perCenter)
    const byName = new Map(r.rows.map((x) => [x.username, x.id]));
    await sql.query(`insert into test_center_members (user_id, test_center_id) select * from unnest($1::uuid[], $2::uuid[])`, [names.map((n) => byName.get(n)!), names.map((_, i) => centerOf(from + i))]);
    users.push(...r.rows);
  }
  users.sort((a, b) => a.username.localeCompare(b.username));
  const candidateActor = (i: number): Actor => ({ userId: users[i]!.id, username: users[i]!.username, displayName: `Bench Candidate ${users[i]!.username}`, role: 'candidate', testCenterIds: [centerOf(i)] });
  return { users, centerIds: centers.map((c) => c.id), centerOf, proctor, candidateActor };
}
