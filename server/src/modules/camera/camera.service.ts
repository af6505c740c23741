/**
 * The optional seat camera (#17.11, docs/candidate-and-proctor.md §10, docs/security.md "Seat camera"): a test center's
 * setting (admins, audited), the candidate's consent before the exam starts (recorded with its time; declining is an
 * attention item for the proctor, who decides), webcam stills uploaded by the exam client every N seconds while the
 * exam runs, the proctor's view of them (the session's center and admins only) and the retention sweep.
 */
import type { Db } from '../../db/client.ts';
import type { Actor } from '../../platform/actor.ts';
import type { Clock } from '../../platform/clock.ts';
import type { Jobs } from '../../platform/jobs.ts';
import { AppError, forbidden, notFound, validationFailed } from '../../platform/errors.ts';
import { assertTestCenterAccess } from '../../platform/authz.ts';
import { CAMERA_INTERVAL_SECONDS, CAMERA_RETENTION_DAYS, MAX_STILL_BYTES, type CAMERA_FAILURES } from '../../../../shared/api/camera.ts';
import type { AuditService } from '../audit/audit.service.ts';
import type { SessionsService } from '../sessions/sessions.service.ts';
import { isJpeg, waitBeforeNextMs } from './domain/still-rules.ts';
import * as repo from './camera.repository.ts';

/** How often each instance runs the retention sweep, and how many stills one run deletes at most. */
export const RETENTION_SWEEP_MS = 10 * 60_000;
export const RETENTION_BATCH = 500;

export interface CameraDeps {
  db: Db;
  clock: Clock;
  audit: Pick<AuditService, 'record'>;
  sessions: Pick<SessionsService, 'find' | 'cameraIncident'>;
}

const DEFAULTS = { enabled: false, intervalSeconds: CAMERA_INTERVAL_SECONDS.default, retentionDays: CAMERA_RETENTION_DAYS.default };

