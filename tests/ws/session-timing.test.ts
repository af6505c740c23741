import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeServices } from '../../server/src/compose.ts';
import { buildTestApp, testConfig, type TestApp } from '../helpers/build-app.ts';
import { ExamClient } from '../helpers/exam-client.ts';
import { fakeClock } from '../helpers/fake-clock.ts';
import { importSampleModule, startedSession } from '../helpers/session-fixture.ts';
import { DB_KINDS } from '../helpers/test-db.ts';

const MIN = 60_000;

describe.each(DB_KINDS)('server-owned time on %s', (kind) => {
  let t: TestApp;
  let base: string;
  const clock = fakeClock();
  beforeAll(async () => {
    t = await buildTestApp(kind, { clock, sweeps: false });
    await importSampleModule(t.services);
    base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(() => t?.close());

  const status = async (id: string, headers: { cookie: string }) => (await t.app.inject({ url: `/api/sessions/${id}`, headers })).json();

  it('ends a session at time-up with no client connected, exactly once', async () => {
    const s = await startedSession(t.app);
    const startedAt = clock.now().getTime();
    clock.advance(90 * MIN + 1999);
    expect(await t.services.sessions.expireDue()).not.toContain(s.sessionId); // still inside the 2 s in-flight grace
    clock.advance(2);
    // Two sweepers at once, as two server instances would run them.
    const other = composeServices({ config: testConfig(), database: t.database, clock });
    const [a, b] = await Promise.all([t.services.sessions.expireDue(), other.sessions.expireDue()]);
    expect([...a, ...b].filter((id) => id === s.sessionId)).toHaveLength(1);
    const row = await t.services.sessions.find(s.sessionId);
    expect(row!.state).toBe('scored');
    expect(row!.endReason).toBe('expired');
    expect(row!.endedAt!.getTime()).toBe(startedAt + 90 * MIN);
    const ledger = await t.services.sessions.ledger(s.sessionId);
    expect(ledger.filter((l) => l.kind === 'stop')).toHaveLength(1);
  });

  it('accepts an answer in flight for up to 2 s after the deadline, and refuses it after', async () => {
    const s = await startedSession(t.app);
    const c = await ExamClient.open(base, s.candidate);
    const snap = await c.hello(s.sessionId);
    clock.advance(90 * MIN + 1500);
    expect((await c.answer(snap.items[0]!.itemId, snap.items[0]!.options[0]!.id)).type).toBe('ack');
    clock.advance(1000);
    expect(await c.answer(snap.items[1]!.itemId, snap.items[1]!.options[0]!.id)).toMatchObject({ type: 'error', code: 'SESSION_ENDED' });
    await t.services.sessions.expireDue();
    await c.waitFor('ended', (m) => m.reason === 'expired');
    c.close();
  });

  it('computes pause, resume, extension and accommodation time from the ledger', async () => {
    const s = await startedSession(t.app, { timeMultiplier: 1.5 });
    clock.advance(10 * MIN);
    await t.app.inject({ method: 'POST', url: `/api/sessions/${s.sessionId}/pause`, headers: s.proctor, payload: { reason: 'restroom break approved' } });
    clock.advance(30 * MIN);
    expect((await status(s.sessionId, s.candidate)).time).toMatchObject({ remainingMs: 125 * MIN, running: false, deadline: null });
    await t.app.inject({ method: 'POST', url: `/api/sessions/${s.sessionId}/resume`, headers: s.proctor, payload: {} });
    await t.app.inject({ method: 'POST', url: `/api/sessions/${s.sessionId}/extend`, headers: s.proctor, payload: { minutes: 5, reason: 'system slow at start' } });
    const st = await status(s.sessionId, s.candidate);
    expect(st.time.remainingMs).toBe(130 * MIN);
    expect(new Date(st.time.deadline).getTime()).toBe(clock.now().getTime() + 130 * MIN);
    clock.advance(130 * MIN - 1);
    await t.services.sessions.expireDue();
    expect((await status(s.sessionId, s.candidate)).state).toBe('in_progress');
    clock.advance(1 + 2000);
    await t.services.sessions.expireDue();
    expect(await status(s.sessionId, s.candidate)).toMatchObject({ state: 'scored', endReason: 'expired' });
  });

  it('keeps the clock running through a short drop; a long one pauses with the time credited, and reconnecting resumes', async () => {
    const s = await startedSession(t.app);
    const c = await ExamClient.open(base, s.candidate);
    await c.hello(s.sessionId);
    clock.advance(20 * MIN);
    c.close();
    await expect.poll(async () => (await t.services.sessions.find(s.sessionId))!.connectionId).toBeNull();
    const remainingAtDrop = (await status(s.sessionId, s.candidate)).time.remainingMs;
    clock.advance(25_000);
    expect(await t.services.sessions.pauseDisconnected()).not.toContain(s.sessionId);
    clock.advance(10_000);
    expect(await t.services.sessions.pauseDisconnected()).toContain(s.sessionId);
    const paused = await status(s.sessionId, s.candidate);
    expect(paused).toMatchObject({ state: 'paused', pauseReason: 'disconnected' });
    expect(paused.time.remainingMs).toBe(remainingAtDrop);
    clock.advance(5 * MIN);
    const back = await ExamClient.open(base, s.candidate);
    const snap = await back.hello(s.sessionId);
    expect(snap.session.state).toBe('in_progress');
    expect(snap.time.remainingMs).toBe(remainingAtDrop);
    const audit = await t.services.audit.forSubject('session', s.sessionId);
    expect(audit.map((a) => a.action)).toEqual(expect.arrayContaining(['session.auto-paused', 'session.resumed']));
    back.close();
  });

  it('pushes time warnings at 15, 5 and 1 minutes left', async () => {
    const s = await startedSession(t.app);
    const c = await ExamClient.open(base, s.candidate);
    await c.hello(s.sessionId);
    clock.advance(75 * MIN);
    expect((await c.next('time-warning', 5000)).minutesLeft).toBe(15);
    clock.advance(10 * MIN);
    expect((await c.next('time-warning', 5000)).minutesLeft).toBe(5);
    clock.advance(4 * MIN);
    const last = await c.next('time-warning', 5000);
    expect(last).toMatchObject({ minutesLeft: 1, time: { remainingMs: 60_000 } });
    c.close();
  });

  it('answers time-sync with the server time and deadline, so the client can correct its clock', async () => {
    const s = await startedSession(t.app);
    const c = await ExamClient.open(base, s.candidate);
    await c.hello(s.sessionId);
    c.send({ type: 'time-sync', clientSentAt: 12345 });
    const sync = await c.waitFor('time-sync');
    expect(sync).toMatchObject({ clientSentAt: 12345, serverTime: clock.now().getTime(), time: { remainingMs: 90 * MIN, running: true } });
    c.close();
  });
});
