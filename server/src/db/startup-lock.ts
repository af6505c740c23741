/**
 * Start-up work that must happen once across instances (migrations, first-start loading) runs under a PostgreSQL
 * session-level advisory lock: several instances started at once on a fresh database take turns, the first migrates
 * and loads, the others wait, then find nothing left to do. PGlite is one process's database, so it needs no lock.
 */
import pg from 'pg';
import type { DatabaseTarget } from './client.ts';

/** pg_advisory_lock(classid, objid): an arbitrary constant pair that names "cpt-exam start-up". */
export const STARTUP_LOCK = [0x63707465, 1] as const;

export interface StartupLockEvents {
  /** Called once when another instance holds the lock and this one starts waiting. */
  waiting?: () => void;
}

export async function withStartupLock<T>(target: DatabaseTarget, fn: () => Promise<T>, events: StartupLockEvents = {}): Promise<T> {
  if (target.kind !== 'postgres') return fn();
  // A dedicated connection: a session lock belongs to one connection, and the pool may hand out another.
  const client = new pg.Client({ connectionString: target.url, application_name: 'cpt-exam start-up lock' });
  client.on('error', () => {});
  await client.connect();
  try {
    const [a, b] = STARTUP_LOCK;
    const got = await client.query<{ ok: boolean }>('select pg_try_advisory_lock($1, $2) as ok', [a, b]);
    if (!got.rows[0]!.ok) {
      events.waiting?.();
      await client.query('select pg_advisory_lock($1, $2)', [a, b]);
    }
    try {
      return await fn();
    } finally {
      await client.query('select pg_advisory_unlock($1, $2)', [a, b]).catch(() => {});
    }
  } finally {
    await client.end().catch(() => {});
  }
}
