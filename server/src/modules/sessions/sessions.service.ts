/**
 * Exam sessions: scheduling, admission (form assembly), start, proctor actions, durable answers (group commit),
 * submit, time-up and disconnect sweeps, and handing ended sessions to scoring. All state lives in PostgreSQL so any
 * instance can serve any session; every change that others must see is NOTIFYed inside its transaction.
 */
import type { Db } from '../../db/client.ts';
import { notify } from '../../db/notify.ts';
import type { Actor } from '../../platform/actor.ts';
import type { Clock } from '../../platform/clock.ts';
import { AppError, forbidden, notFound, validationFailed } from '../../platform/errors.ts';
import { assertTestCenterAccess } from '../../platform/authz.ts';
import { createGroupCommit } from '../../platform/group-commit.ts';
import { HANDBOOK_VERSION } from '../../../../shared/handbook.ts';
import type { ProtocolErrorCode, SessionState, TimeState } from '../../../../shared/protocol/session-protocol.ts';
import type { ModuleCode } from '../../../../shared/vocabulary.ts';
import type { AccountsService } from '../accounts/accounts.service.ts';
import type { AssemblyService } from '../assembly/assembly.service.ts';
import type { AuditService } from '../audit/audit.service.ts';
import type { AuthService } from '../auth/auth.service.ts';
import { toCandidateItems, reviewSummary } from './domain/candidate-view.ts';
import {
  applyEntry,
  deadlineOf,
  DEFAULT_DISCONNECT_POLICY,
  DEFAULT_WARNING_MINUTES,
  disconnectDecision,
  IN_FLIGHT_GRACE_MS,
  remainingAt,
  type ClockState,
  type DisconnectPolicy,
  type LedgerEntry,
} from './domain/session-clock.ts';
import { PROGRESS_PAYLOAD_BYTES, progressPayloads } from './domain/progress-event.ts';
import { isEnded, transition, type SessionEvent } from './domain/session-lifecycle.ts';
import * as repo from './sessions.repository.ts';

/** Decides whether a candidate may sit a module now (the retake rules plug in here). */
export interface EligibilityPort {
  check(input: { candidateId: string; module: ModuleCode; testCenterId: string; at: Date }): Promise<{ eligible: true } | { eligible: false; reason: string; nextEligibleDate: string | null }>;
}

/** Scores an ended session (called once, under the session's row lock, after the session has ended). */
export interface ScoringPort {
  scoreEndedSession(tx: Db, session: repo.SessionRow, now: Date): Promise<{ scored: boolean; passed: boolean }>;
}

export interface SessionsConfig {
  /** How many of the candidate's latest attempts count as "seen before" when assembling a retake's form. */
  retakeLookbackForms: number;
  warningMinutes: number[];
  disconnect: DisconnectPolicy;
  graceMs: number;
}
export const DEFAULT_SESSIONS_CONFIG: SessionsConfig = { retakeLookbackForms: 1, warningMinutes: DEFAULT_WARNING_MINUTES, disconnect: DEFAULT_DISCONNECT_POLICY, graceMs: IN_FLIGHT_GRACE_MS };

export interface SessionsDeps {
  db: Db;
  clock: Clock;
  audit: Pick<AuditService, 'record'>;
  assembly: Pick<AssemblyService, 'formForSession' | 'blueprintFor'>;
  accounts: Pick<AccountsService, 'actorFor'>;
  launchCodes: Pick<AuthService, 'issueLaunchCode'>;
  eligibility?: EligibilityPort;
  scoring?: ScoringPort;
  config?: Partial<SessionsConfig>;
  /** Failures of background work (progress hints, early scoring); default: not reported. */
  log?: (message: string, error: unknown) => void;
}

/** One client message that writes: answers, flags and visits are group-committed. */
export type WriteMessage =
  | { kind: 'answer'; sessionId: string; seq: number; itemId: string; optionId: string | null }
  | { kind: 'flag'; sessionId: string; seq: number; itemId: string; flagged: boolean }
  | { kind: 'visit'; sessionId: string; seq: number; itemId: string };
export type WriteOutcome = { ok: true } | { ok: false; code: ProtocolErrorCode; message: string };

