/**
 * The proctor console's data: the test center's roster for a day with each seat's progress, time and connection
 * health, incidents, bulk actions and the session timeline (with its seat-camera stills). Scoped to the proctor's own test centers.
 */
import type { Db } from '../../db/client.ts';
import { breakOf } from '../../../../shared/breaks.ts';
import type { Actor } from '../../platform/actor.ts';
import type { Clock } from '../../platform/clock.ts';
import { forbidden, notFound } from '../../platform/errors.ts';
import { assertTestCenterAccess } from '../../platform/authz.ts';
import type { RosterRow } from '../../../../shared/api/proctoring.ts';
import { csvLine } from '../../../../shared/csv.ts';
import type { AuditService } from '../audit/audit.service.ts';
import { addDays, localDateOf, startOfLocalDay } from '../../../../shared/civil-date.ts';
import { deadlineOf, remainingAt } from '../sessions/domain/session-clock.ts';
import { isDisconnectPause } from '../sessions/domain/session-lifecycle.ts';
import type { SessionsService } from '../sessions/sessions.service.ts';
import { ATTENTION_LOOKBACK_MS, attentionReasons } from './domain/attention.ts';
import { irregularityReportPdf } from './documents/irregularity-report-pdf.ts';
import * as repo from './proctoring.repository.ts';
import type { ModuleCode } from '../../../../shared/vocabulary.ts';
import { MODULE_TITLES } from '../scoring/domain/credentials.ts';
import type { IncidentCategory, IncidentSeverity } from '../../../../shared/incidents.ts';

export interface ProctoringDeps {
  db: Db;
  clock: Clock;
  audit: Pick<AuditService, 'record' | 'forSubject'>;
  sessions: Pick<SessionsService, 'pause' | 'resume' | 'addIncidentNote' | 'ledger' | 'find' | 'message'>;
}

