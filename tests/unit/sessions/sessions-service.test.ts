/**
 * The sessions service's rules at its seams, without a database: an in-memory repository typed as the service's
 * `SessionsRepository` (a Pick of sessions.repository.ts) and `Pick<>` fakes of the audit, assembly, accounts and
 * launch-code services. Transactions are serialized, as the session row lock serializes them for one session in
 * PostgreSQL. The integration tests (tests/ws, tests/api) check the same paths on PGlite and PostgreSQL.
 */
import { describe, expect, it } from 'vitest';
import type { Db } from '../../../server/src/db/client.ts';
import type { Actor } from '../../../server/src/platform/actor.ts';
import type { AuditEvent } from '../../../server/src/modules/audit/audit.service.ts';
import { createSessionsService, encodeSnapshot, type EligibilityPort, type ScoringPort, type SessionsDeps, type SessionsRepository } from '../../../server/src/modules/sessions/sessions.service.ts';
import type { SessionFormItem, SessionRow } from '../../../server/src/modules/sessions/sessions.repository.ts';
import { fakeClock } from '../../helpers/fake-clock.ts';

const CENTER = '00000000-0000-4000-8000-0000000000c1';
const CANDIDATE: Actor = { userId: '00000000-0000-4000-8000-0000000000a1', username: 'cand', displayName: 'Cand', role: 'candidate', testCenterIds: [CENTER] };
const PROCTOR: Actor = { userId: '00000000-0000-4000-8000-0000000000b1', username: 'proc', displayName: 'Proc', role: 'proctor', testCenterIds: [CENTER] };
const FORM = 'form-1';
const ITEMS: SessionFormItem[] = [1, 2, 3].map((n) => ({
  position: n,
  itemId: `SAF-${n}`,
  version: 1,
  kwa: 'SAF-1',
  role: 'scored',
  optionOrder: ['A', 'B', 'C', 'D'],
  content: { kwa: 'SAF-1', stem: `Question ${n}`, options: (['A', 'B', 'C', 'D'] as const).map((id) => ({ id, text: `Option ${id}` })), key: 'A', rationale: 'because', topics: [] },
}));

type Response = { itemId: string; optionId: string | null; flagged: boolean; answerSeq: number; flagSeq: number; answeredAt: Date | null };

