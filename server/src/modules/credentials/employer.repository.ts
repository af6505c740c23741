import { and, asc, count, desc, eq, inArray, isNull, lt, lte, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { credentialEvents, credentials, employerApiKeys, employerOrgs, employerRateWindows, employerVerifications, users, webhookDeliveries } from '../../db/schema/index.ts';

/**
 * Read model: the tables of other modules this repository reads (never writes), declared so a cross-module read is
 * never a silent join; scripts/lint-architecture.ts holds the list to the code.
 * What employers verify: credentials, their events (for webhooks) and the holder's name.
 */
export const readModel = { reads: ['credentialEvents', 'credentials', 'users'] } as const;

export type OrgRow = typeof employerOrgs.$inferSelect;

export async function insertOrg(db: Db, o: { name: string; contactEmail: string | null }): Promise<OrgRow> {
  const [row] = await db.insert(employerOrgs).values(o).onConflictDoNothing().returning();
  return row!;
}

export async function findOrg(db: Db, id: string): Promise<OrgRow | undefined> {
  const [row] = await db.select().from(employerOrgs).where(eq(employerOrgs.id, id)).limit(1);
  return row;
}

export async function orgs(db: Db): Promise<OrgRow[]> {
  return db.select().from(employerOrgs).orderBy(asc(employerOrgs.name));
}

export async function keysOf(db: Db, orgIds: string[]) {
  if (!orgIds.length) return [];
  return db.select().from(employerApiKeys).where(inArray(employerApiKeys.orgId, orgIds)).orderBy(asc(employerApiKeys.createdAt));
}

export async function deliveryCounts(db: Db) {
  return db.select({ orgId: webhookDeliveries.orgId, state: webhookDeliveries.state, n: count() }).from(webhookDeliveries).groupBy(webhookDeliveries.orgId, webhookDeliveries.state);
}

export async function setWebhook(db: Db, orgId: string, url: string | null, secret: string | null): Promise<void> {
  await db.update(employerOrgs).set({ webhookUrl: url, webhookSecret: secret }).where(eq(employerOrgs.id, orgId));
}

export async function insertKey(db: Db, k: typeof employerApiKeys.$inferInsert) {
  const [row] = await db.insert(employerApiKeys).values(k).returning();
  return row!;
}

export async function revokeKey(db: Db, orgId: string, keyId: string, at: Date): Promise<boolean> {
  const rows = await db
    .update(employerApiKeys)
    .set({ revokedAt: at })
    .where(and(eq(employerApiKeys.id, keyId), eq(employerApiKeys.orgId, orgId), isNull(employerApiKeys.revokedAt)))
    .returning({ id: employerApiKeys.id });
  return rows.length > 0;
}

/** The live key with this hash and its organization (not revoked, organization not disabled). */
export async function keyByHash(db: Db, keyHash: string) {
  const [row] = await db
    .select({ keyId: employerApiKeys.id, orgId: employerOrgs.id, orgName: employerOrgs.name, lastUsedAt: employerApiKeys.lastUsedAt })
    .from(employerApiKeys)
    .innerJoin(employerOrgs, eq(employerOrgs.id, employerApiKeys.orgId))
    .where(and(eq(employerApiKeys.keyHash, keyHash), isNull(employerApiKeys.revokedAt), eq(employerOrgs.disabled, false)))
    .limit(1);
  return row;
}

export async function touchKey(db: Db, keyId: string, at: Date): Promise<void> {
  await db.update(employerApiKeys).set({ lastUsedAt: at }).where(eq(employerApiKeys.id, keyId));
}

/** Adds to this minute's counters and returns the totals (one atomic upsert, so instances share the limit). */
export async function countUsage(db: Db, orgId: string, windowStart: Date, requests: number, codes: number) {
  const [row] = await db
    .insert(employerRateWindows)
    .values({ orgId, windowStart, requests, codes })
    .onConflictDoUpdate({
      target: [employerRateWindows.orgId, employerRateWindows.windowStart],
      set: { requests: sql`${employerRateWindows.requests} + ${requests}`, codes: sql`${employerRateWindows.codes} + ${codes}` },
    })
    .returning({ requests: employerRateWindows.requests, codes: employerRateWindows.codes });
  return row!;
}

export async function pruneUsage(db: Db, before: Date): Promise<void> {
  await db.delete(employerRateWindows).where(lt(employerRateWindows.windowStart, before));
}

export async function credentialsByCodes(db: Db, codes: string[]) {
  if (!codes.length) return [];
  return db
    .select({ credential: credentials, holder: users.displayName })
    .from(credentials)
    .innerJoin(users, eq(users.id, credentials.candidateId))
    .where(inArray(credentials.verificationCode, codes));
}

export async function recordVerifications(db: Db, orgId: string, credentialIds: string[], at: Date): Promise<void> {
  if (!credentialIds.length) return;
  await db
    .insert(employerVerifications)
    .values(credentialIds.map((credentialId) => ({ orgId, credentialId, firstVerifiedAt: at, lastVerifiedAt: at })))
    .onConflictDoUpdate({ target: [employerVerifications.orgId, employerVerifications.credentialId], set: { lastVerifiedAt: at } });
}

export async function deliveriesOf(db: Db, orgId: string, limit: number) {
  return db
    .select({ d: webhookDeliveries, kind: credentialEvents.kind, code: credentials.verificationCode })
    .from(webhookDeliveries)
    .innerJoin(credentialEvents, eq(credentialEvents.id, webhookDeliveries.eventId))
    .innerJoin(credentials, eq(credentials.id, credentialEvents.credentialId))
    .where(eq(webhookDeliveries.orgId, orgId))
    .orderBy(desc(webhookDeliveries.createdAt))
    .limit(limit);
}

/**
 * Claims up to `limit` due deliveries for this instance: pending, due, and not leased by another instance (or whose
 * lease ran out: that instance died mid-send). SKIP LOCKED keeps two instances from claiming the same row.
 */
export async function claimDue(db: Db, now: Date, leaseUntil: Date, limit: number) {
  const due = await db
    .select({ id: webhookDeliveries.id })
    .from(webhookDeliveries)
    .where(and(eq(webhookDeliveries.state, 'pending'), lte(webhookDeliveries.nextAttemptAt, now), or(isNull(webhookDeliveries.lockedUntil), lt(webhookDeliveries.lockedUntil, now))))
    .orderBy(asc(webhookDeliveries.nextAttemptAt))
    .limit(limit)
    .for('update', { skipLocked: true });
  if (!due.length) return [];
  const ids = due.map((d) => d.id);
  await db.update(webhookDeliveries).set({ lockedUntil: leaseUntil }).where(inArray(webhookDeliveries.id, ids));
  return db
    .select({
      id: webhookDeliveries.id,
      attempts: webhookDeliveries.attempts,
      eventId: credentialEvents.id,
      kind: credentialEvents.kind,
      reason: credentialEvents.reason,
      occurredAt: credentialEvents.occurredAt,
      url: employerOrgs.webhookUrl,
      secret: employerOrgs.webhookSecret,
      credential: credentials,
      holder: users.displayName,
    })
    .from(webhookDeliveries)
    .innerJoin(credentialEvents, eq(credentialEvents.id, webhookDeliveries.eventId))
    .innerJoin(employerOrgs, eq(employerOrgs.id, webhookDeliveries.orgId))
    .innerJoin(credentials, eq(credentials.id, credentialEvents.credentialId))
    .innerJoin(users, eq(users.id, credentials.candidateId))
    .where(inArray(webhookDeliveries.id, ids));
}

export async function finishAttempt(db: Db, id: string, r: { state: 'pending' | 'delivered' | 'failed'; attempts: number; nextAttemptAt: Date; lastStatus: number | null; lastError: string | null; deliveredAt: Date | null }): Promise<void> {
  await db.update(webhookDeliveries).set({ ...r, lockedUntil: null }).where(eq(webhookDeliveries.id, id));
}

/** Credentials that expired by `now`, were verified by an organization before, and have no expiry event yet. */
export async function expiredUnannounced(db: Db, now: Date, limit: number): Promise<string[]> {
  const rows = await db
    .selectDistinct({ id: credentials.id })
    .from(credentials)
    .innerJoin(employerVerifications, eq(employerVerifications.credentialId, credentials.id))
    .where(
      and(
        lte(credentials.expiresAt, now),
        sql`${credentials.status} <> 'revoked'`,
        sql`not exists (select 1 from ${credentialEvents} e where e.dedupe_key = ${credentials.id}::text || ':expired')`,
      ),
    )
    .limit(limit);
  return rows.map((r) => r.id);
}

export async function credentialExpiresAt(db: Db, id: string): Promise<Date | undefined> {
  const [row] = await db.select({ expiresAt: credentials.expiresAt }).from(credentials).where(eq(credentials.id, id)).limit(1);
  return row?.expiresAt;
}
