import { and, asc, desc, eq, gte, inArray, lt, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { cameraConsentHistory, cameraConsents, cameraStills, examSessions, formItems, responses, sessionIncidents, testCenters, users } from '../../db/schema/index.ts';

/**
 * Read model: the tables of other modules this repository reads (never writes), declared so a cross-module read is
 * never a silent join; scripts/lint-architecture.ts holds the list to the code.
 * The roster: each seat's session, progress on its form, incidents, the candidate's name and the center's zone, and the
 * seat camera's consent and latest still (the camera module's) for the seat card and the timeline.
 */
export const readModel = { reads: ['cameraConsentHistory', 'cameraConsents', 'cameraStills', 'examSessions', 'formItems', 'responses', 'sessionIncidents', 'testCenters', 'users'] } as const;

const answered = sql<number>`(select count(*)::int from ${responses} r where r.session_id = ${examSessions.id} and r.option_id is not null)`;
const total = sql<number>`(select count(*)::int from ${formItems} f where f.form_id = ${examSessions.formId})`;
const lastAnswerAt = sql<Date | null>`(select max(r.answered_at) from ${responses} r where r.session_id = ${examSessions.id})`;
/** The current camera decision, or `asked` when a proctor reopened it and the candidate has not answered again. */
const cameraConsent = sql<'given' | 'declined' | 'asked' | null>`coalesce((select case when c.consented then 'given' else 'declined' end from ${cameraConsents} c where c.session_id = ${examSessions.id}), (select 'asked' where exists (select 1 from ${cameraConsentHistory} h where h.session_id = ${examSessions.id})))`;
const latestStillId = sql<string | null>`(select s.id from ${cameraStills} s where s.session_id = ${examSessions.id} order by s.taken_at desc limit 1)`;
const latestStillAt = sql<Date | string | null>`(select max(s.taken_at) from ${cameraStills} s where s.session_id = ${examSessions.id})`;
const incidentCount = sql<number>`(select count(*)::int from ${sessionIncidents} i where i.session_id = ${examSessions.id})`;

const rosterColumns = {
  sessionId: examSessions.id,
  candidateId: examSessions.candidateId,
  candidateName: users.displayName,
  module: examSessions.module,
  state: examSessions.state,
  endReason: examSessions.endReason,
  scheduledAt: examSessions.scheduledAt,
  admittedAt: examSessions.admittedAt,
  handbookAcknowledgedAt: examSessions.handbookAcknowledgedAt,
  startedAt: examSessions.startedAt,
  testCenterId: examSessions.testCenterId,
  allowedMs: examSessions.allowedMs,
  usedMs: examSessions.usedMs,
  runningSince: examSessions.runningSince,
  pauseReason: examSessions.pauseReason,
  connectionId: examSessions.connectionId,
  lastSeenAt: examSessions.lastSeenAt,
  disconnectCreditedMs: examSessions.disconnectCreditedMs,
  rttMs: examSessions.rttMs,
  pendingAnswers: examSessions.pendingAnswers,
  timeMultiplier: examSessions.timeMultiplier,
  accommodationNote: examSessions.accommodationNote,
  separateRoom: examSessions.separateRoom,
  seatLabel: examSessions.seatLabel,
  breakEndsAt: examSessions.breakEndsAt,
  answered,
  total,
  lastAnswerAt,
  incidents: incidentCount,
  cameraConsent,
  latestStillId,
  latestStillAt,
};


async function rosterRows(db: Db, where: SQL) {
  return db.select(rosterColumns).from(examSessions).innerJoin(users, eq(users.id, examSessions.candidateId)).where(where).orderBy(asc(examSessions.scheduledAt), asc(users.displayName));
}

/** A center's seats scheduled in [from, to), plus any of its sessions still checked in or running. */
export function centerRoster(db: Db, testCenterId: string, from: Date, to: Date) {
  const day = and(gte(examSessions.scheduledAt, from), lt(examSessions.scheduledAt, to));
  const live = inArray(examSessions.state, ['checked_in', 'in_progress', 'paused']);
  return rosterRows(db, and(eq(examSessions.testCenterId, testCenterId), or(day, live))!);
}

/** Roster rows for sessions of any centers, by id (each row carries its own testCenterId). */
export function rowsByIds(db: Db, ids: string[]) {
  if (!ids.length) return Promise.resolve([]);
  return rosterRows(db, inArray(examSessions.id, ids));
}

export async function recentIncidents(db: Db, ids: string[], since: Date) {
  if (!ids.length) return [];
  return db
    .select({ sessionId: sessionIncidents.sessionId, kind: sessionIncidents.kind, at: sessionIncidents.at })
    .from(sessionIncidents)
    .where(and(inArray(sessionIncidents.sessionId, ids), gte(sessionIncidents.at, since)))
    .orderBy(desc(sessionIncidents.at));
}

export async function lastIncidents(db: Db, ids: string[]) {
  if (!ids.length) return [];
  return db
    .selectDistinctOn([sessionIncidents.sessionId], { sessionId: sessionIncidents.sessionId, kind: sessionIncidents.kind, at: sessionIncidents.at })
    .from(sessionIncidents)
    .where(inArray(sessionIncidents.sessionId, ids))
    .orderBy(sessionIncidents.sessionId, desc(sessionIncidents.at));
}

/** The name of whoever recorded an incident (a proctor, an admin, the candidate), or null for the system. */
const recordedBy = sql<string | null>`(select u.display_name from ${users} u where u.id = ${sessionIncidents.actorId})`;

export async function incidentsForCenter(db: Db, testCenterId: string, from: Date, to: Date) {
  return db
    .select({
      at: sessionIncidents.at,
      sessionId: sessionIncidents.sessionId,
      candidate: users.displayName,
      module: examSessions.module,
      kind: sessionIncidents.kind,
      category: sessionIncidents.category,
      severity: sessionIncidents.severity,
      source: sessionIncidents.source,
      recordedBy,
      note: sessionIncidents.note,
    })
    .from(sessionIncidents)
    .innerJoin(examSessions, eq(examSessions.id, sessionIncidents.sessionId))
    .innerJoin(users, eq(users.id, examSessions.candidateId))
    .where(and(eq(examSessions.testCenterId, testCenterId), gte(sessionIncidents.at, from), lt(sessionIncidents.at, to)))
    .orderBy(asc(sessionIncidents.at));
}

export async function incidentsForSession(db: Db, sessionId: string) {
  return db
    .select({ at: sessionIncidents.at, kind: sessionIncidents.kind, category: sessionIncidents.category, severity: sessionIncidents.severity, source: sessionIncidents.source, note: sessionIncidents.note, actorId: sessionIncidents.actorId, recordedBy })
    .from(sessionIncidents)
    .where(eq(sessionIncidents.sessionId, sessionId))
    .orderBy(asc(sessionIncidents.id));
}

/** Who, where and what for a session's irregularity report: the candidate, the center and its zone. */
export async function reportHeader(db: Db, sessionId: string) {
  const [row] = await db
    .select({ candidateName: users.displayName, candidateUsername: users.username, testCenter: testCenters.name, testCenterCode: testCenters.code, timeZone: testCenters.timeZone })
    .from(examSessions)
    .innerJoin(users, eq(users.id, examSessions.candidateId))
    .innerJoin(testCenters, eq(testCenters.id, examSessions.testCenterId))
    .where(eq(examSessions.id, sessionId))
    .limit(1);
  return row;
}

/** Display names of users by id (the people in a session's audit trail). */
export async function userNames(db: Db, ids: string[]): Promise<Map<string, string>> {
  if (!ids.length) return new Map();
  const rows = await db.select({ id: users.id, name: users.displayName }).from(users).where(inArray(users.id, ids));
  return new Map(rows.map((r) => [r.id, r.name]));
}

export async function liveSessionIds(db: Db, testCenterId: string, state: 'in_progress' | 'paused', pauseReason?: string) {
  const rows = await db
    .select({ id: examSessions.id })
    .from(examSessions)
    .where(and(eq(examSessions.testCenterId, testCenterId), eq(examSessions.state, state), pauseReason ? eq(examSessions.pauseReason, pauseReason) : undefined));
  return rows.map((r) => r.id);
}

export async function centerTimeZone(db: Db, testCenterId: string): Promise<string | undefined> {
  const [row] = await db.select({ tz: testCenters.timeZone }).from(testCenters).where(eq(testCenters.id, testCenterId)).limit(1);
  return row?.tz;
}

export type RosterRecord = Awaited<ReturnType<typeof rosterRows>>[number];

/** A session's camera stills for its timeline (ids and times; the images are fetched one by one). */
export async function stillsForSession(db: Db, sessionId: string) {
  return db.select({ id: cameraStills.id, takenAt: cameraStills.takenAt, bytes: cameraStills.bytes }).from(cameraStills).where(eq(cameraStills.sessionId, sessionId)).orderBy(asc(cameraStills.takenAt));
}
