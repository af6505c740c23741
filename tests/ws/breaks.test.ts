/**
 * #17.10 breaks over HTTP and the websocket: a scheduled break from the blueprint (refused until due, the clock
 * stopped, nothing to read during it, ended by the candidate's Resume or by itself), an unscheduled break with the clock
 * running (and time-up during it), a break the proctor starts and ends; each on the timeline and audited; roles checked.
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, loginAs, type TestApp } from '../helpers/build-app.ts';
import { ExamClient } from '../helpers/exam-client.ts';
import { fakeClock } from '../helpers/fake-clock.ts';
import { importSampleModule, startedSession } from '../helpers/session-fixture.ts';
import { DB_KINDS } from '../helpers/test-db.ts';

const MIN = 60_000;

function safetyWithBreaks(version: string) {
  const bank = JSON.parse(readFileSync('item-bank/safety.json', 'utf8'));
  bank.blueprints = bank.blueprints.map((b: Record<string, unknown>) => ({
    ...b,
    version,
    breaks: [
      { afterQuestion: 2, minutes: 5, clock: 'stops' },
      { atMinute: 30, minutes: 10, clock: 'runs' },
    ],
  }));
  return { name: `safety-${version}.json`, text: JSON.stringify(bank) };
}

describe.each(DB_KINDS)('breaks on %s', (kind) => {
  let t: TestApp;
  let base: string;
  const clock = fakeClock();
  beforeAll(async () => {
    t = await buildTestApp(kind, { clock, sweeps: false });
    await importSampleModule(t.services);
    await t.services.itemBank.importSources(null, [safetyWithBreaks('2026.5')]);
    base = await t.app.listen({ port: 0, host: '127.0.0.1' });
    await t.services.accounts.createTestCenter(null, { code: 'BRK-02', name: 'Another center', timeZone: 'America/Denver' });
    await t.services.accounts.createUser(null, { username: 'brk-proctor', displayName: 'Other Proctor', role: 'proctor', password: 'other-proctor-1', testCenterCodes: ['BRK-02'] });
  });
  afterAll(() => t?.close());

  const remaining = async (id: string, headers: { cookie: string }) => ((await t.app.inject({ url: `/api/sessions/${id}`, headers })).json() as { time: { remainingMs: number } }).time.remainingMs;
  const timeline = async (id: string, headers: { cookie: string }) => JSON.stringify((await t.app.inject({ url: `/api/sessions/${id}/timeline`, headers })).json());

  it('a scheduled break: refused until due, clock stopped, no question in the page, resumed by the candidate', async () => {
    const s = await startedSession(t.app);
    const c = await ExamClient.open(base, s.candidate);
    const snap = await c.hello(s.sessionId);
    expect(snap.breaks).toEqual({ scheduled: [{ afterQuestion: 2, minutes: 5, clock: 'stops' }, { atMinute: 30, minutes: 10, clock: 'runs' }], taken: 0, current: null, allowedMs: 90 * MIN });

    const early = await c.request({ type: 'break', kind: 'scheduled' });
    expect(early).toMatchObject({ type: 'error', code: 'BREAK_REFUSED', message: 'No scheduled break is due now' });

    expect((await c.request({ type: 'visit', itemId: snap.items[2]!.itemId })).type).toBe('ack');
    const before = await remaining(s.sessionId, s.candidate);
    const paused = c.next('paused');
    expect((await c.request({ type: 'break', kind: 'scheduled' })).type).toBe('ack');
    expect(await paused).toMatchObject({ reason: 'break:scheduled:stops', time: { running: false }, break: { kind: 'scheduled', clock: 'stops', endsAt: new Date(clock.now().getTime() + 5 * MIN).toISOString() } });

    // Nothing to read during the break, even after a reconnect; answers are refused.
    clock.advance(3 * MIN);
    const again = await ExamClient.open(base, s.candidate);
    const during = await again.hello(s.sessionId);
    expect(during.items).toEqual([]);
    expect(during.breaks!.current).toMatchObject({ kind: 'scheduled', clock: 'stops' });
    expect(during.breaks!.taken).toBe(1);
    expect(await remaining(s.sessionId, s.candidate)).toBe(before);

    const resumed = again.next('resumed');
    expect((await again.request({ type: 'break-end' })).type).toBe('ack');
    expect((await resumed).time.running).toBe(true);
    expect(await remaining(s.sessionId, s.candidate)).toBe(before);
    expect((await again.request({ type: 'break-end' }))).toMatchObject({ type: 'error', code: 'BREAK_REFUSED', message: 'You are not on a break' });
    // The first scheduled break is taken; the next one is not due until 30 minutes are used.
    expect(await again.request({ type: 'break', kind: 'scheduled' })).toMatchObject({ type: 'error', code: 'BREAK_REFUSED' });

    const text = await timeline(s.sessionId, s.proctor);
    expect(text).toContain('incident.break-started');
    expect(text).toContain('Scheduled break (clock stopped) started by the candidate, 5 min');
    expect(text).toContain('incident.break-ended');
    expect(text).toContain('session.break-started');
    expect(text).toContain('session.break-ended');
    c.close();
    again.close();
  });

  it('a scheduled break ends by itself when its time is over', async () => {
    const s = await startedSession(t.app);
    const c = await ExamClient.open(base, s.candidate);
    const snap = await c.hello(s.sessionId);
    await c.request({ type: 'visit', itemId: snap.items[3]!.itemId });
    expect((await c.request({ type: 'break', kind: 'scheduled' })).type).toBe('ack');
    clock.advance(5 * MIN - 1000);
    expect(await t.services.sessions.endBreaksOver()).not.toContain(s.sessionId);
    clock.advance(1000);
    const resumed = c.next('resumed');
    expect(await t.services.sessions.endBreaksOver()).toContain(s.sessionId);
    await resumed;
    const row = await t.services.sessions.find(s.sessionId);
    expect(row).toMatchObject({ state: 'in_progress', pauseReason: null, breakEndsAt: null, breaksTaken: 1 });
    expect(await timeline(s.sessionId, s.proctor)).toContain('its time is over');
    c.close();
  });

  it('an unscheduled break runs on the exam clock, and time can run out during it', async () => {
    const s = await startedSession(t.app);
    const c = await ExamClient.open(base, s.candidate);
    await c.hello(s.sessionId);
    const before = await remaining(s.sessionId, s.candidate);
    const paused = c.next('paused');
    expect((await c.request({ type: 'break', kind: 'unscheduled' })).type).toBe('ack');
    expect(await paused).toMatchObject({ reason: 'break:unscheduled:runs', time: { running: true }, break: { kind: 'unscheduled', clock: 'runs', endsAt: null } });
    clock.advance(2 * MIN);
    expect(await remaining(s.sessionId, s.candidate)).toBe(before - 2 * MIN);
    // The proctor's bulk resume leaves a seat on a break alone (the candidate may be out of the room).
    const all = await t.app.inject({ method: 'POST', url: `/api/proctor/centers/${s.testCenterId}/resume-all`, headers: s.proctor, payload: { reason: 'drill over' } });
    expect(all.statusCode).toBe(200);
    expect((await t.services.sessions.find(s.sessionId))!.state).toBe('paused');

    clock.advance(before);
    const ended = c.next('ended');
    expect(await t.services.sessions.expireDue()).toContain(s.sessionId);
    expect(await ended).toMatchObject({ reason: 'expired' });
    c.close();
  });

  it('a proctor starts a break for a seat and ends it; strangers and candidates may not', async () => {
    const s = await startedSession(t.app);
    const c = await ExamClient.open(base, s.candidate);
    await c.hello(s.sessionId);
    const url = `/api/sessions/${s.sessionId}/break`;
    // Signed in now: the fake clock has moved past earlier sign-ins.
    const outsider = await loginAs(t.app, 'brk-proctor', 'other-proctor-1');
    expect((await t.app.inject({ method: 'POST', url, headers: s.candidate, payload: {} })).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'POST', url, headers: outsider, payload: {} })).statusCode).toBe(403);
    const bad = await t.app.inject({ method: 'POST', url, headers: s.proctor, payload: { note: 'x'.repeat(301) } });
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('at most 300 characters');

    const paused = c.next('paused');
    expect((await t.app.inject({ method: 'POST', url, headers: s.proctor, payload: { note: 'Feeling unwell' } })).statusCode).toBe(200);
    expect(await paused).toMatchObject({ break: { kind: 'unscheduled', clock: 'runs' } });
    const twice = await t.app.inject({ method: 'POST', url, headers: s.proctor, payload: {} });
    expect(twice.statusCode).toBe(409);
    expect(twice.json().message ?? twice.body).toMatch(/already under way/);

    const resumed = c.next('resumed');
    expect((await t.app.inject({ method: 'POST', url: `/api/sessions/${s.sessionId}/resume`, headers: s.proctor, payload: {} })).statusCode).toBe(200);
    await resumed;
    const text = await timeline(s.sessionId, s.proctor);
    expect(text).toContain('Unscheduled break (clock running) started by the proctor: Feeling unwell');
    expect(text).toContain('unscheduled break (clock running): ended by the proctor');
    c.close();
  });
});
