import { and, asc, between, eq, lt, max, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { credentials, publicRateBuckets, signingKeys } from '../../db/schema/index.ts';

/**
 * Read model: the tables of other modules this repository reads (never writes), declared so a cross-module read is
 * never a silent join; scripts/lint-architecture.ts holds the list to the code.
 * The credential a verification, badge or status list speaks of (scoring issues and changes them).
 */
export const readModel = { reads: ['credentials'] } as const;

export async function publishSigningKey(db: Db, kid: string, publicJwk: Record<string, string>): Promise<void> {
  await db.insert(signingKeys).values({ kid, publicJwk }).onConflictDoNothing();
}

export async function signingKeysAll(db: Db) {
  return db.select().from(signingKeys).orderBy(asc(signingKeys.firstUsedAt));
}

/** statusSeq of the revoked credentials whose bits fall in [fromSeq, toSeq]. */
export async function revokedSeqsBetween(db: Db, fromSeq: number, toSeq: number): Promise<number[]> {
  const rows = await db
    .select({ seq: credentials.statusSeq })
    .from(credentials)
    .where(and(eq(credentials.status, 'revoked'), between(credentials.statusSeq, fromSeq, toSeq)));
  return rows.map((r) => r.seq);
}

export async function highestStatusSeq(db: Db): Promise<number> {
  const [row] = await db.select({ n: max(credentials.statusSeq) }).from(credentials);
  return row?.n ?? 0;
}

/**
 * Spends one token of the (scope, key) bucket in one atomic upsert: the row lock of ON CONFLICT DO UPDATE serializes
 * concurrent requests from every instance, so `burst` requests in a row get through in total, not per instance. The
 * bucket refills `perSecond` from the last request's time. Returns whether this request is let through and the tokens
 * left (below 1 when refused).
 */
export async function takePublicToken(db: Db, scope: string, key: string, now: Date, limits: { burst: number; perSecond: number }): Promise<{ granted: boolean; tokens: number }> {
  const at = sql`${now.toISOString()}::timestamptz`;
  const refilled = sql`least(${limits.burst}::float8, ${publicRateBuckets.tokens} + greatest(0, extract(epoch from (${at} - ${publicRateBuckets.updatedAt})))::float8 * ${limits.perSecond}::float8)`;
  const [row] = await db
    .insert(publicRateBuckets)
    .values({ scope, key, tokens: limits.burst - 1, granted: true, updatedAt: now })
    .onConflictDoUpdate({
      target: [publicRateBuckets.scope, publicRateBuckets.key],
      set: {
        tokens: sql`case when ${refilled} >= 1 then ${refilled} - 1 else ${refilled} end`,
        granted: sql`${refilled} >= 1`,
        updatedAt: sql`greatest(${publicRateBuckets.updatedAt}, ${at})`,
      },
    })
    .returning({ granted: publicRateBuckets.granted, tokens: publicRateBuckets.tokens });
  return row!;
}

/** Deletes buckets untouched since `before` (full again by then: the same as no row). */
export async function deleteIdleBuckets(db: Db, before: Date): Promise<number> {
  const gone = await db.delete(publicRateBuckets).where(lt(publicRateBuckets.updatedAt, before)).returning({ key: publicRateBuckets.key });
  return gone.length;
}
