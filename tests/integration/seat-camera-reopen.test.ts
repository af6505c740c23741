/**
 * #17.11 reopening the seat-camera decision, over HTTP on PGlite and PostgreSQL: only a proctor of the session's center
 * or an admin reopens it, with a reason (role checked before the body is read); the earlier decision is kept in the
 * history, the current one is the latest; it is audited with the previous decision and both people and logged on the
 * timeline as a proctor event; stills are refused while the decision is open and accepted after a new consent.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, loginAs, type TestApp } from '../helpers/build-app.ts';
import { fakeClock } from '../helpers/fake-clock.ts';
import { importSampleModule, startedSession } from '../helpers/session-fixture.ts';
import { DB_KINDS } from '../helpers/test-db.ts';

const jpeg = () => {
  const b = Buffer.alloc(600, 0x11);
  b.set([0xff, 0xd8, 0xff, 0xe0], 0);
  return b.toString('base64');
};

describe.each(DB_KINDS)('reopening the seat-camera decision on %s', (kind) => {
  const clock = fakeClock(new Date());
  let t: TestApp;
  let admin: { cookie: string };
  let proctor: { cookie: string };
  let outsider: { cookie: string };
  let centerId: string;
  const post = (url: string, who: { cookie: string }, payload?: unknown) => t.app.inject({ method: 'POST', url, headers: who, ...(payload ? { payload } : {}) });
  const reopen = (sessionId: string, who: { cookie: string }, payload?: unknown) => post(`/api/sessions/${sessionId}/camera/reopen`, who, payload);
  const consent = (sessionId: string, who: { cookie: string }, value: boolean) => post(`/api/sessions/${sessionId}/camera/consent`, who, { consent: value });
  const upload = (sessionId: string, who: { cookie: string }) => post(`/api/sessions/${sessionId}/camera/stills`, who, { jpeg: jpeg() });

  beforeAll(async () => {
    t = await buildTestApp(kind, { clock });
    await importSampleModule(t.services);
    admin = await loginAs(t.app, 'admin');
    proctor = await loginAs(t.app, 'proctor');
    centerId = ((await t.app.inject({ url: '/api/test-centers', headers: proctor })).json() as { id: string }[])[0]!.id;
    await t.services.accounts.createTestCenter(null, { code: 'CAM-R2', name: 'Another center', timeZone: 'America/Denver' });
    await t.services.accounts.createUser(null, { username: 'cam-r-proctor', displayName: 'Other Proctor', role: 'proctor', password: 'other-proctor-1', testCenterCodes: ['CAM-R2'] });
    outsider = await loginAs(t.app, 'cam-r-proctor', 'other-proctor-1');
    expect((await t.app.inject({ method: 'PUT', url: `/api/admin/test-centers/${centerId}/camera`, headers: admin, payload: { enabled: true, intervalSeconds: 30, retentionDays: 7 } })).statusCode).toBe(200);
  });
  afterAll(() => t?.close());

  it('only the center’s proctors and admins reopen, with a reason; candidates and other centers are refused before anything changes', async () => {
    const s = await startedSession(t.app, { scheduledAt: clock.now() });
    expect((await consent(s.sessionId, s.candidate, false)).statusCode).toBe(200);
    // The role is checked before the body: a candidate with no body at all gets 403, not a validation error.
    expect((await reopen(s.sessionId, s.candidate)).statusCode).toBe(403);
    expect((await reopen(s.sessionId, s.candidate, { reason: 'I changed my mind' })).statusCode).toBe(403);
    expect((await reopen(s.sessionId, outsider, { reason: 'Not my center' })).statusCode).toBe(403);
    const short = await reopen(s.sessionId, proctor, { reason: ' x ' });
    expect(short.statusCode).toBe(400);
    expect(short.json().message).toContain('reason must be at least 3 characters');
    expect((await reopen('00000000-0000-4000-8000-000000000000', proctor, { reason: 'No such seat' })).statusCode).toBe(404);
    // Nothing changed: still declined, no history.
    expect((await t.app.inject({ url: `/api/sessions/${s.sessionId}/camera`, headers: s.candidate })).json()).toMatchObject({ consent: 'declined' });
    expect((await t.app.inject({ url: `/api/sessions/${s.sessionId}/camera/history`, headers: proctor })).json().history).toEqual([]);
    expect((await t.app.inject({ url: `/api/sessions/${s.sessionId}/camera/history`, headers: s.candidate })).statusCode).toBe(403);
    expect((await t.app.inject({ url: `/api/sessions/${s.sessionId}/camera/history`, headers: outsider })).statusCode).toBe(403);
  });

  it('keeps the earlier decisions, audits both people, logs a proctor event; stills stop while open and resume after consent', async () => {
    const s = await startedSession(t.app, { scheduledAt: clock.now() });
    const declinedAt = clock.now().toISOString();
    await consent(s.sessionId, s.candidate, false);
    expect((await upload(s.sessionId, s.candidate)).statusCode).toBe(403);

    clock.advance(5_000);
    const r = await reopen(s.sessionId, proctor, { reason: 'Candidate asked to reconsider' });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ consent: null, decidedAt: null });
    // The seat's row says the candidate is being asked again; the refusal is no longer an attention item (dealt with).
    const roster = (await t.app.inject({ url: `/api/proctor/centers/${centerId}/roster`, headers: proctor })).json().rows as { sessionId: string; camera: { consent: string } | null; attention: string[] }[];
    expect(roster.find((x) => x.sessionId === s.sessionId)!.camera).toMatchObject({ consent: 'asked' });
    expect(roster.find((x) => x.sessionId === s.sessionId)!.attention).not.toContain('camera-declined');
    // Open: a second reopen has nothing to reopen; no stills until the candidate answers.
    expect((await reopen(s.sessionId, admin, { reason: 'Again' })).statusCode).toBe(409);
    expect((await upload(s.sessionId, s.candidate)).statusCode).toBe(403);

    const audit = await t.services.audit.forSubject('session', s.sessionId);
    const entry = audit.find((a) => a.action === 'session.camera-decision-reopened')!;
    expect(entry).toMatchObject({ reason: 'Candidate asked to reconsider', details: { previous: { consent: 'declined', decidedAt: declinedAt }, candidateId: s.candidateId } });
    expect(entry.details.reopenedBy).toBe(entry.actorId);
    expect(entry.actorId).not.toBe(s.candidateId);
    const timeline = (await t.app.inject({ url: `/api/sessions/${s.sessionId}/timeline`, headers: proctor })).json() as { events: { event: string; reason: string | null; source?: string }[] };
    const logged = timeline.events.filter((e) => e.event === 'incident.camera-reopened');
    expect(logged).toHaveLength(1);
    expect(logged[0]!.reason).toBe('Camera decision reopened (was declined): Candidate asked to reconsider');

    // The candidate agrees: the current decision is the latest; the earlier one is in the history.
    clock.advance(5_000);
    expect((await consent(s.sessionId, s.candidate, true)).json()).toMatchObject({ consent: 'given', decidedAt: clock.now().toISOString() });
    expect((await upload(s.sessionId, s.candidate)).statusCode).toBe(201);
    const history = (await t.app.inject({ url: `/api/sessions/${s.sessionId}/camera/history`, headers: admin })).json().history;
    expect(history).toEqual([{ consent: 'declined', decidedAt: declinedAt, reopenedAt: new Date(Date.parse(declinedAt) + 5_000).toISOString(), reopenedBy: entry.actorId, reason: 'Candidate asked to reconsider' }]);

    // Reopened again (by an admin) after consent: stills stop at once, the history keeps both decisions in order.
    clock.advance(30_000);
    expect((await reopen(s.sessionId, admin, { reason: 'Camera angle check' })).statusCode).toBe(200);
    expect((await upload(s.sessionId, s.candidate)).statusCode).toBe(403);
    const both = (await t.app.inject({ url: `/api/sessions/${s.sessionId}/camera/history`, headers: proctor })).json().history as { consent: string }[];
    expect(both.map((h) => h.consent)).toEqual(['declined', 'given']);
    await consent(s.sessionId, s.candidate, true);
    expect((await upload(s.sessionId, s.candidate)).statusCode).toBe(201);
  });

  it('is refused once the exam has ended', async () => {
    const s = await startedSession(t.app, { scheduledAt: clock.now() });
    await consent(s.sessionId, s.candidate, true);
    expect((await post(`/api/sessions/${s.sessionId}/terminate`, proctor, { category: 'other', note: 'Ended for the test' })).statusCode).toBe(200);
    expect((await reopen(s.sessionId, proctor, { reason: 'Too late now' })).statusCode).toBe(409);
  });
});
