import { and, eq, inArray, isNotNull, lte } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { credentialEvents, credentials, employerOrgs, employerVerifications, examSessions, resultDispositions, webhookDeliveries } from '../../db/schema/index.ts';

/**
 * Read model: the tables of other modules this repository reads, and the one it writes, declared so a cross-module
 * access is never silent; scripts/lint-architecture.ts holds the lists to the code.
 * The candidate of a disposition's session, and the employers that verified a credential with a webhook to tell.
 * Writes (a debt to pay off): an event enqueues its webhook deliveries in the same transaction, exactly once; the
 * credentials module should create them from credential events itself.
 */
export const readModel = { reads: ['employerOrgs', 'employerVerifications', 'examSessions'], writes: ['webhookDeliveries'] } as const;

export type DispositionRow = typeof resultDispositions.$inferSelect;

export async function findDisposition(db: Db, sessionId: string): Promise<DispositionRow | undefined> {
  const [row] = await db.select().from(resultDispositions).where(eq(resultDispositions.sessionId, sessionId)).limit(1);
  return row;
}

/** Every hold and void on a candidate's results, by session. */
export async function dispositionsOfCandidate(db: Db, candidateId: string): Promise<Map<string, DispositionRow>> {
  const rows = await db
    .select({ d: resultDispositions })
    .from(resultDispositions)
    .innerJoin(examSessions, eq(examSessions.id, resultDispositions.sessionId))
    .where(eq(examSessions.candidateId, candidateId));
  return new Map(rows.map((r) => [r.d.sessionId, r.d]));
}

export async function putDisposition(db: Db, d: typeof resultDispositions.$inferInsert): Promise<void> {
  await db
    .insert(resultDispositions)
    .values(d)
    .onConflictDoUpdate({ target: resultDispositions.sessionId, set: { state: d.state, reason: d.reason, countsAsAttempt: d.countsAsAttempt ?? false, decidedBy: d.decidedBy, decidedAt: d.decidedAt } });
}

export async function deleteDisposition(db: Db, sessionId: string): Promise<void> {
  await db.delete(resultDispositions).where(eq(resultDispositions.sessionId, sessionId));
}

export async function credentialsForSession(db: Db, sessionId: string) {
  return db.select().from(credentials).where(and(eq(credentials.sessionId, sessionId), eq(credentials.kind, 'module')));
}

export async function findCredential(db: Db, id: string) {
  const [row] = await db.select().from(credentials).where(eq(credentials.id, id)).limit(1);
  return row;
}

/** Locks the candidate's credentials, so two admin actions on one candidate never interleave. */
export async function lockCredentialsOf(db: Db, candidateId: string): Promise<void> {
  await db.select({ id: credentials.id }).from(credentials).where(eq(credentials.candidateId, candidateId)).for('update');
}

export async function setCredentialStatus(db: Db, id: string, status: 'active' | 'suspended' | 'revoked', reason: string | null, at: Date): Promise<void> {
  await db.update(credentials).set({ status, statusReason: reason, statusChangedAt: at }).where(eq(credentials.id, id));
}

/**
 * Records an event and enqueues one webhook delivery to every organization that verified the credential and has a
 * webhook, in the caller's transaction. The unique dedupe key makes this exactly-once: a second instance (or a second
 * run of a sweep) inserting the same event inserts nothing. Returns whether the event is new.
 */
export async function recordCredentialEvent(db: Db, e: { credentialId: string; kind: 'revoked' | 'suspended' | 'reinstated' | 'expired'; reason: string | null; occurredAt: Date; dedupeKey: string }): Promise<boolean> {
  const [event] = await db.insert(credentialEvents).values(e).onConflictDoNothing({ target: credentialEvents.dedupeKey }).returning({ id: credentialEvents.id });
  if (!event) return false;
  const orgs = await db
    .select({ orgId: employerVerifications.orgId })
    .from(employerVerifications)
    .innerJoin(employerOrgs, eq(employerOrgs.id, employerVerifications.orgId))
    .where(and(eq(employerVerifications.credentialId, e.credentialId), isNotNull(employerOrgs.webhookUrl), eq(employerOrgs.disabled, false), lte(employerVerifications.firstVerifiedAt, e.occurredAt)));
  if (orgs.length) {
    await db
      .insert(webhookDeliveries)
      .values(orgs.map((o) => ({ eventId: event.id, orgId: o.orgId, nextAttemptAt: e.occurredAt })))
      .onConflictDoNothing();
  }
  return true;
}

export async function eventsOfCredentials(db: Db, credentialIds: string[]) {
  if (!credentialIds.length) return [];
  return db.select().from(credentialEvents).where(inArray(credentialEvents.credentialId, credentialIds));
}
