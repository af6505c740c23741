import { and, desc, eq } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { recertActivities, recertEvidence, users } from '../../db/schema/index.ts';

/**
 * Read model: the tables of other modules this repository reads (never writes), declared so a cross-module read is
 * never a silent join; scripts/lint-architecture.ts holds the list to the code.
 * The candidate's name and username on the admin's review queue.
 */
export const readModel = { reads: ['users'] } as const;

export type RecertStatus = 'pending' | 'approved' | 'rejected';

const evidenceInfo = { fileName: recertEvidence.fileName, contentType: recertEvidence.contentType, size: recertEvidence.size };
const withEvidence = <T extends { evidence: { fileName: string | null } | null }>(r: T) => ({ ...r, evidence: r.evidence?.fileName ? (r.evidence as { fileName: string; contentType: (typeof recertEvidence.$inferSelect)['contentType']; size: number }) : null });

export async function insertActivity(db: Db, a: typeof recertActivities.$inferInsert) {
  const [row] = await db.insert(recertActivities).values(a).returning();
  return row!;
}

export async function insertEvidence(db: Db, e: typeof recertEvidence.$inferInsert): Promise<void> {
  await db.insert(recertEvidence).values(e);
}

export async function findActivity(db: Db, id: string) {
  const [row] = await db.select({ activity: recertActivities, evidence: evidenceInfo }).from(recertActivities).leftJoin(recertEvidence, eq(recertEvidence.activityId, recertActivities.id)).where(eq(recertActivities.id, id));
  return row ? { ...row.activity, evidence: withEvidence(row).evidence } : undefined;
}

/** Decides a pending activity; undefined when it is not pending any more (or does not exist): one decision only. */
export async function decidePending(db: Db, id: string, d: { status: Exclude<RecertStatus, 'pending'>; decidedBy: string; decidedAt: Date; decisionReason: string | null }) {
  const [row] = await db
    .update(recertActivities)
    .set(d)
    .where(and(eq(recertActivities.id, id), eq(recertActivities.status, 'pending')))
    .returning({ id: recertActivities.id });
  return row;
}

export async function evidenceOf(db: Db, activityId: string) {
  const [row] = await db.select().from(recertEvidence).where(eq(recertEvidence.activityId, activityId));
  return row;
}

/** The review queue: activities in one status with the candidate's name, newest report first (at most 500). */
export async function activitiesByStatus(db: Db, status: RecertStatus) {
  const rows = await db
    .select({ activity: recertActivities, evidence: evidenceInfo, candidateName: users.displayName, candidateUsername: users.username })
    .from(recertActivities)
    .innerJoin(users, eq(users.id, recertActivities.candidateId))
    .leftJoin(recertEvidence, eq(recertEvidence.activityId, recertActivities.id))
    .where(eq(recertActivities.status, status))
    .orderBy(desc(recertActivities.createdAt))
    .limit(500);
  return rows.map((r) => ({ ...r.activity, evidence: withEvidence(r).evidence, candidateName: r.candidateName, candidateUsername: r.candidateUsername }));
}