/** An in-memory repository with the real one's write rules (a lower sequence never overwrites a higher one). */
function memoryRepository() {
  const sessions = new Map<string, SessionRow>();
  const responses = new Map<string, Map<string, Response>>();
  const ledger: { sessionId: string; kind: string; amountMs: number | null }[] = [];
  const incidents: { sessionId: string; kind: string; note?: string | null }[] = [];
  const notifications: { sessionId: string; kind: string }[] = [];
  let nextId = 1;
  const responsesOf = (id: string) => responses.get(id) ?? responses.set(id, new Map()).get(id)!;
  const unused = (name: string) => async (): Promise<never> => {
    throw new Error(`${name} is not used by these tests`);
  };
  const repository: SessionsRepository = {
    async insertSession(_db, s) {
      const row: SessionRow = {
        id: `00000000-0000-4000-8000-${String(nextId++).padStart(12, '0')}`,
        timeMultiplier: 1, accommodationNote: null, separateRoom: false, checkedInAt: null, admittedAt: null, admittedBy: null, idConfirmed: false,
        handbookVersion: null, handbookAcknowledgedAt: null, formId: null, delivery: 'online', startedAt: null, endedAt: null, endReason: null, endNote: null,
        pauseReason: null, usedMs: 0, runningSince: null, deadlineAt: null, connectionId: null, lastSeenAt: null, disconnectCreditedMs: 0, rttMs: null,
        pendingAnswers: null, positionItemId: null, positionSeq: 0, createdAt: new Date(0),
        ...s,
      } as SessionRow;
      sessions.set(row.id, row);
      return { ...row };
    },
    findSession: async (_db, id) => (sessions.has(id) ? { ...sessions.get(id)! } : undefined),
    lockSession: async (_db, id) => (sessions.has(id) ? { ...sessions.get(id)! } : undefined),
    async updateSession(_db, id, patch) {
      sessions.set(id, { ...sessions.get(id)!, ...patch } as SessionRow);
    },
    async appendLedger(_db, entries) {
      for (const e of entries) ledger.push({ sessionId: e.sessionId, kind: e.kind, amountMs: e.amountMs ?? null });
    },
    listLedger: unused('listLedger'),
    listSessionsForCandidate: unused('listSessionsForCandidate'),
    previousFormIds: async () => [],
    loadFormEntries: async (_db, formId) => (formId === FORM ? ITEMS.map(({ position, itemId, version, optionOrder }) => ({ position, itemId, version, optionOrder })) : []),
    loadItemContents: async (_db, keys) => ITEMS.filter((i) => keys.some((k) => k.itemId === i.itemId && k.version === i.version)).map(({ itemId, version, content }) => ({ itemId, version, content })),
    loadResponses: async (_db, id) => [...responsesOf(id).values()].map((r) => ({ ...r })),
    shareLockSessions: async (_db, ids) => ids.filter((id) => sessions.has(id)).map((id) => {
      const s = sessions.get(id)!;
      return { id, state: s.state, deadlineAt: s.deadlineAt, formId: s.formId, testCenterId: s.testCenterId };
    }),
    async upsertAnswers(_db, rows) {
      for (const r of rows) {
        const prev = responsesOf(r.sessionId).get(r.itemId);
        if (prev && prev.answerSeq >= r.seq) continue;
        responsesOf(r.sessionId).set(r.itemId, { itemId: r.itemId, optionId: r.optionId, answerSeq: r.seq, answeredAt: r.at, flagged: prev?.flagged ?? false, flagSeq: prev?.flagSeq ?? 0 });
      }
    },
    async upsertFlags(_db, rows) {
      for (const r of rows) {
        const prev = responsesOf(r.sessionId).get(r.itemId);
        if (prev && prev.flagSeq >= r.seq) continue;
        responsesOf(r.sessionId).set(r.itemId, { itemId: r.itemId, optionId: prev?.optionId ?? null, answerSeq: prev?.answerSeq ?? 0, answeredAt: prev?.answeredAt ?? null, flagged: r.flagged, flagSeq: r.seq });
      }
    },
    async setPositions(_db, rows) {
      for (const r of rows) {
        const s = sessions.get(r.sessionId)!;
        if (s.positionSeq < r.seq) sessions.set(r.sessionId, { ...s, positionItemId: r.itemId, positionSeq: r.seq });
      }
    },
    claimExpired: async (_db, now, graceMs, limit) =>
      [...sessions.values()].filter((s) => s.state === 'in_progress' && s.deadlineAt && s.deadlineAt.getTime() <= now.getTime() - graceMs).slice(0, limit).map((s) => ({ ...s })),
    claimDisconnected: async (_db, now, ms, limit) =>
      [...sessions.values()].filter((s) => s.state === 'in_progress' && (!s.lastSeenAt || s.lastSeenAt.getTime() < now.getTime() - ms)).slice(0, limit).map((s) => ({ ...s })),
    claimBreaksOver: async (_db, now, limit) =>
      [...sessions.values()].filter((s) => s.state === 'paused' && s.breakEndsAt && s.breakEndsAt.getTime() <= now.getTime()).slice(0, limit).map((s) => ({ ...s })),
    seatHolder: async (_db, center, day, seat, exceptId) => {
      const s = [...sessions.values()].find((s) => s.testCenterId === center && s.seatDay === day && s.seatLabel?.toLowerCase() === seat.toLowerCase() && s.id !== exceptId && !['submitted', 'expired', 'terminated', 'scored'].includes(s.state));
      return s && { id: s.id, candidateName: 'Someone' };
    },
    centerTimeZone: async () => 'America/Chicago',
    claimUnscored: async (_db, limit) => [...sessions.values()].filter((s) => ['submitted', 'expired', 'terminated'].includes(s.state)).slice(0, limit).map((s) => ({ ...s })),
    async releaseConnection(_db, id, connectionId, lastHeardAt) {
      const s = sessions.get(id)!;
      if (s.connectionId === connectionId) sessions.set(id, { ...s, connectionId: null, lastSeenAt: lastHeardAt });
    },
    async notifySession(_db, sessionId, kind) {
      notifications.push({ sessionId, kind });
    },
    notifyProgress: async () => {},
    moduleTitles: async () => new Map([['SAF', 'Safety']]),
    async insertIncident(_db, i) {
      incidents.push({ sessionId: i.sessionId, kind: i.kind, note: i.note });
    },
    recordHeartbeats: unused('recordHeartbeats'),
    sessionNames: unused('sessionNames'),
    extendedMs: unused('extendedMs'),
    insertExtensionRequest: unused('insertExtensionRequest'),
    pendingExtensionRequest: unused('pendingExtensionRequest'),
    lockExtensionRequest: unused('lockExtensionRequest'),
    decideExtensionRequest: unused('decideExtensionRequest'),
    listExtensionRequests: unused('listExtensionRequests'),
  };
  return { repository, sessions, responses, ledger, incidents, notifications };
}