export function createProctoringService(deps: ProctoringDeps) {
  const { db, clock } = deps;

  function guard(actor: Actor, testCenterId: string) {
    if (actor.role !== 'proctor' && actor.role !== 'admin') throw forbidden('The proctor console is for proctors and admins');
    assertTestCenterAccess(actor, testCenterId);
  }

  async function toRows(records: repo.RosterRecord[]): Promise<RosterRow[]> {
    const now = clock.now();
    const ids = records.map((r) => r.sessionId);
    const [recentList, lastList] = await Promise.all([repo.recentIncidents(db, ids, new Date(now.getTime() - ATTENTION_LOOKBACK_MS)), repo.lastIncidents(db, ids)]);
    const recent = new Map<string, typeof recentList>();
    for (const i of recentList) {
      if (!recent.has(i.sessionId)) recent.set(i.sessionId, []);
      recent.get(i.sessionId)!.push(i);
    }
    const last = new Map(lastList.map((i) => [i.sessionId, i]));
    return records.map((r) => {
      const clockState = { allowedMs: r.allowedMs, usedMs: r.usedMs, runningSince: r.runningSince };
      const remainingMs = remainingAt(clockState, now);
      const lastAnswerAt = r.lastAnswerAt ? new Date(r.lastAnswerAt) : null;
      const li = last.get(r.sessionId);
      const stillAt = r.latestStillAt ? new Date(r.latestStillAt) : null;
      return {
        sessionId: r.sessionId,
        candidateId: r.candidateId,
        candidateName: r.candidateName,
        module: r.module,
        state: r.state,
        endReason: r.endReason,
        scheduledAt: r.scheduledAt.toISOString(),
        admitted: !!r.admittedAt,
        handbookAcknowledged: !!r.handbookAcknowledgedAt,
        answered: r.answered,
        total: r.total,
        deadline: deadlineOf(clockState)?.toISOString() ?? null,
        remainingMs,
        running: !!r.runningSince,
        pauseReason: r.pauseReason,
        disconnectCreditedMs: r.disconnectCreditedMs,
        connected: !!r.connectionId,
        lastSeenAt: r.lastSeenAt?.toISOString() ?? null,
        rttMs: r.rttMs,
        pendingAnswers: r.pendingAnswers,
        incidents: r.incidents,
        lastIncident: li ? { kind: li.kind, at: li.at.toISOString() } : null,
        lastAnswerAt: lastAnswerAt?.toISOString() ?? null,
        timeMultiplier: r.timeMultiplier,
        accommodationNote: r.accommodationNote,
        separateRoom: r.separateRoom,
        seat: r.seatLabel,
        breakEndsAt: r.breakEndsAt?.toISOString() ?? null,
        camera: r.cameraConsent === null ? null : { consent: r.cameraConsent, latestStillId: r.latestStillId, latestStillAt: stillAt?.toISOString() ?? null },
        attention: attentionReasons(
          { state: r.state, connected: !!r.connectionId, lastSeenAt: r.lastSeenAt, startedAt: r.startedAt, lastAnswerAt, remainingMs, recentIncidents: recent.get(r.sessionId) ?? [], lastStillAt: stillAt },
          now,
        ),
      };
    });
  }

  async function dayWindow(testCenterId: string, date?: string) {
    const tz = (await repo.centerTimeZone(db, testCenterId)) ?? 'UTC';
    const day = date ?? localDateOf(clock.now(), tz);
    return { day, from: startOfLocalDay(day, tz), to: startOfLocalDay(addDays(day, 1), tz) };
  }

  return {
    /** The center's seats for a day (default: today in the center's zone), plus any session still running. */
    async roster(actor: Actor, testCenterId: string, date?: string) {
      guard(actor, testCenterId);
      const { day, from, to } = await dayWindow(testCenterId, date);
      const rows = await toRows(await repo.centerRoster(db, testCenterId, from, to));
      return { testCenterId, date: day, rows };
    },

    /**
     * Fresh rows for some sessions, grouped by their test center (the push feed's updates). One round of queries for
     * every center, so a flush costs the same whether one center changed or a hundred.
     */
    async rowsByCenter(ids: string[]): Promise<Map<string, RosterRow[]>> {
      const records = await repo.rowsByIds(db, ids);
      const rows = await toRows(records);
      const byCenter = new Map<string, RosterRow[]>();
      records.forEach((r, i) => {
        const list = byCenter.get(r.testCenterId) ?? [];
        list.push(rows[i]!);
        byCenter.set(r.testCenterId, list);
      });
      return byCenter;
    },

    /** Fire drill: pause every running seat with one reason; each pause credits the time as any pause does. */
    /** A message to one seat (#17.6). */
    async messageSeat(actor: Actor, sessionId: string, text: string) {
      await deps.sessions.message(actor, sessionId, text, { scope: 'seat' });
    },

    /** Answers a candidate's raised hand, with a message to them. */
    async answerHand(actor: Actor, sessionId: string, text?: string) {
      await deps.sessions.message(actor, sessionId, text ?? 'The proctor has seen your raised hand and is on the way.', { scope: 'seat', answersHand: true });
    },

    /** A message to every seat of the center whose exam is running or paused ("10 minutes to the fire drill"). */
    async messageRoom(actor: Actor, testCenterId: string, text: string) {
      guard(actor, testCenterId);
      const ids = [...(await repo.liveSessionIds(db, testCenterId, 'in_progress')), ...(await repo.liveSessionIds(db, testCenterId, 'paused'))];
      for (const id of ids) await deps.sessions.message(actor, id, text, { scope: 'room' });
      await deps.audit.record(actor, { action: 'proctor.message-room', subjectType: 'test-center', subjectId: testCenterId, reason: text, details: { sessions: ids } });
      return { messaged: ids.length };
    },

    async pauseAll(actor: Actor, testCenterId: string, reason: string) {
      guard(actor, testCenterId);
      const ids = await repo.liveSessionIds(db, testCenterId, 'in_progress');
      for (const id of ids) await deps.sessions.pause(actor, id, reason);
      await deps.audit.record(actor, { action: 'proctor.pause-all', subjectType: 'test-center', subjectId: testCenterId, reason, details: { sessions: ids } });
      return { paused: ids.length };
    },

    /**
     * Resumes every seat the proctors paused (not the ones paused by a disconnect: those resume when the candidate
     * returns, or, past the disconnect credit cap, when a proctor resumes that seat; nor the ones on a break).
     */
    async resumeAll(actor: Actor, testCenterId: string, reason: string) {
      guard(actor, testCenterId);
      const paused = await repo.liveSessionIds(db, testCenterId, 'paused');
      const ids = [];
      for (const id of paused) {
        const s = await deps.sessions.find(id);
        // The candidate may not be at the seat (gone, or out on a break): those resume one by one.
        if (isDisconnectPause(s?.pauseReason) || breakOf(s?.pauseReason)) continue;
        await deps.sessions.resume(actor, id, reason);
        ids.push(id);
      }
      await deps.audit.record(actor, { action: 'proctor.resume-all', subjectType: 'test-center', subjectId: testCenterId, reason, details: { sessions: ids } });
      return { resumed: ids.length };
    },

    addNote: (actor: Actor, sessionId: string, note: string, c: { category?: IncidentCategory; severity?: IncidentSeverity } = {}) => deps.sessions.addIncidentNote(actor, sessionId, note, c),

    /** The day's incidents: signals, disconnects, proctor actions and notes, each with its category and severity (#17.8). */
    async incidentsCsv(actor: Actor, testCenterId: string, date?: string): Promise<string> {
      guard(actor, testCenterId);
      const { from, to } = await dayWindow(testCenterId, date);
      const rows = await repo.incidentsForCenter(db, testCenterId, from, to);
      return (
        [
          csvLine(['at', 'session_id', 'candidate', 'module', 'kind', 'category', 'severity', 'source', 'recorded_by', 'note']),
          ...rows.map((r) => csvLine([r.at, r.sessionId, r.candidate, r.module, r.kind, r.category, r.severity, r.source, r.recordedBy, r.note])),
        ].join('\n') + '\n'
      );
    },

    /**
     * The session's irregularity report as PDF (#17.8): the header, every incident with category and severity, and the
     * proctor and admin actions of the audit trail, times in the center's zone. Its issue is audited.
     */
    async irregularityReport(actor: Actor, sessionId: string): Promise<{ pdf: Buffer; filename: string }> {
      const s = await deps.sessions.find(sessionId);
      if (!s) throw notFound('exam session');
      guard(actor, s.testCenterId);
      const [header, incidents, audit] = await Promise.all([repo.reportHeader(db, sessionId), repo.incidentsForSession(db, sessionId), deps.audit.forSubject('session', sessionId)]);
      if (!header) throw notFound('exam session');
      const staff = audit.filter((a) => a.actorRole === 'proctor' || a.actorRole === 'admin');
      const names = await repo.userNames(db, [...new Set(staff.map((a) => a.actorId).filter((id): id is string => !!id))]);
      const pdf = await irregularityReportPdf({
        sessionId,
        formId: s.formId,
        module: s.module,
        moduleTitle: MODULE_TITLES[s.module as ModuleCode] ?? s.module,
        ...header,
        state: s.state,
        endReason: s.endReason,
        endNote: s.endNote,
        scheduledAt: s.scheduledAt,
        startedAt: s.startedAt,
        endedAt: s.endedAt,
        generatedAt: clock.now(),
        generatedBy: actor.displayName,
        incidents,
        actions: staff.map((a) => ({ at: a.at, action: a.action, actor: (a.actorId && names.get(a.actorId)) || 'unknown', role: a.actorRole, reason: a.reason })),
      });
      await deps.audit.record(actor, { action: 'session.irregularity-report', subjectType: 'session', subjectId: sessionId, reason: null, details: { incidents: incidents.length } });
      return { pdf, filename: `irregularity-report-${sessionId}.pdf` };
    },

    /** Every event of a session in order, from scheduling to score: audit log, time ledger and incidents. */
    async timeline(actor: Actor, sessionId: string) {
      const s = await deps.sessions.find(sessionId);
      if (!s) throw notFound('exam session');
      guard(actor, s.testCenterId);
      const [audit, ledger, incidents, stills] = await Promise.all([deps.audit.forSubject('session', sessionId), deps.sessions.ledger(sessionId), repo.incidentsForSession(db, sessionId), repo.stillsForSession(db, sessionId)]);
      const events = [
        ...audit.map((a) => ({ at: a.at, source: 'audit', event: a.action, actorId: a.actorId, actorRole: a.actorRole, reason: a.reason, details: a.details })),
        ...ledger.map((l) => ({ at: l.at, source: 'time', event: `time.${l.kind}`, actorId: l.actorId, actorRole: null, reason: l.reason, details: { amountMs: l.amountMs } })),
        ...incidents.map((i) => ({ at: i.at, source: 'incident', event: `incident.${i.kind}`, actorId: i.actorId, actorRole: null, reason: i.note, details: { source: i.source, category: i.category, severity: i.severity, recordedBy: i.recordedBy } })),
        // Seat-camera stills (#17.11): the console shows each from its id (GET /api/sessions/:id/camera/stills/:stillId).
        ...stills.map((c) => ({ at: c.takenAt, source: 'camera', event: 'camera.still', actorId: null, actorRole: null, reason: null, details: { stillId: c.id, bytes: c.bytes } })),
      ];
      events.sort((a, b) => a.at.getTime() - b.at.getTime());
      return { sessionId, events };
    },
  };
}
export type ProctoringService = ReturnType<typeof createProctoringService>;
