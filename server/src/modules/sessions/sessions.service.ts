/**
 * Exam sessions: scheduling, admission (form assembly), start, proctor actions, durable answers (group commit),
 * submit, and handing ended sessions to scoring. All state lives in PostgreSQL so any instance can serve any session;
 * every change that others must see is NOTIFYed inside its transaction.
 *
 * The rules are pure and live in domain/: every state change is a `transition` of domain/session-lifecycle.ts (which
 * also says what the clock does), time is domain/session-clock.ts, and which writes are taken is
 * domain/write-admission.ts. The time-up, disconnect, break-end and scoring sweeps are in sessions.sweeps.ts.
 */
import { isDatabaseUnavailable, type Db } from '../../db/client.ts';
import type { Actor } from '../../platform/actor.ts';
import type { Clock } from '../../platform/clock.ts';
import { AppError, conflict, forbidden, notFound, ruleViolation, validationFailed } from '../../platform/errors.ts';
import { assertTestCenterAccess } from '../../platform/authz.ts';
import { createGroupCommit } from '../../platform/group-commit.ts';
import { DEFAULT_CALCULATOR, type CALCULATOR_MODES } from '../../../../shared/item-bank-format.ts';
import { HANDBOOK_VERSION } from '../../../../shared/handbook.ts';
import { breakLabel, breakOf, dueScheduledBreak, type BreakInfo, type ScheduledBreak } from '../../../../shared/breaks.ts';
import { dayInZone } from '../../../../shared/seats.ts';
import type { ModuleCode } from '../../../../shared/vocabulary.ts';
import type { ServerMessage, SessionState } from '../../../../shared/protocol/session-protocol.ts';
import type { AccountsService } from '../accounts/accounts.service.ts';
import type { AssemblyService } from '../assembly/assembly.service.ts';
import type { AuditService } from '../audit/audit.service.ts';
import type { AuthService } from '../auth/auth.service.ts';
import { candidateItemsJson, formOptions, prepareForm, prepareItem, reviewSummary, type PreparedForm, type PreparedItem } from './domain/candidate-view.ts';
import {
  applyEntry,
  breakEndsAt,
  clockOf,
  deadlineOf,
  DEFAULT_DISCONNECT_POLICY,
  DEFAULT_WARNING_MINUTES,
  IN_FLIGHT_GRACE_MS,
  initialClock,
  type DisconnectDecision,
  timeStateOf,
  type DisconnectPolicy,
  type LedgerEntry,
  usedAt,
} from './domain/session-clock.ts';
import { PROGRESS_PAYLOAD_BYTES, progressPayloads } from './domain/progress-event.ts';
import { DISCONNECTED, isEnded, isLive, transition, type SessionEvent } from './domain/session-lifecycle.ts';
import { defaultClassification, type IncidentCategory, type IncidentKind, type IncidentSeverity } from '../../../../shared/incidents.ts';
import { admitSession, admitWrite, type WriteMessage, type WriteOutcome } from './domain/write-admission.ts';
import { createSessionSweeps } from './sessions.sweeps.ts';
import * as repo from './sessions.repository.ts';

export type { WriteMessage, WriteOutcome } from './domain/write-admission.ts';
/** Whether a failure is the database being unreachable (retry later) rather than a fault (docs/reliability.md). */
export const isRetryableFailure = isDatabaseUnavailable;
/** A session as stored; what the gateway and other modules see of it. */
export type SessionRecord = repo.SessionRow;

/** Decides whether a candidate may sit a module now (the retake rules plug in here). */
export interface EligibilityPort {
  /** `tx`: the caller's transaction, when it checks inside one (admission does, under the session's row lock). */
  check(input: { candidateId: string; module: ModuleCode; testCenterId: string; at: Date }, tx?: Db): Promise<{ eligible: true } | { eligible: false; reason: string; nextEligibleDate: string | null }>;
}

/** Scores an ended session (called once, under the session's row lock, after the session has ended). */
export interface ScoringPort {
  scoreEndedSession(tx: Db, session: repo.SessionRow, now: Date): Promise<{ scored: boolean; passed: boolean }>;
  /**
   * Takes back the score of a session an admin reopens (#17.9), in the caller's transaction; refuses (409) when the
   * attempt earned a credential or its result is held or void. Without it a scored session cannot be reopened.
   */
  withdrawScoreForReopen?(tx: Db, sessionId: string, actor: Actor): Promise<void>;
}

export interface SessionsConfig {
  /** How many of the candidate's latest attempts count as "seen before" when assembling a retake's form. */
  retakeLookbackForms: number;
  warningMinutes: number[];
  disconnect: DisconnectPolicy;
  graceMs: number;
  /** A connection not heard from for this long is no longer live (the liveness timeout). */
  liveTimeoutMs: number;
  /** #17.9: a proctor may extend an exam by at most this much in total; beyond it the extension waits for an admin. */
  extensionCapMs: number;
}
export const DEFAULT_EXTENSION_CAP_MS = 30 * 60_000;
export const DEFAULT_SESSIONS_CONFIG: SessionsConfig = { retakeLookbackForms: 1, warningMinutes: DEFAULT_WARNING_MINUTES, disconnect: DEFAULT_DISCONNECT_POLICY, graceMs: IN_FLIGHT_GRACE_MS, liveTimeoutMs: 12_000, extensionCapMs: DEFAULT_EXTENSION_CAP_MS };

/** What an incident carries besides its kind; the category and severity default to the kind's (shared/incidents.ts). */
export interface IncidentInput {
  sessionId: string;
  at: Date;
  kind: IncidentKind;
  source: 'system' | 'candidate' | 'proctor' | 'admin';
  actorId?: string | null;
  note?: string | null;
  category?: IncidentCategory;
  severity?: IncidentSeverity;
}

/** What a proctor's extend did: applied at once, or past the cap, filed as a request for an admin. */
export type ExtendOutcome =
  | { outcome: 'extended'; minutes: number; extendedMinutes: number; capMinutes: number; requestId: null }
  | { outcome: 'requested'; minutes: number; extendedMinutes: number; capMinutes: number; requestId: string };

/** `<clientInstanceId>/<socket id>`, or a bare socket id from a client that sends no instance id. */
const instanceOf = (connectionId: string) => (connectionId.includes('/') ? connectionId.slice(0, connectionId.indexOf('/')) : null);

/** Whether a hello on `next` takes the session over from a live connection of another client instance. */
export function isTakeover(previous: string | null, next: string, lastSeenAt: Date | null, now: Date, liveTimeoutMs: number): boolean {
  if (!previous || previous === next) return false;
  const a = instanceOf(previous);
  if (a !== null && a === instanceOf(next)) return false;
  return !!lastSeenAt && now.getTime() - lastSeenAt.getTime() <= liveTimeoutMs;
}

/**
 * The repository functions the service uses. The real one is sessions.repository.ts; a test may pass an in-memory
 * one to check the service's rules without a database (tests/unit/sessions/sessions-service.test.ts).
 */