/** Candidate signals that are incidents for the proctor (the "back" signals are audited only). */
const SIGNAL_INCIDENTS: Record<string, 'focus-lost' | 'page-hidden' | 'fullscreen-exit' | undefined> = {
  'focus-lost': 'focus-lost',
  'page-hidden': 'page-hidden',
  'fullscreen-exit': 'fullscreen-exit',
};

export const clockOf = (s: Pick<repo.SessionRow, 'allowedMs' | 'usedMs' | 'runningSince'>): ClockState => ({ allowedMs: s.allowedMs, usedMs: s.usedMs, runningSince: s.runningSince });

export function timeStateOf(s: Pick<repo.SessionRow, 'allowedMs' | 'usedMs' | 'runningSince'>, now: Date): TimeState {
  const clock = clockOf(s);
  const deadline = deadlineOf(clock);
  return { deadline: deadline?.toISOString() ?? null, remainingMs: remainingAt(clock, now), serverTime: now.toISOString(), running: !!clock.runningSince };
}

interface CachedForm {
  items: ReturnType<typeof toCandidateItems>;
  options: Map<string, Set<string>>;
  order: string[];
}

export function createSessionsService(deps: SessionsDeps) {
  const { db, clock } = deps;
  const log = deps.log ?? (() => {});
  const config: SessionsConfig = { ...DEFAULT_SESSIONS_CONFIG, ...deps.config };
  const formCache = new Map<string, CachedForm>();
  let titles: Map<string, string> | undefined;

  async function candidateForm(formId: string, tx: Db = db): Promise<CachedForm> {
    let f = formCache.get(formId);
    if (!f) {
      const items = await repo.loadSessionForm(tx, formId);
      f = { items: toCandidateItems(items), options: new Map(items.map((i) => [i.itemId, new Set(i.optionOrder)])), order: items.map((i) => i.itemId) };
      // Forms never change once delivered, so caching is exact; the bound keeps memory flat over a long day.
      if (formCache.size > 20_000) formCache.delete(formCache.keys().next().value!);
      formCache.set(formId, f);
    }
    return f;
  }

  function mustTransition(row: repo.SessionRow, event: SessionEvent): SessionState {
    const r = transition({ state: row.state, admitted: !!row.admittedAt, handbookAcknowledged: !!row.handbookAcknowledgedAt }, event);
    if (!r.ok) throw new AppError('INVALID_TRANSITION', r.reason[0]!.toUpperCase() + r.reason.slice(1));
    return r.state;
  }

  /** Applies clock entries to the row's clock columns and appends them to the ledger. */
  function withClock(row: repo.SessionRow, entries: (LedgerEntry & { actorId?: string | null; reason?: string | null })[]) {
    const next = entries.reduce(applyEntry, clockOf(row));
    const deadline = deadlineOf(next);
    return {
      patch: { allowedMs: next.allowedMs, usedMs: next.usedMs, runningSince: next.runningSince, deadlineAt: deadline },
      ledger: entries.map((e) => ({ sessionId: row.id, at: e.at, kind: e.kind, amountMs: 'ms' in e ? e.ms : null, actorId: e.actorId ?? null, reason: e.reason ?? null })),
    };
  }

  async function loadForActor(tx: Db, actor: Actor, id: string, lock: boolean): Promise<repo.SessionRow> {
    const row = lock ? await repo.lockSession(tx, id) : await repo.findSession(tx, id);
    if (!row) throw notFound('exam session');
    if (actor.role === 'candidate') {
      if (row.candidateId !== actor.userId) throw notFound('exam session');
    } else if (actor.role === 'proctor' || actor.role === 'admin') {
      assertTestCenterAccess(actor, row.testCenterId);
    } else throw forbidden();
    return row;
  }

  async function record(tx: Db, actor: Actor | null, row: repo.SessionRow, action: string, reason?: string | null, details?: Record<string, unknown>) {
    await deps.audit.record(actor, { action: `session.${action}`, subjectType: 'session', subjectId: row.id, reason: reason ?? null, details: details ?? {} }, tx);
  }

  /** Ends a session (submit, time-up, termination) in the caller's transaction; exactly once because the row is locked and the transition checked. */
  async function end(tx: Db, row: repo.SessionRow, reason: 'submitted' | 'expired' | 'terminated', actor: Actor | null, now: Date, note?: string) {
    const event: SessionEvent = reason === 'submitted' ? { type: 'submit' } : reason === 'expired' ? { type: 'expire' } : { type: 'terminate', reason: note ?? '' };
    const state = mustTransition(row, event);
    // Time-up ends at the deadline itself, not when the sweeper happened to run.
    const at = reason === 'expired' && row.deadlineAt ? row.deadlineAt : now;
    const { patch, ledger } = withClock(row, [{ kind: 'stop', at, actorId: actor?.userId ?? null, reason }]);
    await repo.updateSession(tx, row.id, { ...patch, state, endedAt: at, endReason: reason, endNote: note ?? null, pauseReason: null });
    await repo.appendLedger(tx, ledger);
    await record(tx, actor, row, reason === 'expired' ? 'expired' : reason, note ?? null);
    await repo.notifySession(tx, row.id, 'ended', { reason, center: row.testCenterId });
  }

  /** Hands an ended session to scoring and moves it to `scored`; the row lock and the state check make it once only. */
  async function markScored(tx: Db, row: repo.SessionRow) {
    const outcome = await deps.scoring!.scoreEndedSession(tx, row, clock.now());
    const state = mustTransition(row, { type: 'score' });
    await repo.updateSession(tx, row.id, { state });
    await record(tx, null, row, 'scored', null, outcome);
    await repo.notifySession(tx, row.id, 'scored', { center: row.testCenterId });
  }

  /**
   * Scores right after the end, without holding up the caller: the submit is acknowledged as soon as the end has
   * committed (scoring then pushes result-ready and closes the socket). If this fails or the process dies, the
   * scorePending sweep scores the session later.
   */
  function scoreSoon(sessionId: string) {
    void scoreIfEnded(sessionId).catch((e) => log('scoring after the end failed; the scoring sweep retries', e));
  }

  async function scoreIfEnded(sessionId: string) {
    if (!deps.scoring) return;
    await db.transaction(async (tx) => {
      const row = await repo.lockSession(tx, sessionId);
      if (row && ['submitted', 'expired', 'terminated'].includes(row.state)) await markScored(tx, row);
    });
  }

  async function proctorAction(actor: Actor, id: string, fn: (tx: Db, row: repo.SessionRow, now: Date) => Promise<void>) {
    if (actor.role !== 'proctor' && actor.role !== 'admin') throw forbidden('Only proctors and admins act on sessions');
    await db.transaction(async (tx) => {
      const row = await loadForActor(tx, actor, id, true);
      await fn(tx, row, clock.now());
    });
  }

  const writes = createGroupCommit<WriteMessage, WriteOutcome>(flushWrites, { maxBatch: 1000 });

  async function flushWrites(batch: WriteMessage[]): Promise<WriteOutcome[]> {
    const now = clock.now();
    const result = await db.transaction(async (tx) => {
      const ids = [...new Set(batch.map((m) => m.sessionId))];
      const sessions = new Map((await repo.shareLockSessions(tx, ids)).map((s) => [s.id, s]));
      const outcomes: WriteOutcome[] = [];
      const answers = new Map<string, repo.AnswerWrite>();
      const flags = new Map<string, { sessionId: string; itemId: string; flagged: boolean; seq: number }>();
      const visits = new Map<string, { itemId: string; seq: number }>();
      for (const m of batch) {
        const s = sessions.get(m.sessionId);
        const refuse = (code: ProtocolErrorCode, message: string) => outcomes.push({ ok: false, code, message });
        if (!s || !s.formId) {
          refuse('SESSION_NOT_STARTED', 'The exam has not started');
          continue;
        }
        if (s.state === 'paused') {
          refuse('SESSION_PAUSED', 'The exam is paused; answers are not accepted until it resumes');
          continue;
        }
        const lateBy = s.deadlineAt ? now.getTime() - s.deadlineAt.getTime() : 0;
        if (s.state !== 'in_progress' || lateBy > config.graceMs) {
          refuse(s.state === 'checked_in' || s.state === 'scheduled' ? 'SESSION_NOT_STARTED' : 'SESSION_ENDED', s.state === 'checked_in' || s.state === 'scheduled' ? 'The exam has not started' : 'The exam has ended; this change was not saved');
          continue;
        }
        const form = await candidateForm(s.formId, tx);
        const options = form.options.get(m.itemId);
        if (!options) {
          refuse('ITEM_NOT_ON_FORM', `Question ${m.itemId} is not on this exam`);
          continue;
        }
        const key = `${m.sessionId}/${m.itemId}`;
        if (m.kind === 'answer') {
          if (m.optionId !== null && !options.has(m.optionId)) {
            refuse('OPTION_NOT_ON_ITEM', `Option ${m.optionId} is not an option of this question`);
            continue;
          }
          const prev = answers.get(key);
          if (!prev || prev.seq < m.seq) answers.set(key, { sessionId: m.sessionId, itemId: m.itemId, optionId: m.optionId, seq: m.seq, at: now });
        } else if (m.kind === 'flag') {
          const prev = flags.get(key);
          if (!prev || prev.seq < m.seq) flags.set(key, { sessionId: m.sessionId, itemId: m.itemId, flagged: m.flagged, seq: m.seq });
        } else {
          const prev = visits.get(m.sessionId);
          if (!prev || prev.seq < m.seq) visits.set(m.sessionId, { itemId: m.itemId, seq: m.seq });
        }
        outcomes.push({ ok: true });
      }
      await repo.upsertAnswers(tx, [...answers.values()]);
      await repo.upsertFlags(tx, [...flags.values()]);
      await repo.setPositions(tx, [...visits].map(([sessionId, v]) => ({ sessionId, itemId: v.itemId, seq: v.seq })));
      const byCenter = new Map<string, Set<string>>();
      for (const a of answers.values()) {
        const center = sessions.get(a.sessionId)!.testCenterId;
        if (!byCenter.has(center)) byCenter.set(center, new Set());
        byCenter.get(center)!.add(a.sessionId);
      }
      return { outcomes, byCenter };
    });
    // Proctor consoles show progress: one small NOTIFY per batch (split to stay under the 8,000-byte payload limit)
    // mapping each test center to its changed sessions; one NOTIFY per center per batch queued ~330
    // statements a second behind the pool with 100 busy centers (bench/proctoring). Sent after the commit, off the
    // acknowledgement path: a transaction that NOTIFYs takes PostgreSQL's global notify lock at commit, which would
    // serialise every answer batch behind it. Progress is a display hint; the console's periodic refresh covers a lost one.
    void (async () => {
      for (const by of progressPayloads(result.byCenter, PROGRESS_PAYLOAD_BYTES)) await notify(db, { t: 'progress', by });
    })().catch((e) => log('progress notification failed', e));
    return result.outcomes;
  }

  return {
    config,
    timeStateOf,

    async schedule(actor: Actor, input: { candidateId: string; module: ModuleCode; testCenterId: string; scheduledAt: Date; timeMultiplier?: number; accommodationNote?: string | null; separateRoom?: boolean }) {
      if (actor.role !== 'admin' && actor.role !== 'proctor') throw forbidden('Only admins and test-center staff schedule exams');
      assertTestCenterAccess(actor, input.testCenterId);
      const candidate = await deps.accounts.actorFor(input.candidateId);
      if (!candidate || candidate.role !== 'candidate') throw notFound('candidate');
      if (!candidate.testCenterIds.includes(input.testCenterId)) throw validationFailed('The candidate is not registered at this test center', [{ pointer: '/testCenterId', message: 'candidate is not registered here' }]);
      // Judged at the later of the requested time and now: a sitting cannot be back-dated past a retake wait.
      const at = new Date(Math.max(input.scheduledAt.getTime(), clock.now().getTime()));
      const verdict = await deps.eligibility?.check({ candidateId: input.candidateId, module: input.module, testCenterId: input.testCenterId, at });
      if (verdict && !verdict.eligible) throw new AppError('RULE_VIOLATION', verdict.reason, { details: { nextEligibleDate: verdict.nextEligibleDate } });
      const blueprint = await deps.assembly.blueprintFor(input.module);
      const multiplier = input.timeMultiplier ?? 1;
      return db.transaction(async (tx) => {
        const row = await repo.insertSession(tx, {
          candidateId: input.candidateId,
          testCenterId: input.testCenterId,
          module: input.module,
          blueprintVersion: blueprint.version,
          state: 'scheduled',
          scheduledAt: input.scheduledAt,
          timeMultiplier: multiplier,
          accommodationNote: input.accommodationNote ?? null,
          separateRoom: input.separateRoom ?? false,
          allowedMs: Math.round(blueprint.timeLimitMinutes * 60_000 * multiplier),
        });
        await record(tx, actor, row, 'scheduled', null, { module: input.module, scheduledAt: input.scheduledAt.toISOString(), timeMultiplier: multiplier, separateRoom: input.separateRoom ?? false, accommodationNote: input.accommodationNote ?? null });
        await repo.notifySession(tx, row.id, 'scheduled', { center: row.testCenterId });
        return row;
      });
    },

    async get(actor: Actor, id: string) {
      const row = await loadForActor(db, actor, id, false);
      const names = await repo.sessionNames(db, id);
      return { ...row, ...names, time: timeStateOf(row, clock.now()) };
    },

    listForCandidate: (actor: Actor) => repo.listSessionsForCandidate(db, actor.userId),

    async checkIn(actor: Actor, id: string) {
      await db.transaction(async (tx) => {
        const row = await loadForActor(tx, actor, id, true);
        if (row.state === 'checked_in') return; // arriving twice is fine
        const state = mustTransition(row, { type: 'check-in' });
        await repo.updateSession(tx, id, { state, checkedInAt: clock.now(), lastSeenAt: clock.now() });
        await record(tx, actor, row, 'checked-in');
        await repo.notifySession(tx, id, 'checked-in', { center: row.testCenterId });
      });
    },

    /**
     * A one-time launch code for the admission ticket; a new ticket replaces an unused earlier code. Valid for a day
     * from the scheduled time (or from now, when reprinted later).
     */
    async issueLaunchCode(actor: Actor, id: string) {
      if (actor.role !== 'proctor' && actor.role !== 'admin') throw forbidden('Only proctors and admins print admission tickets');
      return db.transaction(async (tx) => {
        const row = await loadForActor(tx, actor, id, false);
        if (isEnded(row.state)) throw new AppError('INVALID_TRANSITION', 'The session has ended; no ticket is needed');
        const expiresAt = new Date(Math.max(row.scheduledAt.getTime(), clock.now().getTime()) + 24 * 3600_000);
        const code = await deps.launchCodes.issueLaunchCode(tx, { candidateId: row.candidateId, sessionId: id, expiresAt });
        await record(tx, actor, row, 'launch-code-issued');
        return { code, expiresAt };
      });
    },

    /** Proctor admits after checking ID; the form is assembled now (linear-on-the-fly) with a recorded seed. */
    async admit(actor: Actor, id: string, input: { idConfirmed: boolean }) {
      if (!input.idConfirmed) throw validationFailed("Confirm that you checked the candidate's photo ID before admitting", [{ pointer: '/idConfirmed', message: 'must be true' }]);
      const pending = await repo.findSession(db, id);
      if (pending && deps.eligibility) {
        // Eligibility is checked again at admission: a result recorded since scheduling may have changed it.
        const verdict = await deps.eligibility.check({ candidateId: pending.candidateId, module: pending.module, testCenterId: pending.testCenterId, at: clock.now() });
        if (!verdict.eligible) throw new AppError('RULE_VIOLATION', verdict.reason, { details: { nextEligibleDate: verdict.nextEligibleDate } });
      }
      await proctorAction(actor, id, async (tx, row, now) => {
        const state = mustTransition(row, { type: 'admit' });
        const previous = await repo.previousFormIds(tx, row.candidateId, row.module, row.id, config.retakeLookbackForms);
        const form = await deps.assembly.formForSession(tx, { module: row.module, blueprintVersion: row.blueprintVersion, previousFormIds: previous, actor });
        await repo.updateSession(tx, id, { state, admittedAt: now, admittedBy: actor.userId, idConfirmed: true, formId: form.formId });
        await record(tx, actor, row, 'admitted', null, { idConfirmed: true, formId: form.formId, formKind: form.kind, seed: form.seed });
        await repo.notifySession(tx, id, 'admitted', { center: row.testCenterId });
      });
    },

    async acknowledgeHandbook(actor: Actor, id: string, version: string) {
      if (version !== HANDBOOK_VERSION) throw validationFailed(`The rules were updated; read and acknowledge version ${HANDBOOK_VERSION}`, [{ pointer: '/version', message: `expected ${HANDBOOK_VERSION}` }]);
      await db.transaction(async (tx) => {
        const row = await loadForActor(tx, actor, id, true);
        if (isEnded(row.state)) throw new AppError('INVALID_TRANSITION', 'The session has ended');
        await repo.updateSession(tx, id, { handbookVersion: version, handbookAcknowledgedAt: clock.now() });
        await record(tx, actor, row, 'handbook-acknowledged', null, { version });
      });
    },

    async start(actor: Actor, id: string) {
      await db.transaction(async (tx) => {
        const row = await loadForActor(tx, actor, id, true);
        if (row.state === 'in_progress' || row.state === 'paused') return; // a double click must not fail
        if (row.delivery === 'paper') throw new AppError('INVALID_TRANSITION', 'This exam is delivered on paper; it cannot be started online');
        const state = mustTransition(row, { type: 'start' });
        const now = clock.now();
        const { patch, ledger } = withClock(row, [{ kind: 'start', at: now, actorId: actor.userId }]);
        await repo.updateSession(tx, id, { ...patch, state, startedAt: now, lastSeenAt: now });
        await repo.appendLedger(tx, ledger);
        await record(tx, actor, row, 'started');
        await repo.notifySession(tx, id, 'started', { center: row.testCenterId });
      });
    },

    pause: (actor: Actor, id: string, reason: string) =>
      proctorAction(actor, id, async (tx, row, now) => {
        const state = mustTransition(row, { type: 'pause', reason });
        const { patch, ledger } = withClock(row, [{ kind: 'pause', at: now, actorId: actor.userId, reason }]);
        await repo.updateSession(tx, id, { ...patch, state, pauseReason: reason });
        await repo.appendLedger(tx, ledger);
        await record(tx, actor, row, 'paused', reason);
        await repo.notifySession(tx, id, 'paused', { center: row.testCenterId });
      }),

    resume: (actor: Actor, id: string, reason?: string) =>
      proctorAction(actor, id, async (tx, row, now) => {
        const state = mustTransition(row, { type: 'resume' });
        const { patch, ledger } = withClock(row, [{ kind: 'resume', at: now, actorId: actor.userId, reason: reason ?? null }]);
        await repo.updateSession(tx, id, { ...patch, state, pauseReason: null, lastSeenAt: now });
        await repo.appendLedger(tx, ledger);
        await record(tx, actor, row, 'resumed', reason);
        await repo.notifySession(tx, id, 'resumed', { center: row.testCenterId });
      }),

    extend: (actor: Actor, id: string, minutes: number, reason: string) =>
      proctorAction(actor, id, async (tx, row, now) => {
        mustTransition(row, { type: 'extend', minutes });
        const { patch, ledger } = withClock(row, [{ kind: 'extend', at: now, ms: Math.round(minutes * 60_000), actorId: actor.userId, reason }]);
        await repo.updateSession(tx, id, patch);
        await repo.appendLedger(tx, ledger);
        await record(tx, actor, row, 'extended', reason, { minutes });
        await repo.notifySession(tx, id, 'extended', { center: row.testCenterId, minutes });
      }),

    async terminate(actor: Actor, id: string, reason: string) {
      await proctorAction(actor, id, (tx, row, now) => end(tx, row, 'terminated', actor, now, reason));
      scoreSoon(id);
    },

    /** The candidate submits (over the socket). */
    async submit(actor: Actor, id: string) {
      await db.transaction(async (tx) => {
        const row = await loadForActor(tx, actor, id, true);
        await end(tx, row, 'submitted', actor, clock.now());
      });
      scoreSoon(id);
    },

    /** Queues a write; resolves after the transaction holding it has committed. */
    write: (m: WriteMessage) => writes.submit(m),
    writesIdle: () => writes.whenIdle(),

    async review(sessionId: string) {
      const row = await repo.findSession(db, sessionId);
      if (!row?.formId) throw notFound('exam session');
      const form = await candidateForm(row.formId);
      const rows = await repo.loadResponses(db, sessionId);
      return reviewSummary(form.order, new Map(rows.map((r) => [r.itemId, r.optionId])), new Set(rows.filter((r) => r.flagged).map((r) => r.itemId)));
    },

    /**
     * A candidate's socket says hello: checks ownership, records this connection as the live one (a second connection
     * takes over), resumes a session that was paused only because the candidate dropped, and returns the snapshot.
     */
    async connect(actor: Actor, sessionId: string, connectionId: string) {
      const now = clock.now();
      const { row, previousConnection } = await db.transaction(async (tx) => {
        const row = await repo.lockSession(tx, sessionId);
        if (!row || row.candidateId !== actor.userId) throw notFound('exam session');
        const previousConnection = row.connectionId;
        let patch: repo.SessionPatch = { connectionId, lastSeenAt: now };
        if (row.state === 'paused' && row.pauseReason === 'disconnected') {
          const c = withClock(row, [{ kind: 'resume', at: now, reason: 'candidate reconnected' }]);
          patch = { ...patch, ...c.patch, state: 'in_progress', pauseReason: null };
          await repo.appendLedger(tx, c.ledger);
          await record(tx, null, row, 'resumed', 'candidate reconnected');
          await repo.notifySession(tx, sessionId, 'resumed', { center: row.testCenterId });
        }
        await repo.updateSession(tx, sessionId, patch);
        if (previousConnection && previousConnection !== connectionId) {
          await record(tx, null, row, 'second-connection', 'a new connection took over the session', { previousConnection });
          await repo.insertIncident(tx, { sessionId, at: now, kind: 'second-connection', source: 'system', note: 'A second browser connected to this exam and took it over' });
        }
        await repo.notifySession(tx, sessionId, 'connected', { connectionId, center: row.testCenterId });
        return { row: { ...row, ...patch } as repo.SessionRow, previousConnection };
      });
      return { snapshot: await this.snapshot(row, now), replacedConnection: previousConnection && previousConnection !== connectionId ? previousConnection : null, session: row };
    },

    async snapshot(row: repo.SessionRow, now: Date = clock.now()) {
      const form = row.formId && !['scheduled', 'checked_in'].includes(row.state) ? await candidateForm(row.formId) : null;
      const responses = form ? await repo.loadResponses(db, row.id) : [];
      return {
        type: 'snapshot' as const,
        protocol: 1 as const,
        session: { id: row.id, module: row.module, moduleTitle: (titles ??= await repo.moduleTitles(db)).get(row.module) ?? row.module, state: row.state, pauseReason: row.pauseReason, admitted: !!row.admittedAt },
        items: form?.items ?? [],
        answers: Object.fromEntries(responses.filter((r) => r.optionId).map((r) => [r.itemId, r.optionId!])),
        flags: responses.filter((r) => r.flagged).map((r) => r.itemId),
        position: row.positionItemId,
        lastSeq: Math.max(row.positionSeq, ...responses.map((r) => Math.max(r.answerSeq, r.flagSeq))),
        time: timeStateOf(row, now),
        warningMinutes: config.warningMinutes,
      };
    },

    async disconnected(sessionId: string, connectionId: string) {
      await db.transaction(async (tx) => {
        const row = await repo.findSession(tx, sessionId);
        await repo.releaseConnection(tx, sessionId, connectionId, clock.now());
        if (row) await repo.notifySession(tx, sessionId, 'disconnected', { center: row.testCenterId });
      });
    },

    /** Testing-center signals (focus lost, page hidden, full screen left): audited and pushed to the proctor feed. */
    async signal(actor: Actor, sessionId: string, kind: string) {
      await db.transaction(async (tx) => {
        const row = await loadForActor(tx, actor, sessionId, false);
        await record(tx, actor, row, 'signal', kind, { kind });
        const incident = SIGNAL_INCIDENTS[kind];
        if (incident) await repo.insertIncident(tx, { sessionId, at: clock.now(), kind: incident, source: 'candidate', actorId: actor.userId });
        await repo.notifySession(tx, sessionId, 'signal', { center: row.testCenterId, signal: kind });
      });
    },

    heartbeat: (beats: { id: string; rttMs: number | null; pendingAnswers: number | null }[]) => repo.recordHeartbeats(db, beats, clock.now()),

    /** A proctor's incident note on a session. */
    async addIncidentNote(actor: Actor, sessionId: string, note: string) {
      if (actor.role !== 'proctor' && actor.role !== 'admin') throw forbidden('Only proctors and admins record incidents');
      await db.transaction(async (tx) => {
        const row = await loadForActor(tx, actor, sessionId, false);
        await repo.insertIncident(tx, { sessionId, at: clock.now(), kind: 'proctor-note', source: 'proctor', actorId: actor.userId, note });
        await record(tx, actor, row, 'incident-noted', note);
        await repo.notifySession(tx, sessionId, 'incident', { center: row.testCenterId });
      });
    },
    /** Scores the session now if it has ended (paper responses, docs/paper.md); the scoring sweep is the fallback. */
    scoreIfEnded,
    find: (id: string) => repo.findSession(db, id),
    responses: (id: string) => repo.loadResponses(db, id),
    ledger: (id: string) => repo.listLedger(db, id),

    /** Ends every session whose time (plus the in-flight grace) is up. Safe to run on every instance at once. */
    async expireDue(limit = 200): Promise<string[]> {
      const now = clock.now();
      const ended = await db.transaction(async (tx) => {
        const due = await repo.claimExpired(tx, now, config.graceMs, limit);
        for (const row of due) await end(tx, row, 'expired', null, now);
        return due.map((r) => r.id);
      });
      for (const id of ended) await scoreIfEnded(id);
      return ended;
    },

    /** Pauses running sessions whose candidate has been gone longer than the policy allows, crediting the lost time. */
    async pauseDisconnected(limit = 200): Promise<string[]> {
      const now = clock.now();
      return db.transaction(async (tx) => {
        const rows = await repo.claimDisconnected(tx, now, config.disconnect.pauseAfterMs, limit);
        const paused: string[] = [];
        for (const row of rows) {
          const decision = disconnectDecision(row.lastSeenAt ?? row.startedAt ?? now, now, config.disconnect);
          if (!decision.pause) continue;
          // The candidate could not work since they were last seen: stop the clock there, i.e. credit that time.
          const credit = Math.min(decision.creditMs, now.getTime() - (row.runningSince ?? now).getTime());
          const { patch, ledger } = withClock(row, [
            { kind: 'pause', at: now, reason: 'disconnected' },
            { kind: 'credit', at: now, ms: Math.max(0, credit), reason: 'time lost to a disconnect' },
          ]);
          await repo.updateSession(tx, row.id, { ...patch, state: 'paused', pauseReason: 'disconnected' });
          await repo.appendLedger(tx, ledger);
          await record(tx, null, row, 'auto-paused', 'disconnected', { creditedMs: Math.max(0, credit) });
          await repo.insertIncident(tx, { sessionId: row.id, at: now, kind: 'auto-pause', source: 'system', note: `Disconnected for ${Math.round(decision.creditMs / 1000)} s; paused and the time credited` });
          await repo.notifySession(tx, row.id, 'paused', { center: row.testCenterId, reason: 'disconnected' });
          paused.push(row.id);
        }
        return paused;
      });
    },

    /** Scores sessions that ended but were not scored (e.g. the process died in between). */
    async scorePending(limit = 50): Promise<number> {
      if (!deps.scoring) return 0;
      return db.transaction(async (tx) => {
        const rows = await repo.claimUnscored(tx, limit);
        for (const row of rows) await markScored(tx, row);
        return rows.length;
      });
    },
  };
}
export type SessionsService = ReturnType<typeof createSessionsService>;