/** Transactions run one at a time on the one in-memory store (the row lock's effect for one session). */
function serializedDb(): Db {
  let tail: Promise<unknown> = Promise.resolve();
  const db: Pick<Db, 'transaction'> = {
    transaction: ((fn: (tx: Db) => Promise<unknown>) => {
      const run = tail.then(() => fn(db as Db));
      tail = run.catch(() => {});
      return run;
    }) as Db['transaction'],
  };
  return db as Db;
}

function setup(opts: { eligibility?: EligibilityPort; config?: SessionsDeps['config'] } = {}) {
  const clock = fakeClock(new Date('2026-11-23T09:00:00Z'));
  const mem = memoryRepository();
  const audit: { actor: Actor | null; event: AuditEvent }[] = [];
  const scored: string[] = [];
  const scoring: ScoringPort = {
    async scoreEndedSession(_tx, session) {
      scored.push(session.id);
      return { scored: true, passed: false };
    },
  };
  const deps: SessionsDeps = {
    db: serializedDb(),
    repository: mem.repository,
    clock,
    audit: { record: async (actor, event) => void audit.push({ actor, event }) },
    assembly: {
      blueprintFor: async () => ({ version: 'bp-1', timeLimitMinutes: 60 }) as Awaited<ReturnType<SessionsDeps['assembly']['blueprintFor']>>,
      formForSession: async (_tx, _input, andThen) => {
        const form = { formId: FORM, kind: 'linear-on-the-fly' as const, seed: 'seed' } as Awaited<ReturnType<SessionsDeps['assembly']['formForSession']>>;
        await andThen?.(form);
        return form;
      },
    },
    accounts: { actorFor: async (id) => (id === CANDIDATE.userId ? CANDIDATE : undefined) },
    launchCodes: { issueLaunchCode: async () => 'CODE-1' },
    eligibility: opts.eligibility,
    scoring,
    config: opts.config,
  };
  const service = createSessionsService(deps);
  const actions = (id: string) => audit.filter((a) => a.event.subjectId === id).map((a) => a.event.action);
  /** Schedules, checks in, admits, acknowledges the handbook and starts a session; returns its id. */
  async function running() {
    const row = await service.schedule(PROCTOR, { candidateId: CANDIDATE.userId, module: 'SAF', testCenterId: CENTER, scheduledAt: clock.now() });
    await service.checkIn(CANDIDATE, row.id);
    await service.admit(PROCTOR, row.id, { idConfirmed: true });
    const { HANDBOOK_VERSION } = await import('../../../shared/handbook.ts');
    await service.acknowledgeHandbook(CANDIDATE, row.id, HANDBOOK_VERSION);
    await service.start(CANDIDATE, row.id);
    return row.id;
  }
  return { service, clock, mem, audit, scored, actions, running };
}

