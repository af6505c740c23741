import { sql } from 'drizzle-orm';
import type { Db } from './client.ts';

/** The one channel for cross-instance events; payloads stay small (ids and a kind), receivers reload what they need. */
export const EVENTS_CHANNEL = 'cpt_events';

/** Queues a NOTIFY; inside a transaction it is delivered at commit, and not at all on rollback. */
export async function notify(db: Db, payload: Record<string, unknown>): Promise<void> {
  await db.execute(sql`select pg_notify(${EVENTS_CHANNEL}, ${JSON.stringify(payload)})`);
}
