/**
 * #13.4: a restart is not a takeover. Each browser tab sends a stable client instance id with hello; a hello from the
 * same instance (after a server restart, a crash, a reload) is a reconnect, with no incident; a hello from another
 * instance while the first connection is live is the "second connection" incident.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_VERSION } from '../../shared/protocol/session-protocol.ts';
import { buildTestApp, type TestApp } from '../helpers/build-app.ts';
import { ExamClient } from '../helpers/exam-client.ts';
import { importSampleModule, startedSession } from '../helpers/session-fixture.ts';
import { DB_KINDS } from '../helpers/test-db.ts';

describe.each(DB_KINDS)('reconnect versus takeover on %s', (kind) => {
  let t: TestApp;
  let base: string;
  beforeAll(async () => {
    t = await buildTestApp(kind);
    await importSampleModule(t.services);
    base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  }, 300_000);
  afterAll(() => t?.close());

  async function hello(sessionId: string, cookie: { cookie: string }, clientInstanceId: string) {
    const c = await ExamClient.open(base, cookie);
    c.send({ type: 'hello', protocol: PROTOCOL_VERSION, sessionId, clientInstanceId });
    await c.waitFor('snapshot');
    return c;
  }
  const incidents = async (id: string) => (await t.services.audit.forSubject('session', id)).filter((a) => a.action === 'session.second-connection');

  it('treats a hello from the same tab instance as a reconnect, even while the old socket looks live (a server crash or restart)', async () => {
    const s = await startedSession(t.app);
    const first = await hello(s.sessionId, s.candidate, 'tab-aaaaaaaa');
    // The server "restarted": the row still names the first socket as live; the same tab comes back on a new socket.
    const again = await hello(s.sessionId, s.candidate, 'tab-aaaaaaaa');
    const yetAgain = await hello(s.sessionId, s.candidate, 'tab-aaaaaaaa');
    expect(await incidents(s.sessionId)).toEqual([]);
    const seat = (await t.app.inject({ url: `/api/proctor/centers/${s.testCenterId}/roster`, headers: s.proctor })).json().rows.find((r: { sessionId: string }) => r.sessionId === s.sessionId);
    expect(seat.attention).not.toContain('second-connection');
    for (const c of [first, again, yetAgain]) c.close();
  });

  it('records a hello from another instance while the first is live as a second connection', async () => {
    const s = await startedSession(t.app);
    const first = await hello(s.sessionId, s.candidate, 'tab-bbbbbbbb');
    const replaced = first.next('replaced', 5000);
    const other = await hello(s.sessionId, s.candidate, 'tab-cccccccc');
    await replaced;
    expect(await incidents(s.sessionId)).toHaveLength(1);
    const seat = (await t.app.inject({ url: `/api/proctor/centers/${s.testCenterId}/roster`, headers: s.proctor })).json().rows.find((r: { sessionId: string }) => r.sessionId === s.sessionId);
    expect(seat.attention).toContain('second-connection');
    other.close();
  });

  it('refuses a malformed instance id with the field named', async () => {
    const s = await startedSession(t.app);
    const c = await ExamClient.open(base, s.candidate);
    c.send({ type: 'hello', protocol: PROTOCOL_VERSION, sessionId: s.sessionId, clientInstanceId: 'x y' });
    expect(await c.waitFor('error')).toMatchObject({ code: 'BAD_MESSAGE', message: 'Malformed message at /clientInstanceId: must be 8-64 letters, digits, - or _' });
    c.close();
  });

  it('sends nothing of the form after the end: a hello for a scored session gets its state and the result link, then the socket closes', async () => {
    const s = await startedSession(t.app);
    const c = await ExamClient.open(base, s.candidate);
    const snap = await c.hello(s.sessionId);
    expect(snap.items.length).toBeGreaterThan(0);
    expect((await c.request({ type: 'submit' })).type).toBe('ack');
    await c.waitFor('result-ready', () => true, 30_000);
    const later = await ExamClient.open(base, s.candidate);
    const after = await later.hello(s.sessionId);
    expect(after.session.state).toBe('scored');
    expect(after.items).toEqual([]);
    expect(await later.waitFor('result-ready')).toEqual({ type: 'result-ready', sessionId: s.sessionId });
    await expect.poll(() => later.closed?.code, { timeout: 5000 }).toBe(4002);
  });
});
