/**
 * Reads for operations (metrics), across modules' tables on purpose: one grouped count per Prometheus scrape. No
 * module depends on these.
 */
import { sql } from 'drizzle-orm';
import type { Db } from './client.ts';

export async function countSessionsByState(db: Db): Promise<Record<string, number>> {
  const r = (await db.execute(sql`select state, count(*)::int as n from exam_sessions group by state`)) as unknown as { rows: { state: string; n: number }[] };
  return Object.fromEntries(r.rows.map((x) => [x.state, Number(x.n)]));
}
