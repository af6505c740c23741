import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/build-app.ts';
import { ExamClient } from '../helpers/exam-client.ts';
import { importSampleModule, startedSession } from '../helpers/session-fixture.ts';
import { DB_KINDS } from '../helpers/test-db.ts';

describe.each(DB_KINDS)('a whole exam over real websockets on %s', (kind) => {
  let t: TestApp;
  let base: string;
  beforeAll(async () => {
    t = await buildTestApp(kind, { sweeps: false });
    await importSampleModule(t.services);
    base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  });
  afterAll(() => t?.close());

  it('delivers the form without keys, acknowledges every answer after commit, and submits once', async () => {
    const s = await startedSession(t.app);
    const c = await ExamClient.open(base, s.candidate);
    const snap = await c.hello(s.sessionId);
    expect(snap.session).toMatchObject({ state: 'in_progress', module: 'SAF', moduleTitle: 'Safety' });
    expect(snap.items).toHaveLength(86);
    expect(snap.time.running).toBe(true);
    expect(snap.time.remainingMs).toBeGreaterThan(89 * 60_000);
    const raw = JSON.stringify(snap);
    expect(raw).not.toMatch(/"key"|rationale|"kwa"|"role"|pretest|"stats"/);

    // Answer every item (the first option shown), flag two.
    const acks = await Promise.all(snap.items.map((it) => c.answer(it.itemId, it.options[0]!.id)));
    expect(acks.every((a) => a.type === 'ack')).toBe(true);
    expect((await c.request({ type: 'flag', itemId: snap.items[3]!.itemId, flagged: true })).type).toBe('ack');
    expect((await c.request({ type: 'visit', itemId: snap.items[10]!.itemId })).type).toBe('ack');

    const saved = (await t.app.inject({ url: `/api/sessions/${s.sessionId}/responses`, headers: s.admin })).json() as { itemId: string; optionId: string; flagged: boolean }[];
    expect(saved.filter((r) => r.optionId)).toHaveLength(86);
    expect(saved.find((r) => r.itemId === snap.items[3]!.itemId)!.flagged).toBe(true);

    // Replaying an applied sequence is acknowledged again without change; an older sequence never overwrites a newer one.
    const item = snap.items[0]!;
    const newer = await c.answer(item.itemId, item.options[1]!.id);
    expect(newer.type).toBe('ack');
    const replay = await c.answer(item.itemId, item.options[2]!.id, 1); // seq 1 was this item's first answer
    expect(replay).toEqual({ type: 'ack', seq: 1 });
    const after = (await t.app.inject({ url: `/api/sessions/${s.sessionId}/responses`, headers: s.admin })).json() as { itemId: string; optionId: string }[];
    expect(after.find((r) => r.itemId === item.itemId)!.optionId).toBe(item.options[1]!.id);

    const review = await c.request({ type: 'review' });
    expect(review).toMatchObject({ type: 'review', unanswered: [], flagged: [snap.items[3]!.itemId], total: 86 });

    const submitted = await c.request({ type: 'submit' });
    expect(submitted.type).toBe('ack');
    await c.waitFor('ended', (m) => m.reason === 'submitted');
    await c.waitFor('result-ready');
    await expect.poll(() => c.closed?.code).toBe(4002);
    const status = (await t.app.inject({ url: `/api/sessions/${s.sessionId}`, headers: s.candidate })).json();
    expect(status.state).toBe('scored');
    // A late connection gets the state and the result link, no questions, and is closed (#13.7): the session ended
    // exactly once and nothing more can be written to it.
    const late = await ExamClient.open(base, s.candidate);
    expect((await late.hello(s.sessionId)).items).toEqual([]);
    await late.waitFor('result-ready');
    await expect.poll(() => late.closed?.code).toBe(4002);
    const audit = await t.services.audit.forSubject('session', s.sessionId);
    expect(audit.filter((a) => a.action === 'session.submitted')).toHaveLength(1);
    expect(audit.filter((a) => a.action === 'session.scored')).toHaveLength(1);
    late.close();
  });

  it('rejects bad messages with clear codes and keeps the connection', async () => {
    const s = await startedSession(t.app);
    const c = await ExamClient.open(base, s.candidate);
    c.send({ type: 'answer', seq: 1, itemId: 'X', optionId: 'A' });
    expect((await c.waitFor('error')).code).toBe('HELLO_FIRST');
    const snap = await c.hello(s.sessionId);
    expect(await c.answer('SAF-999', 'A')).toMatchObject({ code: 'ITEM_NOT_ON_FORM' });
    expect(await c.answer(snap.items[0]!.itemId, 'E')).toMatchObject({ code: 'OPTION_NOT_ON_ITEM' });
    c.ws.send('{not json');
    expect((await c.next('error')).message).toMatch(/not valid JSON/);
    c.send({ type: 'answer', seq: 9, itemId: snap.items[0]!.itemId });
    expect(await c.waitFor('error', (e) => e.seq === 9)).toMatchObject({ code: 'BAD_MESSAGE' });
    c.send({ type: 'answer', seq: 10, itemId: 'x'.repeat(5000), optionId: 'A' });
    expect(await c.next('error')).toMatchObject({ code: 'MESSAGE_TOO_LARGE', seq: 10 }); // the seq is read even from an oversized frame
    expect((await c.answer(snap.items[0]!.itemId, snap.items[0]!.options[0]!.id)).type).toBe('ack');
    c.close();
  });

  it('refuses other candidates, proctors and anonymous sockets', async () => {
    const s = await startedSession(t.app);
    const anon = await ExamClient.open(base, {});
    anon.send({ type: 'hello', protocol: 1, sessionId: s.sessionId });
    expect((await anon.waitFor('error')).code).toBe('NOT_AUTHENTICATED');
    const proctor = await ExamClient.open(base, s.proctor);
    proctor.send({ type: 'hello', protocol: 1, sessionId: s.sessionId });
    expect((await proctor.waitFor('error')).code).toBe('FORBIDDEN');
    await t.services.accounts.createUser(null, { username: 'other-cand', displayName: 'Other', role: 'candidate', password: 'other-password-1', testCenterCodes: ['DEMO-01'] });
    const { loginAs } = await import('../helpers/build-app.ts');
    const other = await ExamClient.open(base, await loginAs(t.app, 'other-cand', 'other-password-1'));
    other.send({ type: 'hello', protocol: 1, sessionId: s.sessionId });
    expect((await other.waitFor('error')).code).toBe('SESSION_NOT_FOUND');
  });

  it('lets a second connection take over: the first is closed with a reason and an incident is recorded', async () => {
    const s = await startedSession(t.app);
    const first = await ExamClient.open(base, s.candidate);
    const snap = await first.hello(s.sessionId);
    expect((await first.answer(snap.items[0]!.itemId, snap.items[0]!.options[0]!.id)).type).toBe('ack');
    const second = await ExamClient.open(base, s.candidate);
    const snap2 = await second.hello(s.sessionId);
    expect(snap2.answers[snap.items[0]!.itemId]).toBe(snap.items[0]!.options[0]!.id);
    expect(snap2.lastSeq).toBe(1); // a client without local state continues from here
    await first.waitFor('replaced');
    await expect.poll(() => first.closed?.code).toBe(4001);
    const audit = await t.services.audit.forSubject('session', s.sessionId);
    expect(audit.map((a) => a.action)).toContain('session.second-connection');
    second.continueFrom(first.lastSeq);
    expect((await second.answer(snap.items[1]!.itemId, snap.items[1]!.options[0]!.id)).type).toBe('ack');
    second.close();
  });

  it('pushes proctor pause, resume, extension and termination to the candidate within a second', async () => {
    const s = await startedSession(t.app);
    const c = await ExamClient.open(base, s.candidate);
    const snap = await c.hello(s.sessionId);
    const t0 = Date.now();
    const pausedP = c.next('paused');
    await t.app.inject({ method: 'POST', url: `/api/sessions/${s.sessionId}/pause`, headers: s.proctor, payload: { reason: 'fire drill' } });
    const paused = await pausedP;
    expect(paused.reason).toBe('fire drill');
    expect(paused.time.running).toBe(false);
    expect(await c.answer(snap.items[0]!.itemId, snap.items[0]!.options[0]!.id)).toMatchObject({ code: 'SESSION_PAUSED' });
    const resumedP = c.next('resumed');
    await t.app.inject({ method: 'POST', url: `/api/sessions/${s.sessionId}/resume`, headers: s.proctor, payload: {} });
    const resumed = await resumedP;
    const extendedP = c.next('extended');
    await t.app.inject({ method: 'POST', url: `/api/sessions/${s.sessionId}/extend`, headers: s.proctor, payload: { minutes: 10, reason: 'late start' } });
    const extended = await extendedP;
    expect(extended.minutes).toBe(10);
    expect(extended.time.remainingMs - resumed.time.remainingMs).toBeGreaterThan(9.9 * 60_000);
    const terminatedP = c.next('terminated');
    await t.app.inject({ method: 'POST', url: `/api/sessions/${s.sessionId}/terminate`, headers: s.proctor, payload: { category: 'prohibited-item', note: 'candidate used a phone' } });
    expect((await terminatedP).reason).toBe('candidate used a phone');
    await c.waitFor('ended', (m) => m.reason === 'terminated');
    expect(Date.now() - t0).toBeLessThan(10_000);
    const ledger = (await t.app.inject({ url: `/api/sessions/${s.sessionId}/time-ledger`, headers: s.proctor })).json() as { kind: string; reason: string }[];
    expect(ledger.map((l) => l.kind)).toEqual(['start', 'pause', 'resume', 'extend', 'stop']);
  });
});
