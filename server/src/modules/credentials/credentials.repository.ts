import { and, asc, between, eq, max } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { credentials, signingKeys } from '../../db/schema/index.ts';

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
