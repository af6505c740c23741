import { and, asc, desc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { bankReleases, certificationPolicies, credentials, examSessions, formItems, items, itemVersions, modules, recertActivities, recertEvidence, responses, scoreHistory, sessionScores, testCenters, users } from '../../db/schema/index.ts';
import type { CertificationPolicy } from '../../../../shared/certification-policy.ts';
import type { ModuleCode } from '../../../../shared/vocabulary.ts';

/**
 * Read model: the tables of other modules this repository reads (never writes), declared so a cross-module read is
 * never a silent join; scripts/lint-architecture.ts holds the list to the code.
 * An ended session's form, keys and responses to score; names, titles and zones for reports, credentials and exports.
 */
export const readModel = { reads: ['bankReleases', 'examSessions', 'formItems', 'items', 'itemVersions', 'modules', 'responses', 'testCenters', 'users'] } as const;

export async function latestPolicy(db: Db): Promise<CertificationPolicy | undefined> {
  const [row] = await db.select({ body: certificationPolicies.body }).from(certificationPolicies).orderBy(desc(certificationPolicies.createdAt)).limit(1);
  return row?.body;
}

export async function findPolicy(db: Db, version: string): Promise<CertificationPolicy | undefined> {
  const [row] = await db.select({ body: certificationPolicies.body }).from(certificationPolicies).where(eq(certificationPolicies.version, version)).limit(1);
  return row?.body;
}

export async function insertPolicy(db: Db, policy: CertificationPolicy): Promise<void> {
  await db.insert(certificationPolicies).values({ version: policy.version, body: policy });
}

export async function findScore(db: Db, sessionId: string) {
  const [row] = await db.select().from(sessionScores).where(eq(sessionScores.sessionId, sessionId)).limit(1);
  return row;
}

export async function putScore(db: Db, s: { sessionId: string; scoringVersion: string; rawScore: number; scoredItems: number; percent: number; passed: boolean; result: Record<string, unknown>; scoredAt: Date; revision: number }, reason: string) {
  await db
    .insert(sessionScores)
    .values(s)
    .onConflictDoUpdate({ target: sessionScores.sessionId, set: { scoringVersion: s.scoringVersion, rawScore: s.rawScore, scoredItems: s.scoredItems, percent: s.percent, passed: s.passed, result: s.result, scoredAt: s.scoredAt, revision: s.revision } });
  await db.insert(scoreHistory).values({ sessionId: s.sessionId, revision: s.revision, result: s.result, scoredAt: s.scoredAt, reason });
}

/** Takes a session's score away (its history rows stay) when an admin reopens the attempt (#17.9). */
export async function deleteScore(db: Db, sessionId: string) {
  await db.delete(sessionScores).where(eq(sessionScores.sessionId, sessionId));
}

export async function centerOf(db: Db, testCenterId: string) {
  const [row] = await db.select({ id: testCenters.id, name: testCenters.name, timeZone: testCenters.timeZone }).from(testCenters).where(eq(testCenters.id, testCenterId)).limit(1);
  return row;
}

/** Ended attempts of a candidate (optionally one module), with their scores and the center's zone. */
export async function attempts(db: Db, candidateId: string, module?: ModuleCode) {
  return db
    .select({
      sessionId: examSessions.id,
      module: examSessions.module,
      moduleTitle: modules.title,
      state: examSessions.state,
      endedAt: examSessions.endedAt,
      endReason: examSessions.endReason,
      startedAt: examSessions.startedAt,
      scheduledAt: examSessions.scheduledAt,
      testCenterId: examSessions.testCenterId,
      timeZone: testCenters.timeZone,
      centerName: testCenters.name,
      rawScore: sessionScores.rawScore,
      scoredItems: sessionScores.scoredItems,
      percent: sessionScores.percent,
      passed: sessionScores.passed,
    })
    .from(examSessions)
    .innerJoin(testCenters, eq(testCenters.id, examSessions.testCenterId))
    .innerJoin(modules, eq(modules.code, examSessions.module))
    .innerJoin(sessionScores, eq(sessionScores.sessionId, examSessions.id))
    .where(module ? and(eq(examSessions.candidateId, candidateId), eq(examSessions.module, module)) : eq(examSessions.candidateId, candidateId))
    .orderBy(asc(examSessions.endedAt));
}

export type CredentialRow = typeof credentials.$inferSelect;

export async function credentialsOf(db: Db, candidateId: string): Promise<CredentialRow[]> {
  return db.select().from(credentials).where(eq(credentials.candidateId, candidateId)).orderBy(asc(credentials.issuedAt));
}

export async function insertCredential(db: Db, c: typeof credentials.$inferInsert): Promise<CredentialRow> {
  const [row] = await db.insert(credentials).values(c).returning();
  return row!;
}

export async function revokeCredential(db: Db, id: string, reason: string): Promise<void> {
  await db.update(credentials).set({ status: 'revoked', statusReason: reason }).where(eq(credentials.id, id));
}

export async function credentialForSession(db: Db, sessionId: string): Promise<CredentialRow | undefined> {
  const [row] = await db
    .select()
    .from(credentials)
    .where(and(eq(credentials.sessionId, sessionId), eq(credentials.kind, 'module'), eq(credentials.status, 'active')))
    .limit(1);
  return row;
}

export async function findCredentialByCode(db: Db, code: string) {
  const [row] = await db
    .select({ credential: credentials, holder: users.displayName })
    .from(credentials)
    .innerJoin(users, eq(users.id, credentials.candidateId))
    .where(eq(credentials.verificationCode, code))
    .limit(1);
  return row;
}

export async function sessionHeader(db: Db, sessionId: string) {
  const [row] = await db
    .select({
      id: examSessions.id,
      candidateId: examSessions.candidateId,
      candidateName: users.displayName,
      candidateUsername: users.username,
      module: examSessions.module,
      moduleTitle: modules.title,
      blueprintVersion: examSessions.blueprintVersion,
      testCenterId: examSessions.testCenterId,
      testCenter: testCenters.name,
      timeZone: testCenters.timeZone,
      state: examSessions.state,
      endedAt: examSessions.endedAt,
      endReason: examSessions.endReason,
      formId: examSessions.formId,
      releaseId: examSessions.releaseId,
      releaseName: bankReleases.name,
    })
    .from(examSessions)
    .innerJoin(users, eq(users.id, examSessions.candidateId))
    .innerJoin(modules, eq(modules.code, examSessions.module))
    .innerJoin(testCenters, eq(testCenters.id, examSessions.testCenterId))
    .leftJoin(bankReleases, eq(bankReleases.id, examSessions.releaseId))
    .where(eq(examSessions.id, sessionId))
    .limit(1);
  return row;
}

/** Scored sessions whose form holds the item (for rescoring after a key correction). */
export async function scoredSessionsWithItem(db: Db, itemId: string): Promise<string[]> {
  const rows = await db
    .selectDistinct({ id: examSessions.id })
    .from(examSessions)
    .innerJoin(formItems, eq(formItems.formId, examSessions.formId))
    .innerJoin(sessionScores, eq(sessionScores.sessionId, examSessions.id))
    .where(eq(formItems.itemId, itemId));
  return rows.map((r) => r.id);
}

/** The activities recorded for a candidate, oldest first, each with its evidence file's label (not its bytes). */
export async function recertActivitiesOf(db: Db, candidateId: string) {
  const rows = await db
    .select({ activity: recertActivities, evidence: { fileName: recertEvidence.fileName, contentType: recertEvidence.contentType, size: recertEvidence.size } })
    .from(recertActivities)
    .leftJoin(recertEvidence, eq(recertEvidence.activityId, recertActivities.id))
    .where(eq(recertActivities.candidateId, candidateId))
    .orderBy(asc(recertActivities.completedAt), asc(recertActivities.createdAt));
  return rows.map((r) => ({ ...r.activity, evidence: r.evidence?.fileName ? (r.evidence as { fileName: string; contentType: (typeof recertEvidence.$inferSelect)['contentType']; size: number }) : null }));
}

export async function allAttemptsForExport(db: Db, candidateIds?: string[]) {
  return db
    .select({
      candidate: users.username,
      candidateName: users.displayName,
      sessionId: examSessions.id,
      module: examSessions.module,
      state: examSessions.state,
      endedAt: examSessions.endedAt,
      endReason: examSessions.endReason,
      rawScore: sessionScores.rawScore,
      scoredItems: sessionScores.scoredItems,
      percent: sessionScores.percent,
      passed: sessionScores.passed,
      center: testCenters.code,
    })
    .from(examSessions)
    .innerJoin(users, eq(users.id, examSessions.candidateId))
    .innerJoin(testCenters, eq(testCenters.id, examSessions.testCenterId))
    .leftJoin(sessionScores, eq(sessionScores.sessionId, examSessions.id))
    .where(candidateIds ? inArray(examSessions.candidateId, candidateIds) : undefined)
    .orderBy(asc(users.username), asc(examSessions.scheduledAt));
}

/** What scoring needs of a session: the items on its form with the key of the delivered version, and the answers. */
export async function scoringInput(db: Db, sessionId: string, formId: string) {
  const items = await db
    .select({ itemId: formItems.itemId, version: formItems.itemVersion, kwa: formItems.kwa, role: formItems.role, content: itemVersions.content })
    .from(formItems)
    .innerJoin(itemVersions, and(eq(itemVersions.itemId, formItems.itemId), eq(itemVersions.version, formItems.itemVersion)))
    .where(eq(formItems.formId, formId))
    .orderBy(asc(formItems.position));
  const answers = await db.select({ itemId: responses.itemId, optionId: responses.optionId }).from(responses).where(eq(responses.sessionId, sessionId));
  return { items, responses: Object.fromEntries(answers.map((a) => [a.itemId, a.optionId])) as Record<string, string | null> };
}

export async function currentItemVersion(db: Db, itemId: string) {
  const [row] = await db
    .select({ version: items.currentVersion, content: itemVersions.content })
    .from(items)
    .innerJoin(itemVersions, and(eq(itemVersions.itemId, items.id), eq(itemVersions.version, items.currentVersion)))
    .where(eq(items.id, itemId))
    .limit(1);
  return row;
}
