/**
 * #13.1: a client frozen mid-exam (its process stopped, the socket left open: here the client stops reading, so it
 * answers no ping and sends no heartbeat) is shown as disconnected to the proctor within 20 s and auto-paused, its
 * lost time credited, within the disconnect limit + 10 s. Default configuration, real time, sweeps on.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/build-app.ts';
import { ExamClient } from '../helpers/exam-client.ts';
import { ProctorClient } from '../helpers/proctor-client.ts';
import { importSampleModule, startedSession } from '../helpers/session-fixture.ts';
import { DB_KINDS } from '../helpers/test-db.ts';

describe.each(DB_KINDS)('liveness of candidate sockets on %s', (kind) => {
  let t: TestApp;
  let base: string;
  beforeAll(async () => {
    t = await buildTestApp(kind, { sweeps: true });
    await importSampleModule(t.services);
    base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  }, 300_000);
  afterAll(() => t?.close());

  it('reaps a frozen client: disconnected on the console within 20 s, paused with the time credited within 30 + 10 s', async () => {
    const s = await startedSession(t.app);
    const feed = await ProctorClient.open(base, s.proctor);
    feed.subscribe(s.testCenterId);
    await feed.waitFor((m) => m.type === 'roster');
    const c = await ExamClient.open(base, s.candidate);
    const snap = await c.hello(s.sessionId);
    expect((await c.answer(snap.items[0]!.itemId, snap.items[0]!.options[0]!.id)).type).toBe('ack');
    await feed.waitFor((m) => m.type === 'rows' && m.rows.some((r) => r.sessionId === s.sessionId && r.connected && r.answered === 1), 0, 5000);

    // Freeze: stop reading the socket. The TCP connection stays open; nothing is answered or sent.
    c.ws.pause();
    const frozenAt = Date.now();
    const offline = await feed.waitFor((m) => (m.type === 'rows' || m.type === 'roster') && m.rows.some((r) => r.sessionId === s.sessionId && !r.connected), 0, 25_000);
    expect(offline).toBeTruthy();
    const shownAfter = Date.now() - frozenAt;
    expect(shownAfter).toBeLessThan(20_000);

    await feed.waitFor((m) => (m.type === 'rows' || m.type === 'roster') && m.rows.some((r) => r.sessionId === s.sessionId && r.state === 'paused' && r.pauseReason === 'disconnected'), 0, 45_000);
    const pausedAfter = Date.now() - frozenAt;
    expect(pausedAfter).toBeLessThan(40_000);
    // The credit is the time since the client was last heard from (its last pong or message, at most one 5 s ping
    // interval before it froze), not since it was reaped 12-17 s later.
    const row = (await t.app.inject({ url: `/api/proctor/centers/${s.testCenterId}/roster`, headers: s.proctor })).json().rows.find((r: { sessionId: string }) => r.sessionId === s.sessionId);
    expect(row.disconnectCreditedMs).toBeGreaterThan(pausedAfter - 6000);
    expect(row.disconnectCreditedMs).toBeLessThanOrEqual(pausedAfter + 5000);
    feed.close();
    c.ws.terminate();
  }, 120_000);
});