export type SessionsRepository = Pick<
  typeof repo,
  | 'insertSession' | 'findSession' | 'lockSession' | 'updateSession' | 'appendLedger' | 'listLedger' | 'listSessionsForCandidate'
  | 'previousFormIds' | 'loadFormEntries' | 'loadItemContents' | 'loadResponses' | 'shareLockSessions' | 'upsertAnswers' | 'upsertFlags' | 'setPositions'
  | 'claimExpired' | 'claimDisconnected' | 'claimUnscored' | 'releaseConnection' | 'notifySession' | 'moduleTitles' | 'insertIncident'
  | 'recordHeartbeats' | 'sessionNames' | 'notifyProgress' | 'claimBreaksOver' | 'seatHolder' | 'centerTimeZone'
  | 'extendedMs' | 'insertExtensionRequest' | 'pendingExtensionRequest' | 'lockExtensionRequest' | 'decideExtensionRequest' | 'listExtensionRequests'
>;

export interface SessionsDeps {
  db: Db;
  /** Default: the PostgreSQL repository (sessions.repository.ts). */
  repository?: SessionsRepository;
  clock: Clock;
  audit: Pick<AuditService, 'record'>;
  assembly: Pick<AssemblyService, 'formForSession' | 'blueprintFor'>;
  accounts: Pick<AccountsService, 'actorFor'>;
  launchCodes: Pick<AuthService, 'issueLaunchCode'>;
  /** Resolves an exam socket's token in the transaction of its hello (default: sockets must come with an actor). */
  auth?: Pick<AuthService, 'authenticateIn'>;
  eligibility?: EligibilityPort;
  scoring?: ScoringPort;
  config?: Partial<SessionsConfig>;
  /** Failures of background work (progress hints, early scoring); default: not reported. */
  log?: (message: string, error: unknown) => void;
}


/** Candidate signals that are incidents for the proctor (the "back" signals are audited only). */
const SIGNAL_INCIDENTS: Record<string, 'focus-lost' | 'page-hidden' | 'fullscreen-exit' | 'raise-hand' | undefined> = {
  'raise-hand': 'raise-hand',
  'focus-lost': 'focus-lost',
  'page-hidden': 'page-hidden',
  'fullscreen-exit': 'fullscreen-exit',
};

export { clockOf, timeStateOf } from './domain/session-clock.ts';

/** Who says hello on an exam socket: an actor already resolved, or the token of the upgrade, checked in the hello's transaction. */
export type SocketCredentials = Actor | { token: string };

/**
 * A snapshot as prepared by the service: everything but the items as an object, and the items as the form's shared
 * prepared fragments (null when none go out: before the start, and while paused). `encodeSnapshot` makes the frame.
 */
export interface PreparedSnapshot {
  message: Omit<SnapshotMessage, 'items'>;
  form: PreparedForm | null;
}
type SnapshotMessage = Extract<ServerMessage, { type: 'snapshot' }>;

/** The snapshot frame: the small per-candidate JSON with the items' JSON spliced in (never re-serialized per session). */
export function encodeSnapshot(s: PreparedSnapshot): string {
  const head = JSON.stringify(s.message);
  return `${head.slice(0, -1)},"items":${s.form ? candidateItemsJson(s.form) : '[]'}}`;
}

/** The states whose snapshot carries the form (its items go out only while in progress). */
const HAS_FORM = (state: SessionState) => state !== 'scheduled' && state !== 'checked_in';

