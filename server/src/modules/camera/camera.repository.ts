import { and, asc, desc, eq, inArray, lt, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { cameraConsentHistory, cameraConsents, cameraSettings, cameraStills } from '../../db/schema/index.ts';
import { notify } from '../../db/notify.ts';

export type CameraSettingsRow = typeof cameraSettings.$inferSelect;
export type CameraConsentRow = typeof cameraConsents.$inferSelect;

export async function findSettings(db: Db, testCenterId: string): Promise<CameraSettingsRow | undefined> {
  const [row] = await db.select().from(cameraSettings).where(eq(cameraSettings.testCenterId, testCenterId)).limit(1);
  return row;
}

export async function upsertSettings(db: Db, row: CameraSettingsRow): Promise<void> {
  await db
    .insert(cameraSettings)
    .values(row)
    .onConflictDoUpdate({ target: cameraSettings.testCenterId, set: { enabled: row.enabled, intervalSeconds: row.intervalSeconds, retentionDays: row.retentionDays, updatedAt: row.updatedAt, updatedBy: row.updatedBy } });
}

export async function findConsent(db: Db, sessionId: string, lock = false): Promise<CameraConsentRow | undefined> {
  const q = db.select().from(cameraConsents).where(eq(cameraConsents.sessionId, sessionId)).limit(1);
  const [row] = lock ? await q.for('update') : await q;
  return row;
}

/** Records the decision once: a second one (another tab, a replay) changes nothing and answers false. */
export async function insertConsent(db: Db, sessionId: string, consented: boolean, at: Date): Promise<boolean> {
  const rows = await db.insert(cameraConsents).values({ sessionId, consented, decidedAt: at }).onConflictDoNothing().returning({ sessionId: cameraConsents.sessionId });
  return rows.length > 0;
}

/**
 * Reopens the decision: the current row (locked by the caller) moves to the history with who reopened it, when and why,
 * and is deleted, so the session has no decision until the candidate answers again (and `insertConsent` records it).
 */
export async function supersedeConsent(db: Db, current: CameraConsentRow, by: { userId: string; at: Date; reason: string }): Promise<void> {
  await db.insert(cameraConsentHistory).values({ sessionId: current.sessionId, consented: current.consented, decidedAt: current.decidedAt, supersededAt: by.at, supersededBy: by.userId, reason: by.reason });
  await db.delete(cameraConsents).where(eq(cameraConsents.sessionId, current.sessionId));
}

/** The session's superseded decisions, oldest first. */
export function listConsentHistory(db: Db, sessionId: string) {
  return db
    .select({ consented: cameraConsentHistory.consented, decidedAt: cameraConsentHistory.decidedAt, supersededAt: cameraConsentHistory.supersededAt, supersededBy: cameraConsentHistory.supersededBy, reason: cameraConsentHistory.reason })
    .from(cameraConsentHistory)
    .where(eq(cameraConsentHistory.sessionId, sessionId))
    .orderBy(asc(cameraConsentHistory.supersededAt));
}

export async function insertStill(db: Db, s: { sessionId: string; testCenterId: string; takenAt: Date; jpeg: Uint8Array }) {
  const [row] = await db
    .insert(cameraStills)
    .values({ ...s, bytes: s.jpeg.byteLength })
    .returning({ id: cameraStills.id, takenAt: cameraStills.takenAt, bytes: cameraStills.bytes });
  await db.update(cameraConsents).set({ lastStillAt: s.takenAt }).where(eq(cameraConsents.sessionId, s.sessionId));
  return row!;
}

export function listStills(db: Db, sessionId: string) {
  return db.select({ id: cameraStills.id, takenAt: cameraStills.takenAt, bytes: cameraStills.bytes }).from(cameraStills).where(eq(cameraStills.sessionId, sessionId)).orderBy(desc(cameraStills.takenAt));
}

export async function findStill(db: Db, sessionId: string, stillId: string) {
  const [row] = await db.select({ jpeg: cameraStills.jpeg }).from(cameraStills).where(and(eq(cameraStills.id, stillId), eq(cameraStills.sessionId, sessionId))).limit(1);
  return row;
}

/**
 * The retention sweep: deletes stills older than their center's retention days (the default for a center with no
 * setting). The rows are claimed with FOR UPDATE SKIP LOCKED, so instances sweeping at once delete disjoint batches.
 */
export async function deleteExpiredStills(db: Db, now: Date, defaultDays: number, limit: number): Promise<number> {
  return db.transaction(async (tx) => {
    const due = await tx
      .select({ id: cameraStills.id })
      .from(cameraStills)
      .leftJoin(cameraSettings, eq(cameraSettings.testCenterId, cameraStills.testCenterId))
      .where(lt(cameraStills.takenAt, sql`${now.toISOString()}::timestamptz - make_interval(days => coalesce(${cameraSettings.retentionDays}, ${defaultDays}::int))`))
      .orderBy(asc(cameraStills.takenAt))
      .limit(limit)
      .for('update', { of: cameraStills, skipLocked: true });
    if (!due.length) return 0;
    await tx.delete(cameraStills).where(
      inArray(
        cameraStills.id,
        due.map((d) => d.id),
      ),
    );
    return due.length;
  });
}

/**
 * Tells proctor consoles on every instance that the seat changed (a still, a consent); the feed reloads the row.
 * `camera-reopened` also reaches the candidate's exam socket, which asks the consent question again.
 */
export async function notifySeat(db: Db, sessionId: string, testCenterId: string, kind: 'camera' | 'camera-reopened'): Promise<void> {
  await notify(db, { t: 'session', id: sessionId, kind, center: testCenterId });
}

export async function setLastFailure(db: Db, sessionId: string, at: Date): Promise<void> {
  await db.update(cameraConsents).set({ lastFailureAt: at }).where(eq(cameraConsents.sessionId, sessionId));
}
