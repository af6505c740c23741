import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, loginAs, type TestApp } from '../helpers/build-app.ts';
import { importSampleModule, newCandidate, scheduleSession } from '../helpers/session-fixture.ts';
import { DB_KINDS } from '../helpers/test-db.ts';

describe.each(DB_KINDS)('test-center administration on %s', (kind) => {
  let t: TestApp;
  let centerId: string;
  let proctor: { cookie: string };
  beforeAll(async () => {
    t = await buildTestApp(kind);
    await importSampleModule(t.services);
    proctor = await loginAs(t.app, 'proctor');
    centerId = (await t.app.inject({ url: '/api/test-centers', headers: proctor })).json()[0].id;
  });
  afterAll(() => t?.close());

  const importCsv = (text: string, dryRun: boolean) => t.app.inject({ method: 'POST', url: `/api/test-centers/${centerId}/candidates/import`, headers: proctor, payload: { text, fileName: 'roster.csv', dryRun } });

  it('registers candidates from CSV: the dry run reports every bad row and writes nothing', async () => {
    const bad = 'Username,Display Name,Password\njdoe,Jane Doe,\nx,Bad Name,\njdoe,Again,\nasmith,,\nproctor,Taken Name,\nbwong,Ben Wong,short\n';
    const dry = (await importCsv(bad, true)).json();
    expect(dry.problems.map((p: { message: string }) => p.message)).toEqual([
      'line 3, column username: "x" is not a valid username (3-100 characters: letters, digits, . _ @ -)',
      'line 4, column username: "jdoe" appears again (first on line 2)',
      'line 5, column display_name: is empty',
      'line 6, column username: "proctor" is already registered',
      'line 7, column password: must be at least 10 characters, or empty for launch-code sign-in',
    ]);
    // Valid counts the rows that would be created: jdoe (line 2) only; line 6 parsed but its username is taken.
    expect(dry.valid).toBe(1);
    const refused = (await importCsv(bad, false)).json();
    expect(refused.created).toBe(0);
    // A bad header leaves nothing to import: valid is 0, never negative (it was -3).
    const badHeader = (await importCsv('user,name,pass,extra\njdoe,Jane Doe,,\n', true)).json();
    expect(badHeader.problems.length).toBeGreaterThan(0);
    expect(badHeader.valid).toBe(0);
    const good = 'username,display_name\njdoe,Jane Doe\nbwong,"Wong, Ben"\n';
    expect((await importCsv(good, true)).json()).toMatchObject({ dryRun: true, created: 0, valid: 2, problems: [] });
    expect((await importCsv(good, false)).json()).toMatchObject({ created: 2 });
    const list = (await t.app.inject({ url: `/api/test-centers/${centerId}/candidates`, headers: proctor })).json() as { username: string; displayName: string }[];
    expect(list.map((u) => u.username)).toEqual(expect.arrayContaining(['jdoe', 'bwong']));
    expect(list.find((u) => u.username === 'bwong')!.displayName).toBe('Wong, Ben');
  });

  it('prints an admission ticket with a one-time launch code the candidate signs in with', async () => {
    const cand = await newCandidate(t.app);
    const s = await scheduleSession(t.app, { candidate: cand, timeMultiplier: 1.5 });
    const issued = await t.app.inject({ method: 'POST', url: `/api/sessions/${s.sessionId}/launch-code`, headers: proctor });
    expect(issued.statusCode).toBe(201);
    const { code } = issued.json();
    expect(code).toMatch(/^[2-9A-HJKMNP-Z]{5}-[2-9A-HJKMNP-Z]{5}$/);
    const login = await t.app.inject({ method: 'POST', url: '/api/auth/launch-code', payload: { code: code.toLowerCase() } });
    expect(login.statusCode).toBe(200);
    expect(login.json()).toMatchObject({ user: { userId: cand.id, role: 'candidate' }, sessionId: s.sessionId });
    const again = await t.app.inject({ method: 'POST', url: '/api/auth/launch-code', payload: { code } });
    expect(again.statusCode).toBe(401);
    expect(again.json().message).toMatch(/launch code is not valid/);
    const status = (await t.app.inject({ url: `/api/sessions/${s.sessionId}`, headers: proctor })).json();
    expect(status.timeMultiplier).toBe(1.5);
    expect(status.time.remainingMs).toBe(135 * 60_000);
    expect((await t.app.inject({ method: 'POST', url: `/api/sessions/${s.sessionId}/launch-code`, headers: cand.auth })).statusCode).toBe(403);
  });

  it('records accommodations on the scheduled exam: extra time, a separate room and a note, shown on the roster and audited', async () => {
    const cand = await newCandidate(t.app);
    const s = await scheduleSession(t.app, { candidate: cand, timeMultiplier: 1.25, separateRoom: true, accommodationNote: 'large print' });
    const roster = (await t.app.inject({ url: `/api/proctor/centers/${s.testCenterId}/roster`, headers: proctor })).json() as { rows: { sessionId: string; separateRoom: boolean; accommodationNote: string | null; timeMultiplier: number }[] };
    expect(roster.rows.find((r) => r.sessionId === s.sessionId)).toMatchObject({ separateRoom: true, accommodationNote: 'large print', timeMultiplier: 1.25 });
    const plain = await scheduleSession(t.app, { candidate: await newCandidate(t.app) });
    const rows = (await t.app.inject({ url: `/api/proctor/centers/${s.testCenterId}/roster`, headers: proctor })).json().rows as { sessionId: string; separateRoom: boolean }[];
    expect(rows.find((r) => r.sessionId === plain.sessionId)!.separateRoom).toBe(false);
    const timeline = (await t.app.inject({ url: `/api/sessions/${s.sessionId}/timeline`, headers: proctor })).json() as { events: { event: string; details: Record<string, unknown> }[] };
    expect(timeline.events.find((e) => e.event === 'session.scheduled')!.details).toMatchObject({ timeMultiplier: 1.25, separateRoom: true, accommodationNote: 'large print' });
    const bad = await t.app.inject({ method: 'POST', url: '/api/sessions', headers: proctor, payload: { candidateId: cand.id, module: 'QPM', testCenterId: centerId, scheduledAt: new Date().toISOString(), separateRoom: 'yes' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().problems.map((p: { pointer: string }) => p.pointer)).toEqual(['/body/separateRoom']);
  });

  it('refuses an ineligible schedule with the reason and the next eligible date, and an unknown candidate clearly', async () => {
    const res = await t.app.inject({ method: 'POST', url: '/api/sessions', headers: proctor, payload: { candidateId: '00000000-0000-4000-8000-000000000000', module: 'SAF', testCenterId: centerId, scheduledAt: new Date().toISOString() } });
    expect(res.statusCode).toBe(404);
    expect(res.json().message).toBe('candidate was not found');
    const bad = await t.app.inject({ method: 'POST', url: '/api/sessions', headers: proctor, payload: { candidateId: 'nope', module: 'XYZ', testCenterId: centerId, scheduledAt: 'tomorrow', timeMultiplier: 9 } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().problems.map((p: { pointer: string }) => p.pointer).sort()).toEqual(['/body/candidateId', '/body/module', '/body/scheduledAt', '/body/timeMultiplier']);
  });
});
