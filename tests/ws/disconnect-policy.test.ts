/**
 * #13.2: credited disconnect time is capped per exam; within the cap a reconnect resumes by itself, past it (or always,
 * by configuration) the pause waits for the proctor, who sees why and the credited total on the roster.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { composeServices, type Services } from '../../server/src/compose.ts';
import { buildTestApp, testConfig, type TestApp } from '../helpers/build-app.ts';
import { ExamClient } from '../helpers/exam-client.ts';
import { fakeClock } from '../helpers/fake-clock.ts';
import { importSampleModule, startedSession } from '../helpers/session-fixture.ts';
import { DB_KINDS } from '../helpers/test-db.ts';

describe.each(DB_KINDS)('disconnect policy on %s', (kind) => {
  const clock = fakeClock();
  let t: TestApp;
  let base: string;
  /** A second instance's services on the same database, configured DISCONNECT_RESUME=proctor. */
  let strict: Services;
  beforeAll(async () => {
    t = await buildTestApp(kind, { clock, sweeps: false, env: { DISCONNECT_CREDIT_CAP_MINUTES: '1' } });
    await importSampleModule(t.services);
    base = await t.app.listen({ port: 0, host: '127.0.0.1' });
    strict = composeServices({ config: testConfig({ DISCONNECT_RESUME: 'proctor' }), database: t.database, clock });
  }, 300_000);
  afterAll(() => t?.close());

  const status = async (app: TestApp, id: string, headers: { cookie: string }) => (await app.app.inject({ url: `/api/sessions/${id}`, headers })).json();
  const seat = async (app: TestApp, s: { testCenterId: string; proctor: { cookie: string }; sessionId: string }) =>
    (await app.app.inject({ url: `/api/proctor/centers/${s.testCenterId}/roster`, headers: s.proctor })).json().rows.find((r: { sessionId: string }) => r.sessionId === s.sessionId);

  async function drop(app: TestApp, url: string, s: { sessionId: string; candidate: { cookie: string } }) {
    const c = await ExamClient.open(url, s.candidate);
    await c.hello(s.sessionId);
    c.close();
    await expect.poll(async () => (await app.services.sessions.find(s.sessionId))!.connectionId).toBeNull();
  }

  it('credits disconnects up to the cap; past it the time is charged and the pause waits for the proctor', async () => {
    const s = await startedSession(t.app);
    await drop(t, base, s);
    const before = (await status(t, s.sessionId, s.candidate)).time.remainingMs;
    clock.advance(40_000);
    expect(await t.services.sessions.pauseDisconnected()).toContain(s.sessionId);
    expect(await status(t, s.sessionId, s.candidate)).toMatchObject({ state: 'paused', pauseReason: 'disconnected', time: { remainingMs: before } });
    expect(await seat(t, s)).toMatchObject({ pauseReason: 'disconnected', disconnectCreditedMs: 40_000 });

    // Within the cap, coming back resumes by itself.
    const back = await ExamClient.open(base, s.candidate);
    expect((await back.hello(s.sessionId)).session.state).toBe('in_progress');
    back.close();
    await expect.poll(async () => (await t.services.sessions.find(s.sessionId))!.connectionId).toBeNull();

    // The second drop lasts 50 s, but only 20 s of the 60 s cap are left: 30 s are charged, and the proctor resumes.
    clock.advance(50_000);
    expect(await t.services.sessions.pauseDisconnected()).toContain(s.sessionId);
    const held = await status(t, s.sessionId, s.candidate);
    expect(held).toMatchObject({ state: 'paused', pauseReason: 'disconnected-proctor' });
    expect(held.time.remainingMs).toBe(before - 30_000);
    const row = await seat(t, s);
    expect(row).toMatchObject({ pauseReason: 'disconnected-proctor', disconnectCreditedMs: 60_000, lastIncident: { kind: 'auto-pause' } });
    const timeline = (await t.app.inject({ url: `/api/sessions/${s.sessionId}/timeline`, headers: s.proctor })).json();
    expect(JSON.stringify(timeline)).toContain('disconnect credit cap reached (60 s credited in total, cap 60 s): the proctor resumes');

    // The candidate's return does not lift it, nor does the proctor's resume-all; the proctor's resume of the seat does.
    const again = await ExamClient.open(base, s.candidate);
    expect((await again.hello(s.sessionId)).session).toMatchObject({ state: 'paused', pauseReason: 'disconnected-proctor' });
    await t.app.inject({ method: 'POST', url: `/api/proctor/centers/${s.testCenterId}/resume-all`, headers: s.proctor, payload: { reason: 'drill over' } });
    expect((await status(t, s.sessionId, s.candidate)).state).toBe('paused');
    const resumed = again.next('resumed', 5000);
    const r = await t.app.inject({ method: 'POST', url: `/api/sessions/${s.sessionId}/resume`, headers: s.proctor, payload: { reason: 'candidate back at the seat' } });
    expect(r.statusCode).toBe(200);
    await resumed;
    again.close();
  });

  it('with DISCONNECT_RESUME=proctor every disconnect pause waits for the proctor, and the time is still credited', async () => {
    const s = await startedSession(t.app);
    await drop(t, base, s);
    const before = (await status(t, s.sessionId, s.candidate)).time.remainingMs;
    clock.advance(45_000);
    expect(await strict.sessions.pauseDisconnected()).toContain(s.sessionId);
    expect(await status(t, s.sessionId, s.candidate)).toMatchObject({ state: 'paused', pauseReason: 'disconnected-proctor', time: { remainingMs: before } });
    const back = await ExamClient.open(base, s.candidate);
    expect((await back.hello(s.sessionId)).session.state).toBe('paused');
    expect(await seat(t, s)).toMatchObject({ disconnectCreditedMs: 45_000 });
    back.close();
  });
});