export function createCameraService(deps: CameraDeps) {
  const { db, clock } = deps;

  async function settingsOf(testCenterId: string) {
    const row = await repo.findSettings(db, testCenterId);
    return row ? { testCenterId, enabled: row.enabled, intervalSeconds: row.intervalSeconds, retentionDays: row.retentionDays, updatedAt: row.updatedAt } : { testCenterId, ...DEFAULTS, updatedAt: null };
  }

  /** The session, if the actor may see it: its candidate, or staff of its center (others get the same 404 / 403 as elsewhere). */
  async function sessionFor(actor: Actor, sessionId: string) {
    const s = await deps.sessions.find(sessionId);
    if (!s) throw notFound('exam session');
    if (actor.role === 'candidate') {
      if (s.candidateId !== actor.userId) throw notFound('exam session');
    } else if (actor.role === 'proctor' || actor.role === 'admin') assertTestCenterAccess(actor, s.testCenterId);
    else throw forbidden();
    return s;
  }

  function ownSession(actor: Actor) {
    if (actor.role !== 'candidate') throw forbidden('Only the candidate sitting the exam sends camera stills and decisions');
  }

  function staffOnly(actor: Actor, why = 'Camera stills are shown to the proctors of the session’s test center and to admins only') {
    if (actor.role !== 'proctor' && actor.role !== 'admin') throw forbidden(why);
  }

  async function forSession(actor: Actor, sessionId: string) {
    const s = await sessionFor(actor, sessionId);
    const settings = await settingsOf(s.testCenterId);
    const c = await repo.findConsent(db, sessionId);
    return { enabled: settings.enabled, intervalSeconds: settings.intervalSeconds, maxBytes: MAX_STILL_BYTES, consent: c ? (c.consented ? ('given' as const) : ('declined' as const)) : null, decidedAt: c?.decidedAt ?? null };
  }

  return {
    async settings(actor: Actor, testCenterId: string) {
      staffOnly(actor);
      assertTestCenterAccess(actor, testCenterId);
      return settingsOf(testCenterId);
    },

    async updateSettings(actor: Actor, testCenterId: string, body: { enabled: boolean; intervalSeconds: number; retentionDays: number }) {
      if (actor.role !== 'admin') throw forbidden('Only admins turn the seat camera on or off');
      const before = await settingsOf(testCenterId);
      const at = clock.now();
      await db.transaction(async (tx) => {
        await repo.upsertSettings(tx, { testCenterId, ...body, updatedAt: at, updatedBy: actor.userId }).catch((e: unknown) => {
          // The only foreign key: the test center.
          if (String((e as { code?: string }).code ?? (e as { cause?: { code?: string } }).cause?.code) === '23503') throw notFound('test center');
          throw e;
        });
        await deps.audit.record(actor, { action: 'camera.settings-changed', subjectType: 'test-center', subjectId: testCenterId, reason: null, details: { before: { enabled: before.enabled, intervalSeconds: before.intervalSeconds, retentionDays: before.retentionDays }, after: body } }, tx);
      });
      return settingsOf(testCenterId);
    },

    /** What the session's exam client must do: ask for consent, capture (and how often), or nothing. */
    forSession,

    /**
     * The candidate's decision, once, before the exam ends (the client asks before the start). Declining does not stop
     * the exam: it is recorded, audited and raised on the proctor's console as an attention item; the proctor decides
     * (talk to the candidate, note it, or terminate under the center's rules).
     */
    async consent(actor: Actor, sessionId: string, consented: boolean) {
      ownSession(actor);
      const s = await sessionFor(actor, sessionId);
      if (!['checked_in', 'in_progress', 'paused'].includes(s.state)) throw new AppError('INVALID_TRANSITION', `The exam is ${s.state.replaceAll('_', ' ')}: the camera decision is taken before or during the exam`);
      const settings = await settingsOf(s.testCenterId);
      if (!settings.enabled) throw new AppError('CONFLICT', 'The seat camera is off at this test center: there is nothing to consent to');
      const at = clock.now();
      await db.transaction(async (tx) => {
        if (!(await repo.insertConsent(tx, sessionId, consented, at))) throw new AppError('CONFLICT', 'Your camera decision for this exam is already recorded; ask the proctor if you want to change it (the proctor can reopen it)');
        await deps.audit.record(actor, { action: consented ? 'session.camera-consented' : 'session.camera-declined', subjectType: 'session', subjectId: sessionId, reason: null, details: { intervalSeconds: settings.intervalSeconds, retentionDays: settings.retentionDays } }, tx);
        await repo.notifySeat(tx, sessionId, s.testCenterId, 'camera');
      });
      if (!consented) await deps.sessions.cameraIncident(actor, sessionId, 'camera-declined', 'The candidate declined the seat camera');
      return forSession(actor, sessionId);
    },

    /**
     * A proctor of the session's center (or an admin) reopens the candidate's camera decision, with a reason: the
     * decision moves to the history (kept, with who reopened it and why), stills stop at once (none is accepted
     * without a current consent), the candidate's exam page is told to ask the question again (the exam clock keeps
     * running), and the reopening is audited and logged on the seat's timeline as a proctor event.
     */
    async reopen(actor: Actor, sessionId: string, reason: string) {
      staffOnly(actor, 'Only the proctors of the session’s test center and admins reopen the camera decision');
      const s = await sessionFor(actor, sessionId);
      if (!['checked_in', 'in_progress', 'paused'].includes(s.state)) throw new AppError('INVALID_TRANSITION', `The exam is ${s.state.replaceAll('_', ' ')}: the camera decision can be reopened only before or during the exam`);
      const settings = await settingsOf(s.testCenterId);
      if (!settings.enabled) throw new AppError('CONFLICT', 'The seat camera is off at this test center: there is no decision to reopen');
      const at = clock.now();
      const previous = await db.transaction(async (tx) => {
        const current = await repo.findConsent(tx, sessionId, true);
        if (!current) throw new AppError('CONFLICT', 'The candidate has not decided yet (or the decision is already reopened): their exam page is asking');
        await repo.supersedeConsent(tx, current, { userId: actor.userId, at, reason });
        const decision = current.consented ? ('given' as const) : ('declined' as const);
        await deps.audit.record(actor, { action: 'session.camera-decision-reopened', subjectType: 'session', subjectId: sessionId, reason, details: { previous: { consent: decision, decidedAt: current.decidedAt.toISOString() }, candidateId: s.candidateId, reopenedBy: actor.userId } }, tx);
        await repo.notifySeat(tx, sessionId, s.testCenterId, 'camera-reopened');
        return decision;
      });
      await deps.sessions.cameraIncident(actor, sessionId, 'camera-reopened', `Camera decision reopened (was ${previous === 'given' ? 'agreed' : 'declined'}): ${reason}`, { audited: true });
      return forSession(actor, sessionId);
    },

    /** The superseded decisions of the session, oldest first (proctors of its center and admins). */
    async history(actor: Actor, sessionId: string) {
      staffOnly(actor);
      await sessionFor(actor, sessionId);
      const rows = await repo.listConsentHistory(db, sessionId);
      return { sessionId, history: rows.map((r) => ({ consent: r.consented ? ('given' as const) : ('declined' as const), decidedAt: r.decidedAt, reopenedAt: r.supersededAt, reopenedBy: r.supersededBy, reason: r.reason })) };
    },

    /** Stores one still: the candidate's own running exam, center setting on, consent given, a JPEG, within size and interval. */
    async uploadStill(actor: Actor, sessionId: string, base64: string) {
      ownSession(actor);
      const s = await sessionFor(actor, sessionId);
      if (s.state !== 'in_progress') throw new AppError('INVALID_TRANSITION', `The exam is ${s.state.replaceAll('_', ' ')}: stills are taken only while it runs`);
      const settings = await settingsOf(s.testCenterId);
      if (!settings.enabled) throw new AppError('CONFLICT', 'The seat camera is off at this test center');
      const jpeg = Uint8Array.from(Buffer.from(base64, 'base64'));
      if (jpeg.byteLength > MAX_STILL_BYTES) throw validationFailed(`The still is ${jpeg.byteLength} bytes; at most ${MAX_STILL_BYTES} bytes are accepted`, [{ pointer: '/jpeg', message: `larger than ${MAX_STILL_BYTES} bytes` }]);
      if (!isJpeg(jpeg)) throw validationFailed('The still is not a JPEG image (its first bytes are not FF D8 FF)', [{ pointer: '/jpeg', message: 'not a JPEG image' }]);
      return db.transaction(async (tx) => {
        const c = await repo.findConsent(tx, sessionId, true);
        if (!c?.consented) throw forbidden(c ? 'You declined the seat camera for this exam: no stills are taken' : 'The camera decision has not been recorded for this exam');
        const now = clock.now();
        const waitMs = waitBeforeNextMs(c.lastStillAt, now, settings.intervalSeconds);
        if (waitMs > 0) throw new AppError('RATE_LIMITED', `One still every ${settings.intervalSeconds} seconds: try again in ${Math.ceil(waitMs / 1000)} s`, { details: { retryAfterSeconds: Math.ceil(waitMs / 1000) } });
        const still = await repo.insertStill(tx, { sessionId, testCenterId: s.testCenterId, takenAt: now, jpeg });
        await repo.notifySeat(tx, sessionId, s.testCenterId, 'camera');
        return still;
      });
    },

    /** The client could not use the camera (permission denied, no device): an attention item for the proctor, at most one per interval. */
    async reportFailure(actor: Actor, sessionId: string, reason: (typeof CAMERA_FAILURES)[number], detail?: string) {
      ownSession(actor);
      const s = await sessionFor(actor, sessionId);
      if (!['checked_in', 'in_progress', 'paused'].includes(s.state)) throw new AppError('INVALID_TRANSITION', `The exam is ${s.state.replaceAll('_', ' ')}`);
      const settings = await settingsOf(s.testCenterId);
      const recorded = await db.transaction(async (tx) => {
        const c = await repo.findConsent(tx, sessionId, true);
        if (!c?.consented) throw forbidden('The camera is used only after the candidate consents');
        const now = clock.now();
        if (waitBeforeNextMs(c.lastFailureAt, now, settings.intervalSeconds) > 0) return false;
        await repo.setLastFailure(tx, sessionId, now);
        return true;
      });
      const text = { 'permission-denied': 'camera permission denied', 'no-device': 'no camera found', 'capture-failed': 'camera capture failed' }[reason];
      if (recorded) await deps.sessions.cameraIncident(actor, sessionId, 'camera-failed', detail ? `${text}: ${detail}` : text);
      return { ok: true as const };
    },

    /** The session's stills, newest first (proctors of its center and admins). */
    async stills(actor: Actor, sessionId: string) {
      staffOnly(actor);
      await sessionFor(actor, sessionId);
      return { sessionId, stills: await repo.listStills(db, sessionId) };
    },

    async stillImage(actor: Actor, sessionId: string, stillId: string): Promise<Uint8Array> {
      staffOnly(actor);
      await sessionFor(actor, sessionId);
      const row = await repo.findStill(db, sessionId, stillId);
      if (!row) throw notFound('camera still');
      return row.jpeg;
    },

    /** Deletes stills past their center's retention; safe on every instance at once (SKIP LOCKED). Answers how many. */
    async sweepRetention(limit = RETENTION_BATCH): Promise<number> {
      let total = 0;
      for (;;) {
        const n = await repo.deleteExpiredStills(db, clock.now(), CAMERA_RETENTION_DAYS.default, limit);
        total += n;
        if (n < limit) return total;
      }
    },
  };
}
export type CameraService = ReturnType<typeof createCameraService>;

/** The retention sweep on this instance's jobs. */
export function scheduleCameraRetention(jobs: Jobs, camera: Pick<CameraService, 'sweepRetention'>, intervalMs = RETENTION_SWEEP_MS) {
  jobs.every('camera-retention', intervalMs, () => camera.sweepRetention());
}
