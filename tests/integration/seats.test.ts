/**
 * #17.7 seats: a seat / workstation label given at scheduling, at admission or later on the console; one candidate per
 * seat per center and day among sessions not ended (a clear 409 naming who has it), validated, audited, in the roster.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HANDBOOK_VERSION } from '../../shared/handbook.ts';
import { buildTestApp, loginAs, type TestApp } from '../helpers/build-app.ts';
import { importSampleModule, newCandidate, scheduleSession } from '../helpers/session-fixture.ts';
import { DB_KINDS } from '../helpers/test-db.ts';

describe.each(DB_KINDS)('seats on %s', (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp(kind, { sweeps: false });
    await importSampleModule(t.services);
    await t.services.accounts.createTestCenter(null, { code: 'SEAT-02', name: 'Another center', timeZone: 'America/Denver' });
    await t.services.accounts.createUser(null, { username: 'seat-proctor', displayName: 'Other Proctor', role: 'proctor', password: 'other-proctor-1', testCenterCodes: ['SEAT-02'] });
  });
  afterAll(() => t?.close());

  const schedule = async (seat: unknown, scheduledAt = new Date()) => {
    const proctor = await loginAs(t.app, 'proctor');
    const centers = (await t.app.inject({ url: '/api/test-centers', headers: proctor })).json() as { id: string }[];
    const who = await newCandidate(t.app);
    return t.app.inject({ method: 'POST', url: '/api/sessions', headers: proctor, payload: { candidateId: who.id, module: 'SAF', testCenterId: centers[0]!.id, scheduledAt: scheduledAt.toISOString(), seat } });
  };
  const seatOf = async (id: string, headers: { cookie: string }) => ((await t.app.inject({ url: `/api/sessions/${id}`, headers })).json() as { seat: string | null }).seat;

  it('a seat given at scheduling is the candidate’s for that day; the same seat again is refused, naming who has it', async () => {
    const first = await schedule('A-07');
    expect(first.statusCode).toBe(201);
    const proctor = await loginAs(t.app, 'proctor');
    expect(await seatOf(first.json().id, proctor)).toBe('A-07');
    const clash = await schedule('a-07');
    expect(clash.statusCode).toBe(409);
    expect(clash.json().message).toMatch(/^Seat a-07 is already taken by Candidate \d+ at this center on \d{4}-\d{2}-\d{2}$/);
    // Another day, the seat is free again.
    expect((await schedule('A-07', new Date(Date.now() + 3 * 86_400_000))).statusCode).toBe(201);
    const bad = await schedule('#1');
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toContain('/seat');
    expect(bad.body).toContain('a seat is 1-12 letters, digits, spaces or dashes');
  });

  it('set, changed and cleared on the console; given at admission; audited; in the roster; freed when the exam ends', async () => {
    const s = await scheduleSession(t.app);
    const url = `/api/sessions/${s.sessionId}/seat`;
    const set = await t.app.inject({ method: 'PUT', url, headers: s.proctor, payload: { seat: '12' } });
    expect(set.statusCode).toBe(200);
    expect(set.json()).toEqual({ seat: '12' });
    expect((await t.app.inject({ method: 'PUT', url, headers: s.candidate, payload: { seat: '13' } })).statusCode).toBe(403);
    const outsider = await loginAs(t.app, 'seat-proctor', 'other-proctor-1');
    expect((await t.app.inject({ method: 'PUT', url, headers: outsider, payload: { seat: '13' } })).statusCode).toBe(403);
    const empty = await t.app.inject({ method: 'PUT', url, headers: s.proctor, payload: { seat: '  ' } });
    expect(empty.statusCode).toBe(400);

    // Another candidate cannot take seat 12; admitted into seat 14 instead.
    const other = await scheduleSession(t.app);
    expect((await t.app.inject({ method: 'PUT', url: `/api/sessions/${other.sessionId}/seat`, headers: s.proctor, payload: { seat: '12' } })).statusCode).toBe(409);
    await t.app.inject({ method: 'POST', url: `/api/sessions/${other.sessionId}/check-in`, headers: other.candidate });
    const taken = await t.app.inject({ method: 'POST', url: `/api/sessions/${other.sessionId}/admit`, headers: s.proctor, payload: { idConfirmed: true, seat: '12' } });
    expect(taken.statusCode).toBe(409);
    expect((await t.services.sessions.find(other.sessionId))!.admittedAt).toBeNull(); // nothing half-done
    const admitted = await t.app.inject({ method: 'POST', url: `/api/sessions/${other.sessionId}/admit`, headers: s.proctor, payload: { idConfirmed: true, seat: '14' } });
    expect(admitted.statusCode).toBe(200);
    expect(await seatOf(other.sessionId, s.proctor)).toBe('14');

    const roster = (await t.app.inject({ url: `/api/proctor/centers/${s.testCenterId}/roster`, headers: s.proctor })).json() as { rows: { sessionId: string; seat: string | null }[] };
    expect(roster.rows.find((r) => r.sessionId === s.sessionId)!.seat).toBe('12');
    expect(roster.rows.find((r) => r.sessionId === other.sessionId)!.seat).toBe('14');

    // Moved from 12 to 15, audited with the previous seat; then cleared.
    expect((await t.app.inject({ method: 'PUT', url, headers: s.proctor, payload: { seat: '15' } })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'PUT', url, headers: s.proctor, payload: { seat: null } })).statusCode).toBe(200);
    expect(await seatOf(s.sessionId, s.proctor)).toBeNull();
    const timeline = JSON.stringify((await t.app.inject({ url: `/api/sessions/${s.sessionId}/timeline`, headers: s.proctor })).json());
    expect(timeline).toContain('session.seat-assigned');
    expect(timeline).toContain('"previous":"12"');

    // An ended exam frees its seat and keeps its label; its seat can no longer change.
    await t.app.inject({ method: 'POST', url: `/api/sessions/${other.sessionId}/handbook`, headers: other.candidate, payload: { version: HANDBOOK_VERSION } });
    await t.app.inject({ method: 'POST', url: `/api/sessions/${other.sessionId}/start`, headers: other.candidate });
    expect((await t.app.inject({ method: 'POST', url: `/api/sessions/${other.sessionId}/terminate`, headers: s.proctor, payload: { category: 'identity', note: 'Wrong candidate seated' } })).statusCode).toBe(200);
    expect((await t.app.inject({ method: 'PUT', url: `/api/sessions/${other.sessionId}/seat`, headers: s.proctor, payload: { seat: '16' } })).statusCode).toBe(409);
    expect((await t.app.inject({ method: 'PUT', url, headers: s.proctor, payload: { seat: '14' } })).statusCode).toBe(200);
  });
});