describe('sessions service at its seams (no database)', () => {
  it('a 60-minute blueprint gives 60 minutes, times the accommodation multiplier', async () => {
    const { service, clock } = setup();
    const row = await service.schedule(PROCTOR, { candidateId: CANDIDATE.userId, module: 'SAF', testCenterId: CENTER, scheduledAt: clock.now(), timeMultiplier: 1.5 });
    expect(row.allowedMs).toBe(90 * 60_000);
    expect(row.state).toBe('scheduled');
  });

  it('refuses to schedule a candidate the retake rules hold back, with the next eligible date', async () => {
    const asked: Date[] = [];
    const { service, clock } = setup({
      eligibility: {
        async check(input) {
          asked.push(input.at);
          return { eligible: false, reason: 'A failed attempt starts a 7-day wait', nextEligibleDate: '2026-11-30' };
        },
      },
    });
    const err = await service.schedule(PROCTOR, { candidateId: CANDIDATE.userId, module: 'SAF', testCenterId: CENTER, scheduledAt: new Date('2026-01-01T00:00:00Z') }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'RULE_VIOLATION', extra: { details: { nextEligibleDate: '2026-11-30' } } });
    // A back-dated request is judged at now, so it cannot slip under the wait.
    expect(asked).toEqual([clock.now()]);
  });

  it('checks eligibility again at admission: a result recorded since scheduling holds the candidate back', async () => {
    let eligible = true;
    const { service, clock, mem } = setup({
      eligibility: { check: async () => (eligible ? { eligible: true } : { eligible: false, reason: 'wait', nextEligibleDate: '2026-12-01' }) },
    });
    const row = await service.schedule(PROCTOR, { candidateId: CANDIDATE.userId, module: 'SAF', testCenterId: CENTER, scheduledAt: clock.now() });
    await service.checkIn(CANDIDATE, row.id);
    eligible = false;
    await expect(service.admit(PROCTOR, row.id, { idConfirmed: true })).rejects.toMatchObject({ code: 'RULE_VIOLATION' });
    expect(mem.sessions.get(row.id)!.formId).toBeNull();
  });

  it('takes answers in progress, keeps the newest sequence, and refuses them while paused', async () => {
    const { service, mem, running } = setup();
    const id = await running();
    expect(await service.write({ kind: 'answer', sessionId: id, seq: 2, itemId: 'SAF-1', optionId: 'B' })).toEqual({ ok: true });
    expect(await service.write({ kind: 'answer', sessionId: id, seq: 1, itemId: 'SAF-1', optionId: 'C' })).toEqual({ ok: true }); // a late replay
    expect(mem.responses.get(id)!.get('SAF-1')).toMatchObject({ optionId: 'B', answerSeq: 2 });
    await service.pause(PROCTOR, id, 'fire alarm');
    expect(await service.write({ kind: 'answer', sessionId: id, seq: 3, itemId: 'SAF-2', optionId: 'A' })).toMatchObject({ ok: false, code: 'SESSION_PAUSED' });
    expect(mem.responses.get(id)!.has('SAF-2')).toBe(false);
    await service.resume(PROCTOR, id);
    expect(await service.write({ kind: 'answer', sessionId: id, seq: 3, itemId: 'SAF-2', optionId: 'A' })).toEqual({ ok: true });
    expect(await service.write({ kind: 'answer', sessionId: id, seq: 4, itemId: 'SAF-9', optionId: 'A' })).toMatchObject({ ok: false, code: 'ITEM_NOT_ON_FORM' });
  });

  it('a paused exam sends no questions; the clock does not run while paused', async () => {
    const { service, clock, running } = setup();
    const id = await running();
    clock.advance(60_000);
    await service.pause(PROCTOR, id, 'fire alarm');
    clock.advance(10 * 60_000);
    const row = (await service.find(id))!;
    const snap = JSON.parse(encodeSnapshot(await service.snapshot(row)));
    expect(snap.items).toEqual([]);
    expect(snap.time.remainingMs).toBe(59 * 60_000);
    await service.resume(PROCTOR, id);
    expect(JSON.parse(encodeSnapshot(await service.snapshot((await service.find(id))!))).items).toHaveLength(3);
  });

  it('refuses an answer after the deadline plus the in-flight grace, and takes one within it', async () => {
    const { service, clock, running } = setup({ config: { graceMs: 2000 } });
    const id = await running();
    clock.advance(60 * 60_000 + 1500);
    expect(await service.write({ kind: 'answer', sessionId: id, seq: 1, itemId: 'SAF-1', optionId: 'A' })).toEqual({ ok: true });
    clock.advance(501);
    expect(await service.write({ kind: 'answer', sessionId: id, seq: 2, itemId: 'SAF-1', optionId: 'B' })).toMatchObject({ ok: false, code: 'SESSION_ENDED' });
  });

  it('refuses a submit after the session ended (time-up) and ends the session at its deadline', async () => {
    const { service, clock, mem, running } = setup();
    const id = await running();
    clock.advance(60 * 60_000 + 5000);
    expect(await service.expireDue()).toEqual([id]);
    expect(mem.sessions.get(id)!.endedAt).toEqual(new Date('2026-11-23T10:00:00Z'));
    await expect(service.submit(CANDIDATE, id)).rejects.toMatchObject({ code: 'INVALID_TRANSITION' });
  });

  it('ends and scores exactly once however many submits, sweeps and scoring retries race', async () => {
    const { service, clock, scored, actions, mem, running } = setup();
    const id = await running();
    const submits = await Promise.allSettled([service.submit(CANDIDATE, id), service.submit(CANDIDATE, id), service.submit(CANDIDATE, id)]);
    expect(submits.map((s) => s.status).sort()).toEqual(['fulfilled', 'rejected', 'rejected']);
    clock.advance(2 * 60 * 60_000);
    await Promise.all([service.expireDue(), service.expireDue(), service.scorePending(), service.scorePending(), service.scoreIfEnded(id)]);
    await service.scorePending();
    expect(scored).toEqual([id]);
    expect(mem.sessions.get(id)!.state).toBe('scored');
    expect(mem.sessions.get(id)!.endReason).toBe('submitted');
    expect(actions(id).filter((a) => a === 'session.submitted' || a === 'session.expired' || a === 'session.scored')).toEqual(['session.submitted', 'session.scored']);
    expect(mem.notifications.filter((n) => n.sessionId === id && n.kind === 'ended')).toHaveLength(1);
  });

  it('pauses a disconnected candidate once, crediting the time lost, and the reconnect resumes it', async () => {
    const { service, clock, mem, running } = setup();
    const id = await running();
    await service.connect(CANDIDATE, id, 'tab-1/s1');
    clock.advance(5 * 60_000);
    await service.disconnected(id, 'tab-1/s1', clock.now());
    clock.advance(40_000);
    expect(await service.pauseDisconnected()).toEqual([id]);
    expect(await service.pauseDisconnected()).toEqual([]);
    const row = mem.sessions.get(id)!;
    expect(row).toMatchObject({ state: 'paused', pauseReason: 'disconnected', disconnectCreditedMs: 40_000 });
    expect(mem.ledger.filter((e) => e.kind === 'credit')).toEqual([{ sessionId: id, kind: 'credit', amountMs: 40_000 }]);
    const back = await service.connect(CANDIDATE, id, 'tab-1/s2');
    expect(back.session.state).toBe('in_progress');
    // 5 minutes used; the 40 s away are credited.
    expect(back.snapshot.message.time.remainingMs).toBe(55 * 60_000);
  });

  it('a reconnect of the same tab is no takeover; another tab while the first is live is one incident', async () => {
    const { service, clock, mem, running } = setup();
    const id = await running();
    await service.connect(CANDIDATE, id, 'tab-1/s1');
    clock.advance(1000);
    await service.connect(CANDIDATE, id, 'tab-1/s2');
    expect(mem.incidents.filter((i) => i.kind === 'second-connection')).toHaveLength(0);
    clock.advance(1000);
    const other = await service.connect(CANDIDATE, id, 'tab-2/s3');
    expect(other.replacedConnection).toBe('tab-1/s2');
    expect(mem.incidents.filter((i) => i.kind === 'second-connection')).toHaveLength(1);
  });

  it('another candidate cannot connect to, answer through, or submit a session', async () => {
    const { service, running } = setup();
    const id = await running();
    const other: Actor = { ...CANDIDATE, userId: '00000000-0000-4000-8000-0000000000a2' };
    await expect(service.connect(other, id, 'x/1')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(service.submit(other, id)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(service.pause(CANDIDATE, id, 'no')).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});