export function createSessionsService(deps: SessionsDeps) {
  const { db, clock } = deps;
  const store: SessionsRepository = deps.repository ?? repo;
  const log = deps.log ?? (() => {});
  const config: SessionsConfig = { ...DEFAULT_SESSIONS_CONFIG, ...deps.config };
  // Forms, item versions and blueprint versions never change once delivered, so these caches are exact; the bounds
  // keep memory flat over a long day. A form holds references to the shared items (about 2 KiB for 100 items).
  const formCache = new Map<string, PreparedForm>();
  const itemCache = new Map<string, PreparedItem>();
  const breaksCache = new Map<string, ScheduledBreak[]>();
  let titles: Map<string, string> | undefined;
  const remember = <V>(cache: Map<string, V>, key: string, value: V, bound: number) => {
    if (cache.size >= bound) cache.delete(cache.keys().next().value!);
    cache.set(key, value);
    return value;
  };

  /** The form as its candidate sees it: its rows read once, the items' content only for versions not prepared yet. */
  async function candidateForm(formId: string, tx: Db = db): Promise<PreparedForm> {
    const cached = formCache.get(formId);
    if (cached) return cached;
    const rows = await store.loadFormEntries(tx, formId);
    const key = (r: { itemId: string; version: number }) => `${r.itemId}@${r.version}`;
    // Held here, so an eviction while the missing ones are added cannot take one this form needs.
    const items = rows.map((r) => itemCache.get(key(r)));
    const missing = rows.filter((_, i) => !items[i]);
    if (missing.length) {
      const loaded = new Map((await store.loadItemContents(tx, missing)).map((c) => [key(c), remember(itemCache, key(c), prepareItem(c.itemId, c.content), 50_000)]));
      rows.forEach((r, i) => {
        items[i] ??= loaded.get(key(r));
        if (!items[i]) throw new Error(`form ${formId} names item version ${key(r)}, which does not exist`);
      });
    }
    return remember(formCache, formId, prepareForm(rows, items as PreparedItem[]), 20_000);
  }

  /** The blueprint's scheduled breaks (a blueprint version is immutable); none when it cannot be found. */
  async function scheduledBreaks(module: ModuleCode, version: string, tx: Db): Promise<ScheduledBreak[]> {
    const key = `${module}@${version}`;
    const cached = breaksCache.get(key);
    if (cached) return cached;
    const blueprint = await deps.assembly.blueprintFor(module, version, tx).catch(() => null);
    return blueprint ? remember(breaksCache, key, blueprint.breaks ?? [], 1000) : [];
  }

  /**
   * The one way a session's state changes: the lifecycle decides the next state and the clock entries, which are
   * applied to the row's clock columns and appended to the ledger in the caller's transaction (with the row locked).
   * Returns the row as it now is and whether the clock changed.
   */
  async function commit(
    tx: Db,
    row: repo.SessionRow,
    event: SessionEvent,
    at: Date,
    opts: { actor?: Actor | null; reason?: string | null; creditReason?: string; patch?: repo.SessionPatch } = {},
  ): Promise<{ row: repo.SessionRow; clockChanged: boolean }> {
    const r = transition({ state: row.state, admitted: !!row.admittedAt, handbookAcknowledged: !!row.handbookAcknowledgedAt, pauseReason: row.pauseReason, endReason: row.endReason }, event, at);
    if (!r.ok) throw new AppError('INVALID_TRANSITION', r.reason[0]!.toUpperCase() + r.reason.slice(1));
    let patch: repo.SessionPatch = { state: r.state, pauseReason: r.pauseReason, ...(r.state !== 'paused' && row.breakEndsAt ? { breakEndsAt: null } : {}), ...opts.patch };
    if (r.clock.length) {
      const next = r.clock.reduce(applyEntry, clockOf(row));
      patch = { ...patch, allowedMs: next.allowedMs, usedMs: next.usedMs, runningSince: next.runningSince, deadlineAt: deadlineOf(next) };
      await store.appendLedger(tx, r.clock.map((e) => ledgerRow(row.id, e, opts.actor?.userId ?? null, opts.reason ?? null, opts.creditReason)));
    }
    await store.updateSession(tx, row.id, patch);
    return { row: { ...row, ...patch } as repo.SessionRow, clockChanged: r.clock.length > 0 };
  }

  const ledgerRow = (sessionId: string, e: LedgerEntry, actorId: string | null, reason: string | null, creditReason = 'time lost to a disconnect') => ({
    sessionId,
    at: e.at,
    kind: e.kind,
    amountMs: 'ms' in e ? e.ms : null,
    actorId,
    // A credit says what it is for; the other entries carry the reason of the change that made them.
    reason: e.kind === 'credit' ? creditReason : reason,
  });

  /** Records an incident; the category and severity are the kind's defaults unless the proctor chose them. */
  const incident = (tx: Db, i: IncidentInput) => {
    const d = defaultClassification(i.kind);
    return store.insertIncident(tx, { ...i, category: i.category ?? d.category, severity: i.severity ?? d.severity });
  };
  const sourceOf = (actor: Actor | null): IncidentInput['source'] => (actor?.role === 'admin' ? 'admin' : actor?.role === 'proctor' ? 'proctor' : 'system');

  async function loadForActor(tx: Db, actor: Actor, id: string, lock: boolean): Promise<repo.SessionRow> {
    const row = lock ? await store.lockSession(tx, id) : await store.findSession(tx, id);
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
  async function end(tx: Db, row: repo.SessionRow, reason: 'submitted' | 'expired' | 'terminated', actor: Actor | null, now: Date, note?: string, classification?: { category: IncidentCategory; severity: IncidentSeverity }) {
    const event: SessionEvent = reason === 'submitted' ? { type: 'submit' } : reason === 'expired' ? { type: 'expire' } : { type: 'terminate', reason: note ?? '' };
    // Time-up ends at the deadline itself, not when the sweeper happened to run.
    const at = reason === 'expired' && row.deadlineAt ? row.deadlineAt : now;
    await commit(tx, row, event, at, { actor, reason, patch: { endedAt: at, endReason: reason, endNote: note ?? null } });
    await record(tx, actor, row, reason === 'expired' ? 'expired' : reason, note ?? null, classification ?? {});
    if (reason === 'terminated') await incident(tx, { sessionId: row.id, at, kind: 'terminated', source: sourceOf(actor), actorId: actor?.userId ?? null, note: note ?? null, ...classification });
    await store.notifySession(tx, row.id, 'ended', { reason, center: row.testCenterId });
  }

  /** Hands an ended session to scoring and moves it to `scored`; the row lock and the state check make it once only. */
  async function markScored(tx: Db, row: repo.SessionRow) {
    const outcome = await deps.scoring!.scoreEndedSession(tx, row, clock.now());
    await commit(tx, row, { type: 'score' }, clock.now());
    await record(tx, null, row, 'scored', null, outcome);
    await store.notifySession(tx, row.id, 'scored', { center: row.testCenterId });
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
      const row = await store.lockSession(tx, sessionId);
      if (row && ['submitted', 'expired', 'terminated'].includes(row.state)) await markScored(tx, row);
    });
  }

  /** The 1-based number of the question the candidate is on (1 before the first visit). */
  async function questionNumber(row: repo.SessionRow, tx: Db): Promise<number> {
    if (!row.formId || !row.positionItemId) return 1;
    return Math.max(1, (await candidateForm(row.formId, tx)).items.findIndex((i) => i.itemId === row.positionItemId) + 1);
  }

  /** Runs `fn`; a seat taken by a concurrent assignment (the unique index) is the same 409 as one found taken. */
  async function uniqueSeat<T>(seat: string | null, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      const code = (e as { code?: string; cause?: { code?: string } }).code ?? (e as { cause?: { code?: string } }).cause?.code;
      if (seat !== null && code === '23505') throw conflict(`Seat ${seat} was just taken by another candidate at this center that day`, { seat });
      throw e;
    }
  }

  async function proctorAction(actor: Actor, id: string, fn: (tx: Db, row: repo.SessionRow, now: Date) => Promise<void>) {
    if (actor.role !== 'proctor' && actor.role !== 'admin') throw forbidden('Only proctors and admins act on sessions');
    await db.transaction(async (tx) => {
      const row = await loadForActor(tx, actor, id, true);
      await fn(tx, row, clock.now());
    });
  }

  /** Pauses a session whose candidate has been gone past the disconnect limit, crediting `creditMs`. */
  async function autoPause(tx: Db, row: repo.SessionRow, now: Date, d: Extract<DisconnectDecision, { pause: true }>) {
    const after = await commit(tx, row, { type: 'auto-pause', creditMs: d.creditMs, hold: d.hold }, now, { reason: DISCONNECTED, patch: { disconnectCreditedMs: row.disconnectCreditedMs + d.creditMs } });
    const reason = after.row.pauseReason ?? DISCONNECTED;
    await record(tx, null, row, 'auto-paused', reason, { creditedMs: d.creditMs, creditedTotalMs: row.disconnectCreditedMs + d.creditMs, goneMs: d.goneMs, waitsForProctor: d.hold });
    await incident(tx, { sessionId: row.id, at: now, kind: 'auto-pause', source: 'system', note: `Disconnected for ${Math.round(d.goneMs / 1000)} s; paused, ${Math.round(d.creditMs / 1000)} s credited; ${d.why}` });
    await store.notifySession(tx, row.id, 'paused', { center: row.testCenterId, reason });
  }

  /** A seat for a session at its center: free that day among the sessions not ended, or a 409 naming who has it. */
  async function seatPatch(tx: Db, s: { id: string; testCenterId: string; scheduledAt: Date }, seat: string | null): Promise<repo.SessionPatch> {
    if (seat === null) return { seatLabel: null, seatDay: null };
    const day = dayInZone(s.scheduledAt, await store.centerTimeZone(tx, s.testCenterId));
    const holder = await store.seatHolder(tx, s.testCenterId, day, seat, s.id);
    if (holder) throw conflict(`Seat ${seat} is already taken by ${holder.candidateName} at this center on ${day}`, { seat, day, sessionId: holder.id });
    return { seatLabel: seat, seatDay: day };
  }

  /** Starts a break (#17.10) in the caller's transaction: pause (nothing to read), clock per the break, incident, audit. */
  async function beginBreak(tx: Db, row: repo.SessionRow, now: Date, brk: BreakInfo, by: { actor: Actor; source: 'candidate' | 'proctor'; minutes: number | null; note?: string | null }) {
    const endsAt = by.minutes === null ? null : breakEndsAt(now, by.minutes, brk.clock, row.deadlineAt);
    const what = breakLabel(brk);
    await commit(tx, row, { type: 'break', break: brk }, now, {
      actor: by.actor,
      reason: what,
      patch: { breakEndsAt: endsAt, ...(brk.kind === 'scheduled' ? { breaksTaken: row.breaksTaken + 1 } : {}) },
    });
    const note = `${what[0]!.toUpperCase()}${what.slice(1)} started by the ${by.source}${by.minutes !== null ? `, ${by.minutes} min` : ''}${by.note ? `: ${by.note}` : ''}`;
    await incident(tx, { sessionId: row.id, at: now, kind: 'break-started', source: by.source === 'candidate' ? 'candidate' : sourceOf(by.actor), actorId: by.actor.userId, note });
    await record(tx, by.actor, row, 'break-started', by.note ?? null, { kind: brk.kind, clock: brk.clock, minutes: by.minutes, endsAt: endsAt?.toISOString() ?? null });
    await store.notifySession(tx, row.id, 'paused', { center: row.testCenterId });
  }

  /** Ends the break a session is on (the candidate's Resume, the proctor's resume, or its time is over). */
  async function finishBreak(tx: Db, row: repo.SessionRow, now: Date, actor: Actor | null, source: 'candidate' | 'proctor' | 'system') {
    const brk = breakOf(row.pauseReason);
    await commit(tx, row, source === 'proctor' ? { type: 'resume' } : { type: 'break-end' }, now, { actor, reason: 'break ended', patch: { lastSeenAt: now } });
    const how = source === 'system' ? 'its time is over' : `ended by the ${source}`;
    await incident(tx, { sessionId: row.id, at: now, kind: 'break-ended', source: source === 'proctor' ? sourceOf(actor) : source, actorId: actor?.userId ?? null, note: `${brk ? breakLabel(brk) : 'break'}: ${how}` });
    await record(tx, actor, row, 'break-ended', how, { kind: brk?.kind ?? null, clock: brk?.clock ?? null });
    await store.notifySession(tx, row.id, 'resumed', { center: row.testCenterId });
  }

  /** An exam socket's token, checked once, in its hello's transaction; only the candidate of a session says hello. */
  async function authenticateSocket(tx: Db, token: string): Promise<Actor> {
    const actor = deps.auth ? await deps.auth.authenticateIn(tx, token) : undefined;
    if (!actor) throw new AppError('UNAUTHENTICATED', 'Sign in again to continue');
    if (actor.pending) throw forbidden('Finish signing in first');
    if (actor.role !== 'candidate') throw forbidden('Only the candidate of a session can connect to it');
    return actor;
  }

  /**
   * What a candidate's page is sent on hello (and when admitted or started): the small per-candidate part, and the
   * form's prepared items only while the exam is in progress (#17.2: nothing to read while paused; "resumed" brings
   * them back). Reads the responses, and the form and the blueprint's breaks when not cached, in `tx`.
   */
  async function prepareSnapshot(tx: Db, row: repo.SessionRow, now: Date): Promise<PreparedSnapshot> {
    const hasForm = !!row.formId && HAS_FORM(row.state);
    const form = hasForm ? await candidateForm(row.formId!, tx) : null;
    const responses = hasForm ? await store.loadResponses(tx, row.id) : [];
    const scheduled = hasForm ? await scheduledBreaks(row.module, row.blueprintVersion, tx) : [];
    const onBreak = row.state === 'paused' ? breakOf(row.pauseReason) : null;
    let lastSeq = row.positionSeq;
    const answers: Record<string, string> = {};
    const flags: string[] = [];
    for (const r of responses) {
      if (r.optionId) answers[r.itemId] = r.optionId;
      if (r.flagged) flags.push(r.itemId);
      lastSeq = Math.max(lastSeq, r.answerSeq, r.flagSeq);
    }
    return {
      message: {
        type: 'snapshot' as const,
        protocol: 1 as const,
        session: { id: row.id, module: row.module, moduleTitle: (titles ??= await store.moduleTitles(tx)).get(row.module) ?? row.module, state: row.state, pauseReason: row.pauseReason, admitted: !!row.admittedAt },
        answers,
        flags,
        position: row.positionItemId,
        lastSeq,
        time: timeStateOf(row, now),
        warningMinutes: config.warningMinutes,
        breaks: { scheduled, taken: row.breaksTaken, current: onBreak && { ...onBreak, endsAt: row.breakEndsAt?.toISOString() ?? null }, allowedMs: row.allowedMs },
      },
      form: form && row.state === 'in_progress' ? form : null,
    };
  }

  const sweeps = createSessionSweeps({ db, clock, config, repository: store, scoring: !!deps.scoring, end, markScored, scoreIfEnded, autoPause, finishBreak });

  /**
   * While the database cannot be reached a batch is refused as UNAVAILABLE (nothing was saved, nothing is acknowledged;
   * the client sends it again). Mapped once per batch here rather than with a `.catch` promise per write.
   */
  const UNAVAILABLE: WriteOutcome = { ok: false, code: 'UNAVAILABLE', message: 'The server cannot save right now; this change is kept and sent again' };
  const writes = createGroupCommit<WriteMessage, WriteOutcome>(
    (batch) =>
      flushWrites(batch).catch((e: unknown) => {
        if (!isDatabaseUnavailable(e)) throw e;
        return batch.map(() => UNAVAILABLE);
      }),
    { maxBatch: 1000 },
  );

  async function flushWrites(batch: WriteMessage[]): Promise<WriteOutcome[]> {
    const now = clock.now();
    const result = await db.transaction(async (tx) => {
      const ids = [...new Set(batch.map((m) => m.sessionId))];
      const sessions = new Map((await store.shareLockSessions(tx, ids)).map((s) => [s.id, s]));
      // The batch's forms, read before the loop so that checking a message is synchronous (almost always cached).
      const forms = new Map<string, PreparedForm>();
      for (const s of sessions.values()) if (s.formId && !forms.has(s.formId)) forms.set(s.formId, formCache.get(s.formId) ?? (await candidateForm(s.formId, tx)));
      const outcomes: WriteOutcome[] = [];
      const answers = new Map<string, repo.AnswerWrite>();
      const flags = new Map<string, { sessionId: string; itemId: string; flagged: boolean; seq: number }>();
      const visits = new Map<string, { itemId: string; seq: number }>();
      for (const m of batch) {
        const s = sessions.get(m.sessionId);
        const open = admitSession(s, now, config.graceMs);
        if (!open.ok) {
          outcomes.push(open);
          continue;
        }
        const form = forms.get(s!.formId!)!;
        const fits = admitWrite(m, (itemId) => formOptions(form, itemId));
        if (!fits.ok) {
          outcomes.push(fits);
          continue;
        }
        const key = `${m.sessionId}/${m.itemId}`;
        if (m.kind === 'answer') {
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
      await store.upsertAnswers(tx, [...answers.values()]);
      await store.upsertFlags(tx, [...flags.values()]);
      await store.setPositions(tx, [...visits].map(([sessionId, v]) => ({ sessionId, itemId: v.itemId, seq: v.seq })));
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
      for (const by of progressPayloads(result.byCenter, PROGRESS_PAYLOAD_BYTES)) await store.notifyProgress(db, by);
    })().catch((e) => log('progress notification failed', e));
    return result.outcomes;
  }

  return {
    config,
    timeStateOf,

    async schedule(actor: Actor, input: { candidateId: string; module: ModuleCode; testCenterId: string; scheduledAt: Date; timeMultiplier?: number; accommodationNote?: string | null; separateRoom?: boolean; seat?: string | null }) {
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
      return uniqueSeat(input.seat ?? null, () => db.transaction(async (tx) => {
        const seat = await seatPatch(tx, { id: '00000000-0000-0000-0000-000000000000', testCenterId: input.testCenterId, scheduledAt: input.scheduledAt }, input.seat ?? null);
        const row = await store.insertSession(tx, {
          ...seat,
          candidateId: input.candidateId,
          testCenterId: input.testCenterId,
          module: input.module,
          blueprintVersion: blueprint.version,
          state: 'scheduled',
          scheduledAt: input.scheduledAt,
          timeMultiplier: multiplier,
          accommodationNote: input.accommodationNote ?? null,
          separateRoom: input.separateRoom ?? false,
          allowedMs: initialClock(blueprint.timeLimitMinutes * 60_000, multiplier).allowedMs,
        });
        await record(tx, actor, row, 'scheduled', null, { module: input.module, scheduledAt: input.scheduledAt.toISOString(), timeMultiplier: multiplier, separateRoom: input.separateRoom ?? false, accommodationNote: input.accommodationNote ?? null, seat: input.seat ?? null });
        await store.notifySession(tx, row.id, 'scheduled', { center: row.testCenterId });
        return row;
      }));
    },

    /** Assigns, changes or clears (null) the seat of a session not yet ended (#17.7); audited with the previous seat. */
    async setSeat(actor: Actor, id: string, seat: string | null) {
      await uniqueSeat(seat, () =>
        proctorAction(actor, id, async (tx, row) => {
          if (isEnded(row.state)) throw new AppError('INVALID_TRANSITION', 'The session has ended; its seat can no longer change');
          await store.updateSession(tx, id, await seatPatch(tx, row, seat));
          await record(tx, actor, row, 'seat-assigned', null, { seat, previous: row.seatLabel });
          await store.notifySession(tx, id, 'seat', { center: row.testCenterId });
        }),
      );
    },

    async get(actor: Actor, id: string) {
      const row = await loadForActor(db, actor, id, false);
      const names = await store.sessionNames(db, id);
      return { ...row, ...names, time: timeStateOf(row, clock.now()) };
    },

    listForCandidate: (actor: Actor) => store.listSessionsForCandidate(db, actor.userId),

    async checkIn(actor: Actor, id: string) {
      await db.transaction(async (tx) => {
        const row = await loadForActor(tx, actor, id, true);
        if (row.state === 'checked_in') return; // arriving twice is fine
        const now = clock.now();
        await commit(tx, row, { type: 'check-in' }, now, { actor, patch: { checkedInAt: now, lastSeenAt: now } });
        await record(tx, actor, row, 'checked-in');
        await store.notifySession(tx, id, 'checked-in', { center: row.testCenterId });
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
    async admit(actor: Actor, id: string, input: { idConfirmed: boolean; seat?: string | null }) {
      // Role and test-center scope first: a proctor of another center gets 403 before any eligibility detail about the
      // candidate (failed attempts, next eligible date) is worked out (#14.8).
      // Everything in the one transaction, after the session's row is locked and the center checked (loadForActor): the
      // session is read once, and eligibility's reads ride on the same connection instead of committing one by one.
      await uniqueSeat(input.seat ?? null, () => proctorAction(actor, id, async (tx, row, now) => {
        if (!input.idConfirmed) throw validationFailed("Confirm that you checked the candidate's photo ID before admitting", [{ pointer: '/idConfirmed', message: 'must be true' }]);
        if (deps.eligibility) {
          // Eligibility is checked again at admission: a result recorded since scheduling may have changed it.
          const verdict = await deps.eligibility.check({ candidateId: row.candidateId, module: row.module, testCenterId: row.testCenterId, at: now }, tx);
          if (!verdict.eligible) throw new AppError('RULE_VIOLATION', verdict.reason, { details: { nextEligibleDate: verdict.nextEligibleDate } });
        }
        const r = transition({ state: row.state, admitted: !!row.admittedAt, handbookAcknowledged: !!row.handbookAcknowledgedAt }, { type: 'admit' }, now);
        if (!r.ok) throw new AppError('INVALID_TRANSITION', r.reason[0]!.toUpperCase() + r.reason.slice(1));
        const previous = await store.previousFormIds(tx, row.candidateId, row.module, row.id, config.retakeLookbackForms);
        // A seat given at admission replaces the one from scheduling; without one the scheduled seat stays.
        const seat = input.seat !== undefined ? await seatPatch(tx, row, input.seat) : {};
        // The session's writes go in formForSession's `andThen`, so that the exposure count comes last (just before
        // the commit) and admissions of the module hold its counter rows only that long.
        await deps.assembly.formForSession(tx, { module: row.module, blueprintVersion: row.blueprintVersion, previousFormIds: previous, actor }, async (form) => {
          await commit(tx, row, { type: 'admit' }, now, { actor, patch: { admittedAt: now, admittedBy: actor.userId, idConfirmed: true, formId: form.formId, releaseId: form.releaseId, ...seat } });
          await record(tx, actor, row, 'admitted', null, { idConfirmed: true, formId: form.formId, formKind: form.kind, seed: form.seed, releaseId: form.releaseId, ...(input.seat !== undefined ? { seat: input.seat, previousSeat: row.seatLabel } : {}) });
          await store.notifySession(tx, id, 'admitted', { center: row.testCenterId });
        });
      }));
    },

    async acknowledgeHandbook(actor: Actor, id: string, version: string) {
      if (version !== HANDBOOK_VERSION) throw validationFailed(`The rules were updated; read and acknowledge version ${HANDBOOK_VERSION}`, [{ pointer: '/version', message: `expected ${HANDBOOK_VERSION}` }]);
      await db.transaction(async (tx) => {
        const row = await loadForActor(tx, actor, id, true);
        if (isEnded(row.state)) throw new AppError('INVALID_TRANSITION', 'The session has ended');
        await store.updateSession(tx, id, { handbookVersion: version, handbookAcknowledgedAt: clock.now() });
        await record(tx, actor, row, 'handbook-acknowledged', null, { version });
      });
    },

    async start(actor: Actor, id: string) {
      await db.transaction(async (tx) => {
        const row = await loadForActor(tx, actor, id, true);
        if (row.state === 'in_progress' || row.state === 'paused') return; // a double click must not fail
        if (row.delivery === 'paper') throw new AppError('INVALID_TRANSITION', 'This exam is delivered on paper; it cannot be started online');
        const now = clock.now();
        await commit(tx, row, { type: 'start' }, now, { actor, patch: { startedAt: now, lastSeenAt: now } });
        await record(tx, actor, row, 'started');
        await store.notifySession(tx, id, 'started', { center: row.testCenterId });
      });
    },

    pause: (actor: Actor, id: string, reason: string) =>
      proctorAction(actor, id, async (tx, row, now) => {
        await commit(tx, row, { type: 'pause', reason }, now, { actor, reason });
        await record(tx, actor, row, 'paused', reason);
        await incident(tx, { sessionId: id, at: now, kind: 'paused', source: sourceOf(actor), actorId: actor.userId, note: reason });
        await store.notifySession(tx, id, 'paused', { center: row.testCenterId });
      }),

    resume: (actor: Actor, id: string, reason?: string) =>
      proctorAction(actor, id, async (tx, row, now) => {
        if (row.state === 'paused' && breakOf(row.pauseReason)) return finishBreak(tx, row, now, actor, 'proctor');
        await commit(tx, row, { type: 'resume' }, now, { actor, reason: reason ?? null, patch: { lastSeenAt: now } });
        await record(tx, actor, row, 'resumed', reason);
        await incident(tx, { sessionId: id, at: now, kind: 'resumed', source: sourceOf(actor), actorId: actor.userId, note: reason ?? null });
        await store.notifySession(tx, id, 'resumed', { center: row.testCenterId });
      }),

    /**
     * Extra minutes (#17.9). Within the per-exam cap (extensionCapMs, counting every extension so far) the time is
     * added at once; past it a proctor's extension becomes a pending request that an admin approves or declines. An
     * admin's own extension is applied (the admin is the approver), and audited as past the cap.
     */
    async extend(actor: Actor, id: string, minutes: number, reason: string): Promise<ExtendOutcome> {
      let out: ExtendOutcome | undefined;
      await proctorAction(actor, id, async (tx, row, now) => {
        const before = await store.extendedMs(tx, id);
        const capMinutes = Math.round(config.extensionCapMs / 60_000);
        const overCap = before + minutes * 60_000 > config.extensionCapMs;
        if (overCap && actor.role !== 'admin') {
          // The request is only worth filing if the extension could be applied now.
          const check = transition({ state: row.state, admitted: !!row.admittedAt, handbookAcknowledged: !!row.handbookAcknowledgedAt, pauseReason: row.pauseReason }, { type: 'extend', minutes }, now);
          if (!check.ok) throw new AppError('INVALID_TRANSITION', check.reason[0]!.toUpperCase() + check.reason.slice(1));
          if (await store.pendingExtensionRequest(tx, id)) throw new AppError('CONFLICT', 'An extension request for this exam is already waiting for an admin');
          const req = await store.insertExtensionRequest(tx, { sessionId: id, minutes, reason, requestedBy: actor.userId, requestedAt: now });
          const note = `${minutes} min requested (${Math.round(before / 60_000)} of ${capMinutes} min cap already given): ${reason}`;
          await record(tx, actor, row, 'extension-requested', reason, { minutes, requestId: req.id, extendedMinutes: Math.round(before / 60_000), capMinutes });
          await incident(tx, { sessionId: id, at: now, kind: 'extension-requested', source: sourceOf(actor), actorId: actor.userId, note });
          await store.notifySession(tx, id, 'incident', { center: row.testCenterId });
          out = { outcome: 'requested', minutes, extendedMinutes: Math.round(before / 60_000), capMinutes, requestId: req.id };
          return;
        }
        await commit(tx, row, { type: 'extend', minutes }, now, { actor, reason });
        await record(tx, actor, row, 'extended', reason, { minutes, ...(overCap ? { overCap: true, capMinutes } : {}) });
        await incident(tx, { sessionId: id, at: now, kind: 'extended', source: sourceOf(actor), actorId: actor.userId, note: `${minutes} min: ${reason}` });
        await store.notifySession(tx, id, 'extended', { center: row.testCenterId, minutes });
        out = { outcome: 'extended', minutes, extendedMinutes: Math.round((before + minutes * 60_000) / 60_000), capMinutes, requestId: null };
      });
      return out!;
    },

    /** A proctor starts an unscheduled break for a seat (#17.10): the clock runs; the candidate resumes. */
    startBreak: (actor: Actor, id: string, note?: string | null) =>
      proctorAction(actor, id, (tx, row, now) => beginBreak(tx, row, now, { kind: 'unscheduled', clock: 'runs' }, { actor, source: 'proctor', minutes: null, note: note ?? null })),

    /**
     * The candidate takes a break (over the socket): `scheduled` takes the blueprint's next scheduled break if it is
     * due (shared/breaks.ts), `unscheduled` one with the clock running.
     */
    async takeBreak(actor: Actor, id: string, kind: 'scheduled' | 'unscheduled') {
      await db.transaction(async (tx) => {
        const row = await loadForActor(tx, actor, id, true);
        const now = clock.now();
        if (kind === 'unscheduled') return beginBreak(tx, row, now, { kind, clock: 'runs' }, { actor, source: 'candidate', minutes: null });
        if (row.state !== 'in_progress') throw new AppError('INVALID_TRANSITION', `A break can start only while the exam runs; it is ${row.state.replaceAll('_', ' ')}`);
        const blueprint = await deps.assembly.blueprintFor(row.module, row.blueprintVersion, tx);
        const due = dueScheduledBreak(blueprint.breaks, row.breaksTaken, { question: await questionNumber(row, tx), usedMs: usedAt(clockOf(row), now) });
        if (!due) throw ruleViolation('No scheduled break is due now');
        return beginBreak(tx, row, now, { kind, clock: due.break.clock }, { actor, source: 'candidate', minutes: due.break.minutes });
      });
    },

    /** The candidate's Resume on the break screen. */
    async endBreak(actor: Actor, id: string) {
      await db.transaction(async (tx) => {
        const row = await loadForActor(tx, actor, id, true);
        if (!(row.state === 'paused' && breakOf(row.pauseReason))) throw new AppError('INVALID_TRANSITION', 'You are not on a break');
        await finishBreak(tx, row, clock.now(), actor, 'candidate');
      });
    },

    /** Extension requests (pending by default): a proctor sees their centers', an admin every center's. */
    async extensionRequests(actor: Actor, f: { status?: 'pending' | 'approved' | 'declined'; testCenterId?: string }) {
      if (actor.role !== 'proctor' && actor.role !== 'admin') throw forbidden('Extension requests are for proctors and admins');
      if (f.testCenterId) assertTestCenterAccess(actor, f.testCenterId);
      return store.listExtensionRequests(db, { status: f.status ?? 'pending', testCenterIds: actor.role === 'admin' ? null : actor.testCenterIds, testCenterId: f.testCenterId });
    },

    /**
     * An admin approves or declines a pending extension request. Approving adds the minutes through the lifecycle
     * (refused, and the request left pending, when the exam has ended meanwhile: decline it then). Audited with both
     * people: the proctor who asked and the admin who decided.
     */
    async decideExtension(actor: Actor, requestId: string, decision: 'approved' | 'declined', note: string | null) {
      if (actor.role !== 'admin') throw forbidden('Only admins approve or decline extensions past the cap');
      return db.transaction(async (tx) => {
        const req = await store.lockExtensionRequest(tx, requestId);
        if (!req) throw notFound('extension request');
        if (req.status !== 'pending') throw new AppError('CONFLICT', `This request was already ${req.status}`);
        const row = await store.lockSession(tx, req.sessionId);
        if (!row) throw notFound('exam session');
        const now = clock.now();
        const details = { requestId, minutes: req.minutes, requestedBy: req.requestedBy, requestedAt: req.requestedAt.toISOString(), decidedBy: actor.userId };
        if (decision === 'approved') {
          await commit(tx, row, { type: 'extend', minutes: req.minutes }, now, { actor, reason: `approved extension: ${req.reason}` });
          await store.notifySession(tx, row.id, 'extended', { center: row.testCenterId, minutes: req.minutes });
        }
        await store.decideExtensionRequest(tx, requestId, { status: decision, decidedBy: actor.userId, decidedAt: now, decisionNote: note });
        await record(tx, actor, row, decision === 'approved' ? 'extension-approved' : 'extension-declined', note ?? req.reason, details);
        await incident(tx, {
          sessionId: row.id,
          at: now,
          kind: decision === 'approved' ? 'extension-approved' : 'extension-declined',
          source: 'admin',
          actorId: actor.userId,
          note: `${req.minutes} min ${decision}${note ? `: ${note}` : ''}`,
        });
        await store.notifySession(tx, row.id, 'incident', { center: row.testCenterId });
        return { id: requestId, status: decision, sessionId: row.id, minutes: req.minutes };
      });
    },

    /** Ends the exam now; the category and the note (shown to the candidate) are on the incident record (#17.8). */
    async terminate(actor: Actor, id: string, input: { note: string; category: IncidentCategory; severity?: IncidentSeverity }) {
      await proctorAction(actor, id, (tx, row, now) => end(tx, row, 'terminated', actor, now, input.note, { category: input.category, severity: input.severity ?? 'high' }));
      scoreSoon(id);
    },

    /**
     * An admin reopens a wrongly terminated attempt or one that ended in error (#17.9): through the lifecycle's
     * `reopen`, the session goes back to `paused` (reason `reopened`) with the time it had left when it ended, plus
     * `creditMinutes`; a score already recorded is withdrawn (scoring refuses when a credential or a hold/void rests
     * on it). The proctor resumes it; the candidate reconnects to it. Audited and on the timeline as an incident.
     */
    async reopen(actor: Actor, id: string, input: { reason: string; creditMinutes?: number }) {
      if (actor.role !== 'admin') throw forbidden('Only admins reopen an ended exam');
      await db.transaction(async (tx) => {
        const row = await loadForActor(tx, actor, id, true);
        const now = clock.now();
        const creditMs = Math.round((input.creditMinutes ?? 0) * 60_000);
        const leftMs = Math.max(0, row.allowedMs - row.usedMs);
        const previous = { state: row.state, endReason: row.endReason, endNote: row.endNote, endedAt: row.endedAt?.toISOString() ?? null };
        const wasScored = row.state === 'scored';
        // The lifecycle decides first (a submitted exam is refused before anything else changes).
        const after = await commit(tx, row, { type: 'reopen', creditMs }, now, { actor, reason: input.reason, creditReason: `reopened by an admin: ${input.reason}`, patch: { endedAt: null, endReason: null, endNote: null } });
        // A session that ended with no time left needs credit, or it would end again the moment it resumes (the
        // transaction is rolled back: nothing of the reopen is kept).
        if (after.row.allowedMs - after.row.usedMs <= 0) throw validationFailed('No time was left when this exam ended: credit some minutes to reopen it', [{ pointer: '/creditMinutes', message: 'credit at least 1 minute' }]);
        if (wasScored) {
          if (!deps.scoring?.withdrawScoreForReopen) throw new AppError('CONFLICT', 'This attempt has been scored and its score cannot be withdrawn here');
          await deps.scoring.withdrawScoreForReopen(tx, id, actor);
        }
        await record(tx, actor, row, 'reopened', input.reason, { ...previous, timeLeftMs: leftMs, creditedMs: creditMs });
        await incident(tx, { sessionId: id, at: now, kind: 'reopened', source: 'admin', actorId: actor.userId, note: `Reopened after ${previous.endReason ?? previous.state}; ${Math.round((leftMs + creditMs) / 60_000)} min left (${Math.round(creditMs / 60_000)} credited): ${input.reason}` });
        await store.notifySession(tx, id, 'paused', { center: row.testCenterId, reason: 'reopened' });
      });
    },

    /** The candidate submits (over the socket). */
    async submit(actor: Actor, id: string) {
      await db.transaction(async (tx) => {
        const row = await loadForActor(tx, actor, id, true);
        await end(tx, row, 'submitted', actor, clock.now());
      });
      scoreSoon(id);
    },

    /**
     * Queues a write; resolves after the transaction holding it has committed. While the database cannot be reached
     * the write is refused as UNAVAILABLE (nothing was saved, nothing is acknowledged; the client sends it again).
     */
    write: (m: WriteMessage): Promise<WriteOutcome> => writes.submit(m),
    writesIdle: () => writes.whenIdle(),

    async review(sessionId: string) {
      const row = await store.findSession(db, sessionId);
      if (!row?.formId) throw notFound('exam session');
      const form = await candidateForm(row.formId);
      const rows = await store.loadResponses(db, sessionId);
      return reviewSummary(form.items.map((i) => i.itemId), new Map(rows.map((r) => [r.itemId, r.optionId])), new Set(rows.filter((r) => r.flagged).map((r) => r.itemId)));
    },

    /**
     * A candidate's socket says hello: authenticates the socket's token (when it comes with one rather than an actor),
     * checks ownership, records this connection as the live one (a second connection takes over), resumes a session
     * that was paused only because the candidate dropped, and prepares the snapshot: all in one transaction, so a start
     * costs the POST's authentication, the start and this (docs/decisions/0010-start-path-and-shared-form-bytes.md).
     */
    async connect(who: SocketCredentials, sessionId: string, connectionId: string) {
      const now = clock.now();
      return db.transaction(async (tx) => {
        const actor = 'token' in who ? await authenticateSocket(tx, who.token) : who;
        const row = await store.lockSession(tx, sessionId);
        if (!row || row.candidateId !== actor.userId) throw notFound('exam session');
        const previousConnection = row.connectionId;
        // A takeover is a hello from another client instance while the previous connection is live (heard from within
        // the liveness timeout). The same instance (a reload, a reconnect, a server restart) is no incident, nor is a
        // hello after the previous connection went silent (a crashed browser, a workstation swap after a failure).
        // last_seen_at is refreshed every 10 s (the heartbeat), so "live" allows that much on top of the timeout.
        const takeover = isTakeover(previousConnection, connectionId, row.lastSeenAt, now, config.liveTimeoutMs + 10_000);
        const after = await commit(tx, row, { type: 'reconnect' }, now, { reason: 'candidate reconnected', patch: { connectionId, lastSeenAt: now } });
        if (after.clockChanged) {
          await record(tx, null, row, 'resumed', 'candidate reconnected');
          await store.notifySession(tx, sessionId, 'resumed', { center: row.testCenterId });
        }
        if (takeover) {
          await record(tx, null, row, 'second-connection', 'a new connection took over the session', { previousConnection });
          await incident(tx, { sessionId, at: now, kind: 'second-connection', source: 'system', note: 'A second browser connected to this exam and took it over' });
        }
        await store.notifySession(tx, sessionId, 'connected', { connectionId, center: row.testCenterId });
        const snapshot = await prepareSnapshot(tx, after.row, now);
        return { snapshot, replacedConnection: previousConnection && previousConnection !== connectionId ? previousConnection : null, session: after.row, actor };
      });
    },

    /** The snapshot of a session as it is now: its row, responses and form read in one transaction. */
    async snapshotOf(sessionId: string) {
      return db.transaction(async (tx) => {
        const row = await store.findSession(tx, sessionId);
        return row ? { session: row, snapshot: await prepareSnapshot(tx, row, clock.now()) } : null;
      });
    },

    snapshot: (row: repo.SessionRow, now: Date = clock.now()) => prepareSnapshot(db, row, now),

    /** The candidate's socket closed (or was reaped as silent); `lastHeardAt` starts the disconnect clock. */
    async disconnected(sessionId: string, connectionId: string, lastHeardAt: Date = clock.now()) {
      await db.transaction(async (tx) => {
        const row = await store.findSession(tx, sessionId);
        await store.releaseConnection(tx, sessionId, connectionId, lastHeardAt);
        if (!row) return;
        // Only the live connection's close is a disconnect (a replaced connection closing is not), and only during the exam.
        if (row.connectionId === connectionId && isLive(row.state)) {
          await incident(tx, { sessionId, at: lastHeardAt, kind: 'disconnected', source: 'system', note: row.state === 'paused' ? 'The connection closed while the exam was paused' : 'The connection closed during the exam' });
        }
        await store.notifySession(tx, sessionId, 'disconnected', { center: row.testCenterId });
      });
    },

    /**
     * An image of an item on the candidate's own form, only while the exam is in progress (not paused, not ended):
     * another candidate's session is 404 like any session they cannot see, a session not in progress is 403, an image
     * no item of the form shows is 404.
     */
    async candidateMedia(actor: Actor, sessionId: string, sha256: string) {
      if (actor.role !== 'candidate') throw forbidden('only the candidate of the session fetches its images');
      const row = await loadForActor(db, actor, sessionId, false);
      if (row.state !== 'in_progress' || !row.formId) throw forbidden('images are shown only while the exam is in progress');
      const found = await repo.formMedia(db, row.formId, sha256);
      if (!found) throw notFound('image');
      return found;
    },

    /** The candidate tools the module's blueprint allows (#17.3); a blueprint that says nothing allows the basic calculator. */
    async tools(actor: Actor, sessionId: string): Promise<{ calculator: (typeof CALCULATOR_MODES)[number] }> {
      const row = await loadForActor(db, actor, sessionId, false);
      const blueprint = await deps.assembly.blueprintFor(row.module);
      return { calculator: blueprint.calculator ?? DEFAULT_CALCULATOR };
    },

    /** Testing-center signals (focus lost, page hidden, full screen left): audited and pushed to the proctor feed. */
    /** A candidate's signal; `coalesced` counts the same signals dropped since the last recorded one (rate limit). */
    async signal(actor: Actor, sessionId: string, kind: string, coalesced = 0) {
      await db.transaction(async (tx) => {
        const row = await loadForActor(tx, actor, sessionId, false);
        await record(tx, actor, row, 'signal', kind, { kind, ...(coalesced ? { coalesced } : {}) });
        const kindOf = SIGNAL_INCIDENTS[kind];
        const note = coalesced ? `and ${coalesced} more since the last one recorded` : undefined;
        if (kindOf) await incident(tx, { sessionId, at: clock.now(), kind: kindOf, source: 'candidate', actorId: actor.userId, ...(note ? { note } : {}) });
        await store.notifySession(tx, sessionId, 'signal', { center: row.testCenterId, signal: kind });
      });
    },

    /** Records that these candidates were heard from (at `at`), with the connection health their clients reported. */
    heartbeat: (beats: { id: string; at: Date; rttMs: number | null; pendingAnswers: number | null }[]) => store.recordHeartbeats(db, beats),

    /**
     * A proctor's message to a candidate (#17.6), alone or as one seat of a room-wide message; with answersHand it
     * answers the candidate's raised hand. Logged as an incident (the timeline and the incident list show it), audited,
     * and pushed to the candidate's socket on whichever instance holds it.
     */
    async message(actor: Actor, sessionId: string, text: string, opts: { scope: 'seat' | 'room'; answersHand?: boolean }) {
      if (actor.role !== 'proctor' && actor.role !== 'admin') throw forbidden('Only proctors and admins send messages to candidates');
      await db.transaction(async (tx) => {
        const row = await loadForActor(tx, actor, sessionId, false);
        if (row.state !== 'in_progress' && row.state !== 'paused') throw new AppError('INVALID_TRANSITION', `The exam is ${row.state.replaceAll('_', ' ')}: messages reach candidates only during the exam`);
        const at = clock.now();
        const answersHand = opts.answersHand ?? false;
        await incident(tx, { sessionId, at, kind: answersHand ? 'hand-answered' : 'proctor-message', source: sourceOf(actor), actorId: actor.userId, note: text });
        await record(tx, actor, row, answersHand ? 'hand-answered' : 'message-sent', text, { scope: opts.scope });
        await store.notifySession(tx, sessionId, 'message', { center: row.testCenterId, text, scope: opts.scope, at: at.toISOString(), answersHand });
      });
    },

    /**
     * A seat-camera incident (#17.11) the camera module reports for the session's candidate: the camera failed
     * (permission denied, no device) or the candidate declined it (raised on the proctor's console), or a proctor
     * reopened the decision. Audited here unless the camera module already audited it in its own transaction.
     */
    async cameraIncident(actor: Actor, sessionId: string, kind: 'camera-failed' | 'camera-declined' | 'camera-reopened', note: string, opts: { audited?: boolean } = {}) {
      await db.transaction(async (tx) => {
        const row = await loadForActor(tx, actor, sessionId, false);
        // A reopened decision is the proctor's (or an admin's) event; the others are the candidate's.
        await incident(tx, { sessionId, at: clock.now(), kind, source: actor.role === 'candidate' ? 'candidate' : sourceOf(actor), actorId: actor.userId, note });
        if (!opts.audited) await record(tx, actor, row, kind, note);
        await store.notifySession(tx, sessionId, 'incident', { center: row.testCenterId });
      });
    },

    /** A proctor's incident note on a session, under a category and a severity (#17.8; default other / low). */
    async addIncidentNote(actor: Actor, sessionId: string, note: string, c: { category?: IncidentCategory; severity?: IncidentSeverity } = {}) {
      if (actor.role !== 'proctor' && actor.role !== 'admin') throw forbidden('Only proctors and admins record incidents');
      await db.transaction(async (tx) => {
        const row = await loadForActor(tx, actor, sessionId, false);
        const classification = { ...defaultClassification('proctor-note'), ...c };
        await incident(tx, { sessionId, at: clock.now(), kind: 'proctor-note', source: sourceOf(actor), actorId: actor.userId, note, ...classification });
        await record(tx, actor, row, 'incident-noted', note, classification);
        await store.notifySession(tx, sessionId, 'incident', { center: row.testCenterId });
      });
    },
    /** Scores the session now if it has ended (paper responses, docs/paper.md); the scoring sweep is the fallback. */
    scoreIfEnded,
    find: (id: string) => store.findSession(db, id),
    /**
     * A candidate's saved answers (#14.1). Admins see them at any time (support, audit); a proctor of the session's
     * center only once the exam has ended, so nobody in the room can read or relay answers while it runs.
     */
    async responses(actor: Actor, id: string) {
      const row = await loadForActor(db, actor, id, false);
      if (actor.role === 'candidate') throw forbidden('Answers are shown to candidates only in their exam');
      if (actor.role === 'proctor' && !isEnded(row.state)) throw forbidden('A candidate’s answers are visible to proctors only after the exam has ended');
      return store.loadResponses(db, id);
    },
    ledger: (id: string) => store.listLedger(db, id),

    /** The time-up, disconnect, break-end and scoring sweeps (sessions.sweeps.ts); tests with a fake clock call them by hand. */
    ...sweeps,
  };
}
export type SessionsService = ReturnType<typeof createSessionsService>;
