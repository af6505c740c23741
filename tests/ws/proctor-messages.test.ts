/**
 * #17.6 messages from the proctor and #17.3 "raise hand": a raised hand reaches the console as an attention item
 * (first in the list) until a proctor answers it; the answer, a message to one seat and a message to the room reach
 * the candidates' sockets at once; each is an incident on the timeline and is audited; roles and centers are checked.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../helpers/build-app.ts';
import { ExamClient } from '../helpers/exam-client.ts';
import { ProctorClient } from '../helpers/proctor-client.ts';
import { listeningAppWithOutsider, scheduleSession, startedSession } from '../helpers/session-fixture.ts';
import { DB_KINDS } from '../helpers/test-db.ts';

describe.each(DB_KINDS)('proctor messages and raised hands on %s', (kind) => {
  let t: TestApp;
  let base: string;
  let outsider: { cookie: string };
  beforeAll(async () => {
    ({ t, base, outsider } = await listeningAppWithOutsider(kind, 'MSG-02'));
  });
  afterAll(() => t?.close());

  it('a raised hand is an attention item until answered; the answer reaches the candidate as a message', async () => {
    const s = await startedSession(t.app);
    const feed = await ProctorClient.open(base, s.proctor);
    feed.subscribe(s.testCenterId);
    await feed.waitFor((m) => m.type === 'roster');
    const c = await ExamClient.open(base, s.candidate);
    await c.hello(s.sessionId);

    const n = feed.messages.length;
    expect((await c.request({ type: 'signal', kind: 'raise-hand' })).type).toBe('ack');
    await feed.waitFor((m) => m.type === 'rows' && m.rows.some((r) => r.sessionId === s.sessionId && r.attention[0] === 'raised-hand'), n);
    expect(feed.latestRow(s.sessionId)!.lastIncident).toMatchObject({ kind: 'raise-hand' });

    // Only staff of the seat's center may answer.
    expect((await t.app.inject({ method: 'POST', url: `/api/sessions/${s.sessionId}/hand/answer`, headers: s.candidate, payload: {} })).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'POST', url: `/api/sessions/${s.sessionId}/hand/answer`, headers: outsider, payload: {} })).statusCode).toBe(403);

    const msgP = c.next('message');
    const n2 = feed.messages.length;
    const answered = await t.app.inject({ method: 'POST', url: `/api/sessions/${s.sessionId}/hand/answer`, headers: s.proctor, payload: { text: 'I am on my way.' } });
    expect(answered.statusCode).toBe(200);
    expect(await msgP).toMatchObject({ type: 'message', text: 'I am on my way.', scope: 'seat', answersHand: true });
    await feed.waitFor((m) => m.type === 'rows' && m.rows.some((r) => r.sessionId === s.sessionId && !r.attention.includes('raised-hand')), n2);

    const timeline = (await t.app.inject({ url: `/api/sessions/${s.sessionId}/timeline`, headers: s.proctor })).json() as { kind?: string; action?: string; reason?: string | null; note?: string | null }[];
    const text = JSON.stringify(timeline);
    expect(text).toContain('raise-hand');
    expect(text).toContain('hand-answered');
    expect(text).toContain('I am on my way.');
    feed.close();
    c.close();
  });

  it('a message to one seat reaches only that candidate; a message to the room reaches every running seat', async () => {
    const a = await startedSession(t.app);
    const b = await startedSession(t.app);
    const ca = await ExamClient.open(base, a.candidate);
    const cb = await ExamClient.open(base, b.candidate);
    await ca.hello(a.sessionId);
    await cb.hello(b.sessionId);

    const toA = ca.next('message');
    const seat = await t.app.inject({ method: 'POST', url: `/api/sessions/${a.sessionId}/message`, headers: a.proctor, payload: { text: 'Please keep your eyes on your own screen.' } });
    expect(seat.statusCode).toBe(200);
    expect(await toA).toMatchObject({ text: 'Please keep your eyes on your own screen.', scope: 'seat', answersHand: false });

    const roomA = ca.next('message');
    const roomB = cb.next('message');
    const room = await t.app.inject({ method: 'POST', url: `/api/proctor/centers/${a.testCenterId}/message`, headers: a.proctor, payload: { text: '10 minutes to the fire drill.' } });
    expect(room.statusCode).toBe(200);
    expect(room.json().messaged).toBeGreaterThanOrEqual(2);
    expect(await roomA).toMatchObject({ text: '10 minutes to the fire drill.', scope: 'room' });
    expect(await roomB).toMatchObject({ text: '10 minutes to the fire drill.', scope: 'room' });
    // b never got a's seat message.
    expect(cb.messages.filter((m) => m.type === 'message').map((m) => (m as { text: string }).text)).toEqual(['10 minutes to the fire drill.']);

    // Bad input is named; other centers' proctors and candidates are refused.
    const empty = await t.app.inject({ method: 'POST', url: `/api/sessions/${a.sessionId}/message`, headers: a.proctor, payload: { text: '  ' } });
    expect(empty.statusCode).toBe(400);
    expect(empty.body).toContain('write a message');
    expect((await t.app.inject({ method: 'POST', url: `/api/sessions/${a.sessionId}/message`, headers: a.proctor, payload: { text: 'x'.repeat(301) } })).body).toContain('at most 300 characters');
    expect((await t.app.inject({ method: 'POST', url: `/api/proctor/centers/${a.testCenterId}/message`, headers: outsider, payload: { text: 'hello' } })).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'POST', url: `/api/sessions/${a.sessionId}/message`, headers: a.candidate, payload: { text: 'hello' } })).statusCode).toBe(403);

    // Audited: the room message once for the center, each seat's message on its timeline.
    const audit = JSON.stringify((await t.app.inject({ url: `/api/sessions/${b.sessionId}/timeline`, headers: b.proctor })).json());
    expect(audit).toContain('10 minutes to the fire drill.');
    expect(audit).not.toContain('Please keep your eyes');
    ca.close();
    cb.close();
  });

  it('refuses a message to a seat whose exam is not running, saying why', async () => {
    const s = await scheduleSession(t.app);
    const r = await t.app.inject({ method: 'POST', url: `/api/sessions/${s.sessionId}/message`, headers: s.proctor, payload: { text: 'hello' } });
    expect(r.statusCode).toBe(409);
    expect(r.json().message).toMatch(/messages reach candidates only during the exam/);
  });
});
