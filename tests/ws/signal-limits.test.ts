/**
 * #14.9 candidate signals are rate-limited and coalesced, through a real exam socket: a burst of focus-lost signals
 * is acknowledged in full but recorded once (one audit row, one incident); the next one after the window is recorded
 * with how many were dropped in between.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SIGNAL_WINDOW_MS } from '../../server/src/modules/sessions/domain/signal-limiter.ts';
import { buildTestApp, type TestApp } from '../helpers/build-app.ts';
import { ExamClient } from '../helpers/exam-client.ts';
import { fakeClock } from '../helpers/fake-clock.ts';
import { importSampleModule, startedSession } from '../helpers/session-fixture.ts';
import { DB_KINDS } from '../helpers/test-db.ts';

describe.each(DB_KINDS)('candidate signal limits on %s', (kind) => {
  let t: TestApp;
  let base: string;
  const clock = fakeClock(new Date());
  beforeAll(async () => {
    t = await buildTestApp(kind, { clock });
    await importSampleModule(t.services);
    base = await t.app.listen({ port: 0, host: '127.0.0.1' });
  }, 240_000);
  afterAll(async () => {
    await t?.close();
  });

  it('a burst of 40 focus-lost signals is acknowledged, recorded once, and counted in the next recorded one', async () => {
    const s = await startedSession(t.app);
    const c = await ExamClient.open(base, s.candidate);
    await c.hello(s.sessionId);
    const acks = await Promise.all(Array.from({ length: 40 }, () => c.request({ type: 'signal', kind: 'focus-lost' })));
    expect(acks.every((a) => a.type === 'ack')).toBe(true);
    // Another kind in the same second has its own allowance.
    expect((await c.request({ type: 'signal', kind: 'page-hidden' })).type).toBe('ack');

    const timeline = async () => ((await t.app.inject({ url: `/api/sessions/${s.sessionId}/timeline`, headers: s.admin })).json() as { events: { event: string; reason: string | null; details: Record<string, unknown> | null }[] }).events;
    const signals = (events: Awaited<ReturnType<typeof timeline>>, k: string) => events.filter((e) => e.event === 'session.signal' && e.details?.kind === k);
    let events = await timeline();
    expect(signals(events, 'focus-lost')).toHaveLength(1);
    expect(signals(events, 'page-hidden')).toHaveLength(1);
    const focusIncidents = events.filter((e) => e.event.startsWith('incident.') && e.event.includes('focus'));
    expect(focusIncidents).toHaveLength(1);

    clock.advance(SIGNAL_WINDOW_MS + 1);
    expect((await c.request({ type: 'signal', kind: 'focus-lost' })).type).toBe('ack');
    events = await timeline();
    const recorded = signals(events, 'focus-lost');
    expect(recorded).toHaveLength(2);
    expect(recorded[1]!.details).toMatchObject({ coalesced: 39 });
    const incidents = events.filter((e) => e.event.startsWith('incident.') && e.event.includes('focus'));
    expect(incidents).toHaveLength(2);
    expect(incidents[1]!.reason).toBe('and 39 more since the last one recorded');
    c.close();
  });
});
