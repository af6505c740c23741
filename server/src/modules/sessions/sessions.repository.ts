import { and, asc, desc, eq, gte, inArray, isNotNull, isNull, lt, lte, or, sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { fixedStatement } from '../../db/fixed-statement.ts';
import { notify } from '../../db/notify.ts';
import { bankReleases, examSessions, extensionRequests, formItems, itemVersionMedia, itemVersions, media, modules, responses, sessionIncidents, sessionTimeLedger, testCenters, users } from '../../db/schema/index.ts';
import type { IncidentCategory, IncidentSeverity } from '../../../../shared/incidents.ts';
import type { ItemContent } from '../../../../shared/item-bank-format.ts';
import type { SessionState } from '../../../../shared/protocol/session-protocol.ts';
import type { ModuleCode } from '../../../../shared/vocabulary.ts';
import type { ProgressByCenter } from './domain/progress-event.ts';

/**
 * Read model: the tables of other modules this repository reads (never writes), declared so a cross-module read is
 * never a silent join; scripts/lint-architecture.ts holds the list to the code.
 * The candidate's form and item content (no keys leave) and the images its item versions show, module titles, the
 * center's name and the candidate's name.
 */
export const readModel = { reads: ['bankReleases', 'formItems', 'itemVersionMedia', 'itemVersions', 'media', 'modules', 'testCenters', 'users'] } as const;

export type SessionRow = typeof examSessions.$inferSelect;
export type SessionPatch = Partial<Omit<typeof examSessions.$inferInsert, 'id' | 'candidateId' | 'createdAt'>>;

export async function insertSession(db: Db, s: typeof examSessions.$inferInsert): Promise<SessionRow> {
  const [row] = await db.insert(examSessions).values(s).returning();
  return row!;
}

export async function findSession(db: Db, id: string): Promise<SessionRow | undefined> {
  const [row] = await db.select().from(examSessions).where(eq(examSessions.id, id)).limit(1);
  return row;
}

/** Locks the row for a state change; concurrent actions on the same session wait their turn. */
export async function lockSession(db: Db, id: string): Promise<SessionRow | undefined> {
  const [row] = await db.select().from(examSessions).where(eq(examSessions.id, id)).for('update').limit(1);
  return row;
}

export async function updateSession(db: Db, id: string, patch: SessionPatch): Promise<void> {
  await db.update(examSessions).set(patch).where(eq(examSessions.id, id));
}

export async function appendLedger(db: Db, entries: (typeof sessionTimeLedger.$inferInsert)[]): Promise<void> {
  if (entries.length) await db.insert(sessionTimeLedger).values(entries);
}

export async function listLedger(db: Db, sessionId: string) {
  return db
    .select({ at: sessionTimeLedger.at, kind: sessionTimeLedger.kind, amountMs: sessionTimeLedger.amountMs, actorId: sessionTimeLedger.actorId, reason: sessionTimeLedger.reason })
    .from(sessionTimeLedger)
    .where(eq(sessionTimeLedger.sessionId, sessionId))
    .orderBy(asc(sessionTimeLedger.id));
}

export async function listSessionsForCandidate(db: Db, candidateId: string) {
  return db
    .select({
      id: examSessions.id,
      module: examSessions.module,
      moduleTitle: modules.title,
      state: examSessions.state,
      scheduledAt: examSessions.scheduledAt,
      testCenterId: examSessions.testCenterId,
      admittedAt: examSessions.admittedAt,
      handbookAcknowledgedAt: examSessions.handbookAcknowledgedAt,
      endedAt: examSessions.endedAt,
      endReason: examSessions.endReason,
      timeZone: testCenters.timeZone,
    })
    .from(examSessions)
    .innerJoin(modules, eq(modules.code, examSessions.module))
    .innerJoin(testCenters, eq(testCenters.id, examSessions.testCenterId))
    .where(eq(examSessions.candidateId, candidateId))
    .orderBy(desc(examSessions.scheduledAt));
}

export async function listSessionsForCenter(db: Db, testCenterId: string, from: Date, to: Date) {
  return db
    .select({
      id: examSessions.id,
      candidateId: examSessions.candidateId,
      candidateName: users.displayName,
      module: examSessions.module,
      state: examSessions.state,
      scheduledAt: examSessions.scheduledAt,
      timeMultiplier: examSessions.timeMultiplier,
    })
    .from(examSessions)
    .innerJoin(users, eq(users.id, examSessions.candidateId))
    .where(and(eq(examSessions.testCenterId, testCenterId), gte(examSessions.scheduledAt, from), lt(examSessions.scheduledAt, to)))
    .orderBy(asc(examSessions.scheduledAt));
}

/** The forms of this candidate's most recent started attempts at the module, newest first (retake overlap). */
export async function previousFormIds(db: Db, candidateId: string, module: ModuleCode, exceptSessionId: string, limit: number): Promise<string[]> {
  if (limit <= 0) return [];
  const rows = await db
    .select({ formId: examSessions.formId })
    .from(examSessions)
    .where(and(eq(examSessions.candidateId, candidateId), eq(examSessions.module, module), isNotNull(examSessions.formId), isNotNull(examSessions.startedAt), sql`${examSessions.id} <> ${exceptSessionId}`))
    .orderBy(desc(examSessions.startedAt))
    .limit(limit);
  return rows.map((r) => r.formId!);
}

export interface SessionFormItem {
  position: number;
  itemId: string;
  version: number;
  kwa: string;
  role: 'scored' | 'pretest';
  optionOrder: string[];
  content: ItemContent;
}

/** The rows of a session's form, in position order, without the items' content (shared across forms; cached). */
export async function loadFormEntries(db: Db, formId: string): Promise<Omit<SessionFormItem, 'content' | 'kwa' | 'role'>[]> {
  return db
    .select({ position: formItems.position, itemId: formItems.itemId, version: formItems.itemVersion, optionOrder: formItems.optionOrder })
    .from(formItems)
    .where(eq(formItems.formId, formId))
    .orderBy(asc(formItems.position));
}

/** The content of these item versions (one statement, whatever their number). */
export async function loadItemContents(db: Db, keys: { itemId: string; version: number }[]): Promise<{ itemId: string; version: number; content: ItemContent }[]> {
  if (!keys.length) return [];
  return db
    .select({ itemId: itemVersions.itemId, version: itemVersions.version, content: itemVersions.content })
    .from(itemVersions)
    .where(sql`(${itemVersions.itemId}, ${itemVersions.version}) in (select * from unnest(${sql.param(keys.map((k) => k.itemId))}::text[], ${sql.param(keys.map((k) => k.version))}::int[]))`);
}

/** The session's form with each item's content at the version on the form. */
export async function loadSessionForm(db: Db, formId: string): Promise<SessionFormItem[]> {
  return db
    .select({ position: formItems.position, itemId: formItems.itemId, version: formItems.itemVersion, kwa: formItems.kwa, role: formItems.role, optionOrder: formItems.optionOrder, content: itemVersions.content })
    .from(formItems)
    .innerJoin(itemVersions, and(eq(itemVersions.itemId, formItems.itemId), eq(itemVersions.version, formItems.itemVersion)))
    .where(eq(formItems.formId, formId))
    .orderBy(asc(formItems.position));
}

export async function loadResponses(db: Db, sessionId: string) {
  return db
    .select({ itemId: responses.itemId, optionId: responses.optionId, flagged: responses.flagged, answerSeq: responses.answerSeq, flagSeq: responses.flagSeq, answeredAt: responses.answeredAt })
    .from(responses)
    .where(eq(responses.sessionId, sessionId))
    .orderBy(asc(responses.itemId));
}

/**
 * The answer path's statements (docs/decisions/0013-answer-hot-path.md): fixed SQL with array parameters, so a batch
 * of any size is the same few parameters and nothing builds SQL per batch; named prepared statements on PostgreSQL.
 */
const shareLockStatement = fixedStatement<{ id: string; state: SessionState; deadline_at: string | Date | null; form_id: string | null; test_center_id: string }>(
  'sessions.share-lock',
  'select id, state, deadline_at, form_id, test_center_id from exam_sessions where id = any($1::uuid[]) for key share',
);
const upsertAnswersStatement = fixedStatement(
  'sessions.upsert-answers',
  `insert into responses (session_id, item_id, option_id, answer_seq, answered_at)
   select * from unnest($1::uuid[], $2::text[], $3::text[], $4::int[], $5::timestamptz[])
   on conflict (session_id, item_id) do update set option_id = excluded.option_id, answer_seq = excluded.answer_seq, answered_at = excluded.answered_at
   where responses.answer_seq < excluded.answer_seq`,
);
const upsertFlagsStatement = fixedStatement(
  'sessions.upsert-flags',
  `insert into responses (session_id, item_id, flagged, flag_seq)
   select * from unnest($1::uuid[], $2::text[], $3::boolean[], $4::int[])
   on conflict (session_id, item_id) do update set flagged = excluded.flagged, flag_seq = excluded.flag_seq
   where responses.flag_seq < excluded.flag_seq`,
);
const setPositionsStatement = fixedStatement(
  'sessions.set-positions',
  `update exam_sessions s set position_item_id = v.item, position_seq = v.seq
   from unnest($1::uuid[], $2::text[], $3::int[]) as v(id, item, seq)
   where s.id = v.id and s.position_seq < v.seq`,
);

/**
 * Sessions of a batch, locked FOR KEY SHARE: pause, expiry and submit (FOR UPDATE) wait for the batch to commit, while
 * heartbeats and position updates (no key change) do not queue behind it.
 */
export async function shareLockSessions(db: Db, ids: string[]): Promise<{ id: string; state: SessionState; deadlineAt: Date | null; formId: string | null; testCenterId: string }[]> {
  const rows = await shareLockStatement(db, [ids]);
  // Timestamps come back as PostgreSQL's text (db/fixed-statement.ts); Date parses it, as drizzle's own columns do.
  return rows.map((r) => ({ id: r.id, state: r.state, deadlineAt: r.deadline_at === null ? null : new Date(r.deadline_at), formId: r.form_id, testCenterId: r.test_center_id }));
}

export interface AnswerWrite {
  sessionId: string;
  itemId: string;
  optionId: string | null;
  seq: number;
  at: Date;
}

/**
 * Upserts answers; a write with a lower sequence than the stored one (a replay or a late duplicate) changes nothing.
 * One (session, item) at most once per call: PostgreSQL refuses to update a row twice in one statement.
 */
export async function upsertAnswers(db: Db, rows: AnswerWrite[]): Promise<void> {
  if (!rows.length) return;
  await upsertAnswersStatement(db, [rows.map((r) => r.sessionId), rows.map((r) => r.itemId), rows.map((r) => r.optionId), rows.map((r) => r.seq), rows.map((r) => r.at.toISOString())]);
}

export async function upsertFlags(db: Db, rows: { sessionId: string; itemId: string; flagged: boolean; seq: number }[]): Promise<void> {
  if (!rows.length) return;
  await upsertFlagsStatement(db, [rows.map((r) => r.sessionId), rows.map((r) => r.itemId), rows.map((r) => r.flagged), rows.map((r) => r.seq)]);
}

/** Every session's newest position in one statement; an older sequence never overwrites a newer one. */
export async function setPositions(db: Db, rows: { sessionId: string; itemId: string; seq: number }[]): Promise<void> {
  if (!rows.length) return;
  await setPositionsStatement(db, [rows.map((r) => r.sessionId), rows.map((r) => r.itemId), rows.map((r) => r.seq)]);
}

/** Time-up: claims sessions past deadline + grace, exactly once however many instances sweep. */
export async function claimExpired(db: Db, now: Date, graceMs: number, limit: number): Promise<SessionRow[]> {
  const cutoff = new Date(now.getTime() - graceMs);
  return db
    .select()
    .from(examSessions)
    // A paused session has no deadline unless it is on a break whose clock runs, which time-up ends too.
    .where(and(inArray(examSessions.state, ['in_progress', 'paused']), lte(examSessions.deadlineAt, cutoff)))
    .orderBy(asc(examSessions.deadlineAt))
    .limit(limit)
    .for('update', { skipLocked: true });
}

/** Running sessions whose candidate has not been seen for longer than `ms` (socket closed, or its server died). */
export async function claimDisconnected(db: Db, now: Date, ms: number, limit: number): Promise<SessionRow[]> {
  const cutoff = new Date(now.getTime() - ms);
  return db
    .select()
    .from(examSessions)
    .where(and(eq(examSessions.state, 'in_progress'), or(isNull(examSessions.lastSeenAt), lt(examSessions.lastSeenAt, cutoff))))
    .limit(limit)
    .for('update', { skipLocked: true });
}

/** Sessions on a scheduled break whose time is over (they resume by themselves). */
export async function claimBreaksOver(db: Db, now: Date, limit: number): Promise<SessionRow[]> {
  return db
    .select()
    .from(examSessions)
    .where(and(eq(examSessions.state, 'paused'), lte(examSessions.breakEndsAt, now)))
    .orderBy(asc(examSessions.breakEndsAt))
    .limit(limit)
    .for('update', { skipLocked: true });
}

/** The session (not ended, other than `exceptId`) that holds this seat at this center on this day, if any. */
export async function seatHolder(db: Db, testCenterId: string, day: string, seatLabel: string, exceptId: string): Promise<{ id: string; candidateName: string } | undefined> {
  const [row] = await db
    .select({ id: examSessions.id, candidateName: users.displayName })
    .from(examSessions)
    .innerJoin(users, eq(users.id, examSessions.candidateId))
    .where(
      and(
        eq(examSessions.testCenterId, testCenterId),
        eq(examSessions.seatDay, day),
        sql`lower(${examSessions.seatLabel}) = lower(${seatLabel})`,
        inArray(examSessions.state, ['scheduled', 'checked_in', 'in_progress', 'paused']),
        sql`${examSessions.id} <> ${exceptId}`,
      ),
    )
    .limit(1);
  return row;
}

export async function centerTimeZone(db: Db, testCenterId: string): Promise<string> {
  const [row] = await db.select({ timeZone: testCenters.timeZone }).from(testCenters).where(eq(testCenters.id, testCenterId)).limit(1);
  return row?.timeZone ?? 'UTC';
}

/** Sessions that ended but are not scored yet (scoring is retried until it succeeds). */
export async function claimUnscored(db: Db, limit: number): Promise<SessionRow[]> {
  return db
    .select()
    .from(examSessions)
    .where(inArray(examSessions.state, ['submitted', 'expired', 'terminated'] satisfies SessionState[]))
    .limit(limit)
    .for('update', { skipLocked: true });
}

/** Forgets the live socket if it is still this one; the disconnect clock starts from when it was last heard from. */
export async function releaseConnection(db: Db, id: string, connectionId: string, lastHeardAt: Date): Promise<void> {
  await db.update(examSessions).set({ connectionId: null, lastSeenAt: lastHeardAt }).where(and(eq(examSessions.id, id), eq(examSessions.connectionId, connectionId)));
}

export async function notifySession(db: Db, sessionId: string, kind: string, extra: Record<string, unknown> = {}): Promise<void> {
  await notify(db, { t: 'session', id: sessionId, kind, ...extra });
}

/** The answer-progress hint for proctor consoles: test center → sessions that changed (sent after the commit). */
export async function notifyProgress(db: Db, by: ProgressByCenter): Promise<void> {
  await notify(db, { t: 'progress', by });
}

export async function moduleTitles(db: Db): Promise<Map<string, string>> {
  const rows = await db.select({ code: modules.code, title: modules.title }).from(modules);
  return new Map(rows.map((r) => [r.code, r.title]));
}

export async function insertIncident(
  db: Db,
  i: { sessionId: string; at: Date; kind: (typeof sessionIncidents.$inferInsert)['kind']; source: 'system' | 'candidate' | 'proctor' | 'admin'; actorId?: string | null; note?: string | null; category: IncidentCategory; severity: IncidentSeverity },
) {
  await db.insert(sessionIncidents).values({ ...i, actorId: i.actorId ?? null, note: i.note ?? null });
}

/** Minutes extended so far (every `extend` entry of the ledger, by a proctor or an approved request), in ms. */
export async function extendedMs(db: Db, sessionId: string): Promise<number> {
  const [row] = await db
    .select({ ms: sql<number>`coalesce(sum(${sessionTimeLedger.amountMs}), 0)::bigint` })
    .from(sessionTimeLedger)
    .where(and(eq(sessionTimeLedger.sessionId, sessionId), eq(sessionTimeLedger.kind, 'extend')));
  return Number(row?.ms ?? 0);
}

export type ExtensionRequestRow = typeof extensionRequests.$inferSelect;

export async function insertExtensionRequest(db: Db, r: { sessionId: string; minutes: number; reason: string; requestedBy: string; requestedAt: Date }): Promise<ExtensionRequestRow> {
  const [row] = await db.insert(extensionRequests).values(r).returning();
  return row!;
}

export async function pendingExtensionRequest(db: Db, sessionId: string): Promise<ExtensionRequestRow | undefined> {
  const [row] = await db.select().from(extensionRequests).where(and(eq(extensionRequests.sessionId, sessionId), eq(extensionRequests.status, 'pending'))).limit(1);
  return row;
}

/** Locks a request for its decision (two admins deciding at once: the second sees it decided). */
export async function lockExtensionRequest(db: Db, id: string): Promise<ExtensionRequestRow | undefined> {
  const [row] = await db.select().from(extensionRequests).where(eq(extensionRequests.id, id)).for('update').limit(1);
  return row;
}

export async function decideExtensionRequest(db: Db, id: string, d: { status: 'approved' | 'declined'; decidedBy: string; decidedAt: Date; decisionNote: string | null }) {
  await db.update(extensionRequests).set(d).where(eq(extensionRequests.id, id));
}

/** Extension requests with the session's candidate, center and module and the requesting proctor's name, oldest first. */
export async function listExtensionRequests(db: Db, f: { status: 'pending' | 'approved' | 'declined'; testCenterIds: string[] | null; testCenterId?: string }) {
  const requester = sql<string>`(select u.display_name from ${users} u where u.id = ${extensionRequests.requestedBy})`;
  const decider = sql<string | null>`(select u.display_name from ${users} u where u.id = ${extensionRequests.decidedBy})`;
  return db
    .select({
      id: extensionRequests.id,
      sessionId: extensionRequests.sessionId,
      minutes: extensionRequests.minutes,
      reason: extensionRequests.reason,
      status: extensionRequests.status,
      requestedAt: extensionRequests.requestedAt,
      requestedBy: requester,
      decidedAt: extensionRequests.decidedAt,
      decidedBy: decider,
      decisionNote: extensionRequests.decisionNote,
      candidateName: users.displayName,
      module: examSessions.module,
      sessionState: examSessions.state,
      testCenterId: examSessions.testCenterId,
      testCenter: testCenters.name,
      timeZone: testCenters.timeZone,
    })
    .from(extensionRequests)
    .innerJoin(examSessions, eq(examSessions.id, extensionRequests.sessionId))
    .innerJoin(users, eq(users.id, examSessions.candidateId))
    .innerJoin(testCenters, eq(testCenters.id, examSessions.testCenterId))
    .where(
      and(
        eq(extensionRequests.status, f.status),
        f.testCenterIds ? inArray(examSessions.testCenterId, f.testCenterIds.length ? f.testCenterIds : ['00000000-0000-0000-0000-000000000000']) : undefined,
        f.testCenterId ? eq(examSessions.testCenterId, f.testCenterId) : undefined,
      ),
    )
    .orderBy(asc(extensionRequests.requestedAt))
    .limit(500);
}

/**
 * One batched heartbeat for every socket this instance holds, with the health each client reported. Chunks of 250 in
 * id order keep row locks short, and rows a write batch holds are skipped (the next heartbeat, 10 s later, gets them).
 */
export async function recordHeartbeats(db: Db, beats: { id: string; at: Date; rttMs: number | null; pendingAnswers: number | null }[]): Promise<void> {
  const sorted = [...beats].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  for (let i = 0; i < sorted.length; i += 250) {
    const chunk = sorted.slice(i, i + 250);
    const ids = sql.param(chunk.map((b) => b.id));
    await db.execute(sql`
      update exam_sessions s set last_seen_at = greatest(s.last_seen_at, v.at), rtt_ms = v.rtt, pending_answers = v.pending
      from unnest(${ids}::uuid[], ${sql.param(chunk.map((b) => b.at.toISOString()))}::timestamptz[], ${sql.param(chunk.map((b) => (b.rttMs === null ? null : Math.round(b.rttMs))))}::int[], ${sql.param(chunk.map((b) => (b.pendingAnswers === null ? null : Math.round(b.pendingAnswers))))}::int[]) as v(id, at, rtt, pending)
      where s.id = v.id and s.state in ('in_progress', 'paused', 'checked_in')
        and s.id in (select id from exam_sessions where id = any(${ids}::uuid[]) order by id for no key update skip locked)`);
  }
}

export async function sessionNames(db: Db, id: string): Promise<{ moduleTitle: string; testCenter: string; timeZone: string; releaseName: string | null }> {
  const [row] = await db
    .select({ moduleTitle: modules.title, testCenter: testCenters.name, timeZone: testCenters.timeZone, releaseName: bankReleases.name })
    .from(examSessions)
    .innerJoin(modules, eq(modules.code, examSessions.module))
    .innerJoin(testCenters, eq(testCenters.id, examSessions.testCenterId))
    .leftJoin(bankReleases, eq(bankReleases.id, examSessions.releaseId))
    .where(eq(examSessions.id, id))
    .limit(1);
  return row ?? { moduleTitle: '', testCenter: '', timeZone: 'UTC', releaseName: null };
}

/** Every image the form's item versions show, by content hash (for the paper booklet, which prints them). */
export async function formMediaAll(db: Db, formId: string): Promise<Map<string, { mediaType: string; bytes: Uint8Array }>> {
  const rows = await db
    .select({ sha256: media.sha256, mediaType: media.mediaType, bytes: media.bytes })
    .from(formItems)
    .innerJoin(itemVersionMedia, and(eq(itemVersionMedia.itemId, formItems.itemId), eq(itemVersionMedia.version, formItems.itemVersion)))
    .innerJoin(media, eq(media.sha256, itemVersionMedia.sha256))
    .where(eq(formItems.formId, formId));
  return new Map(rows.map((r) => [r.sha256, { mediaType: r.mediaType, bytes: new Uint8Array(r.bytes) }]));
}

/** An image one of the form's item versions shows, or undefined: the only way a candidate reaches media. */
export async function formMedia(db: Db, formId: string, sha256: string): Promise<{ mediaType: string; bytes: Uint8Array } | undefined> {
  const [row] = await db
    .select({ mediaType: media.mediaType, bytes: media.bytes })
    .from(formItems)
    .innerJoin(itemVersionMedia, and(eq(itemVersionMedia.itemId, formItems.itemId), eq(itemVersionMedia.version, formItems.itemVersion), eq(itemVersionMedia.sha256, sha256)))
    .innerJoin(media, eq(media.sha256, itemVersionMedia.sha256))
    .where(eq(formItems.formId, formId))
    .limit(1);
  return row;
}
