/**
 * #17.11 the optional seat camera, over HTTP on PGlite and PostgreSQL: the center's setting (off by default, admins
 * only, audited, bad values named); consent once, before the start; uploads only for the candidate's own running
 * exam with consent and the setting on, JPEG by magic bytes, size-limited, one per interval; the proctor of the
 * session's center and admins see the stills (no-store), other centers' proctors and candidates do not; a refusal
 * and a camera failure are attention items; the retention sweep deletes old stills, also when two run at once.
 * Reopening the decision: only the center's proctors and admins, with a reason (role checked before the body); the
 * earlier decision kept in the history, audited with both people, logged as a proctor event; stills refused while
 * reopened and accepted after a new consent.
 */
import { count } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cameraStills } from '../../server/src/db/schema/index.ts';
import { SYSTEM_ACTOR } from '../../server/src/platform/actor.ts';
import { MAX_STILL_BYTES } from '../../shared/api/camera.ts';
import { HANDBOOK_VERSION } from '../../shared/handbook.ts';
import { buildTestApp, loginAs, type TestApp } from '../helpers/build-app.ts';
import { fakeClock } from '../helpers/fake-clock.ts';
import { importSampleModule, scheduleSession, startedSession } from '../helpers/session-fixture.ts';
import { DB_KINDS } from '../helpers/test-db.ts';

/** Enough of a JPEG for the server's check (SOI and a marker); the browser test sends real ones. */
const jpeg = (size = 600) => {
  const b = Buffer.alloc(size, 0x11);
  b.set([0xff, 0xd8, 0xff, 0xe0], 0);
  return b.toString('base64');
};
const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 1, 2, 3, 4]).toString('base64');

describe.each(DB_KINDS)('seat camera on %s', (kind) => {
  const clock = fakeClock(new Date());
  let t: TestApp;
  let admin: { cookie: string };
  let proctor: { cookie: string };
  let outsider: { cookie: string };
  let centerId: string;
  const setting = (body: Record<string, unknown>, who: { cookie: string } = admin) => t.app.inject({ method: 'PUT', url: `/api/admin/test-centers/${centerId}/camera`, headers: who, payload: body });
  const upload = (sessionId: string, who: { cookie: string }, data = jpeg()) => t.app.inject({ method: 'POST', url: `/api/sessions/${sessionId}/camera/stills`, headers: who, payload: { jpeg: data } });
  const consent = (sessionId: string, who: { cookie: string }, value: boolean) => t.app.inject({ method: 'POST', url: `/api/sessions/${sessionId}/camera/consent`, headers: who, payload: { consent: value } });
  const post = (url: string, who: { cookie: string }, payload?: unknown) => t.app.inject({ method: 'POST', url, headers: who, ...(payload ? { payload } : {}) });
  const reopen = (sessionId: string, who: { cookie: string }, payload?: unknown) => post(`/api/sessions/${sessionId}/camera/reopen`, who, payload);
  const row = async (sessionId: string) => {
    const r = await t.app.inject({ url: `/api/proctor/centers/${centerId}/roster`, headers: proctor });
    return (r.json().rows as { sessionId: string; attention: string[]; camera: { consent: string; latestStillId: string | null } | null }[]).find((x) => x.sessionId === sessionId)!;
  };

  beforeAll(async () => {
    t = await buildTestApp(kind, { clock });
    await importSampleModule(t.services);
    admin = await loginAs(t.app, 'admin');
    proctor = await loginAs(t.app, 'proctor');
    centerId = ((await t.app.inject({ url: '/api/test-centers', headers: proctor })).json() as { id: string }[])[0]!.id;
    await t.services.accounts.createTestCenter(null, { code: 'CAM-02', name: 'Another center', timeZone: 'America/Denver' });
    await t.services.accounts.createUser(null, { username: 'cam-proctor', displayName: 'Other Proctor', role: 'proctor', password: 'other-proctor-1', testCenterCodes: ['CAM-02'] });
    outsider = await loginAs(t.app, 'cam-proctor', 'other-proctor-1');
  });
  afterAll(() => t?.close());

  it('is off by default; only admins change it, with bad values named; each change is audited', async () => {
    const r = await t.app.inject({ url: `/api/test-centers/${centerId}/camera`, headers: proctor });
    expect(r.statusCode).toBe(200);
    expect(r.json()).toMatchObject({ enabled: false, intervalSeconds: 60, retentionDays: 30, updatedAt: null });
    expect((await t.app.inject({ url: `/api/test-centers/${centerId}/camera`, headers: outsider })).statusCode).toBe(403);

    // Off: nothing to consent to, nothing to upload.
    const off = await startedSession(t.app, { scheduledAt: clock.now() });
    expect((await consent(off.sessionId, off.candidate, true)).statusCode).toBe(409);
    expect((await upload(off.sessionId, off.candidate)).statusCode).toBe(409);

    expect((await setting({ enabled: true, intervalSeconds: 30, retentionDays: 7 }, proctor)).statusCode).toBe(403);
    const bad = await setting({ enabled: true, intervalSeconds: 2, retentionDays: 7 });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toContain('intervalSeconds must be at least 10');
    const ok = await setting({ enabled: true, intervalSeconds: 30, retentionDays: 7 });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ enabled: true, intervalSeconds: 30, retentionDays: 7 });
    const audit = await t.services.audit.forSubject('test-center', centerId);
    expect(audit.find((a) => a.action === 'camera.settings-changed')).toMatchObject({ details: { before: { enabled: false }, after: { enabled: true, intervalSeconds: 30, retentionDays: 7 } } });
  });

  it('takes stills only of the own running exam with consent, JPEG within size and interval; shows them to the center’s staff only', async () => {
    await setting({ enabled: true, intervalSeconds: 30, retentionDays: 7 });
    const s = await scheduleSession(t.app, { scheduledAt: clock.now() });
    await post(`/api/sessions/${s.sessionId}/check-in`, s.candidate);
    await post(`/api/sessions/${s.sessionId}/admit`, s.proctor, { idConfirmed: true });
    await post(`/api/sessions/${s.sessionId}/handbook`, s.candidate, { version: HANDBOOK_VERSION });

    const before = await t.app.inject({ url: `/api/sessions/${s.sessionId}/camera`, headers: s.candidate });
    expect(before.json()).toMatchObject({ enabled: true, intervalSeconds: 30, consent: null, maxBytes: MAX_STILL_BYTES });
    // Not started yet: no stills.
    expect((await upload(s.sessionId, s.candidate)).statusCode).toBe(409);
    const given = await consent(s.sessionId, s.candidate, true);
    expect(given.statusCode).toBe(200);
    expect(given.json()).toMatchObject({ consent: 'given' });
    expect(given.json().decidedAt).toBe(clock.now().toISOString());
    expect((await consent(s.sessionId, s.candidate, false)).statusCode).toBe(409);
    expect((await post(`/api/sessions/${s.sessionId}/start`, s.candidate)).statusCode).toBe(200);

    // Someone else's session, or staff: refused.
    const other = await startedSession(t.app, { scheduledAt: clock.now() });
    expect((await upload(s.sessionId, other.candidate)).statusCode).toBe(404);
    expect((await upload(s.sessionId, proctor)).statusCode).toBe(403);
    // Not a JPEG, or too large: refused, saying so.
    const notJpeg = await upload(s.sessionId, s.candidate, png);
    expect(notJpeg.statusCode).toBe(400);
    expect(notJpeg.json().message).toContain('not a JPEG');
    const tooBig = await upload(s.sessionId, s.candidate, jpeg(MAX_STILL_BYTES + 10));
    expect(tooBig.statusCode).toBe(400);
    expect(tooBig.json().message).toMatch(/jpeg.*larger than 65536 bytes/);
    expect((await t.app.inject({ method: 'POST', url: `/api/sessions/${s.sessionId}/camera/stills`, headers: s.candidate, payload: { jpeg: 'data:image/jpeg;base64,AAAA' } })).statusCode).toBe(400);

    const first = await upload(s.sessionId, s.candidate);
    expect(first.statusCode).toBe(201);
    const soon = await upload(s.sessionId, s.candidate);
    expect(soon.statusCode).toBe(429);
    expect(soon.json().message).toContain('One still every 30 seconds');
    clock.advance(30_000);
    const second = await upload(s.sessionId, s.candidate);
    expect(second.statusCode).toBe(201);

    // The proctor of the center and admins see them, newest first, never cached; others do not.
    const list = await t.app.inject({ url: `/api/sessions/${s.sessionId}/camera/stills`, headers: proctor });
    expect(list.statusCode).toBe(200);
    expect(list.headers['cache-control']).toBe('no-store');
    expect(list.json().stills.map((x: { id: string }) => x.id)).toEqual([second.json().id, first.json().id]);
    const img = await t.app.inject({ url: `/api/sessions/${s.sessionId}/camera/stills/${first.json().id}`, headers: admin });
    expect(img.statusCode).toBe(200);
    expect(img.headers['content-type']).toBe('image/jpeg');
    expect(img.headers['cache-control']).toBe('no-store');
    expect(img.rawPayload.toString('base64')).toBe(jpeg());
    for (const who of [outsider, s.candidate]) {
      expect((await t.app.inject({ url: `/api/sessions/${s.sessionId}/camera/stills`, headers: who })).statusCode).toBe(403);
      expect((await t.app.inject({ url: `/api/sessions/${s.sessionId}/camera/stills/${first.json().id}`, headers: who })).statusCode).toBe(403);
    }
    // A still of another session is not reachable through this one.
    expect((await t.app.inject({ url: `/api/sessions/${other.sessionId}/camera/stills/${first.json().id}`, headers: proctor })).statusCode).toBe(404);

    // The seat card has the latest still; the timeline lists both.
    expect((await row(s.sessionId)).camera).toMatchObject({ consent: 'given', latestStillId: second.json().id });
    const timeline = (await t.app.inject({ url: `/api/sessions/${s.sessionId}/timeline`, headers: proctor })).json() as { events: { event: string; details: { stillId?: string } }[] };
    expect(timeline.events.filter((e) => e.event === 'camera.still').map((e) => e.details.stillId)).toEqual([first.json().id, second.json().id]);
    expect(timeline.events.some((e) => e.event === 'session.camera-consented')).toBe(true);
  });

  it('a refusal and a camera failure reach the proctor as attention items; a refusal takes no stills', async () => {
    await setting({ enabled: true, intervalSeconds: 30, retentionDays: 7 });
    const s = await startedSession(t.app, { scheduledAt: clock.now() });
    expect((await consent(s.sessionId, s.candidate, false)).json()).toMatchObject({ consent: 'declined' });
    expect((await upload(s.sessionId, s.candidate)).statusCode).toBe(403);
    expect((await row(s.sessionId)).attention).toContain('camera-declined');
    // The proctor decides and notes it: the item is dealt with.
    await t.app.inject({ method: 'POST', url: `/api/sessions/${s.sessionId}/incidents`, headers: proctor, payload: { note: 'Spoke to the candidate; continuing without camera.' } });
    expect((await row(s.sessionId)).attention).not.toContain('camera-declined');

    const f = await startedSession(t.app, { scheduledAt: clock.now() });
    await consent(f.sessionId, f.candidate, true);
    const fail = (reason: string) => t.app.inject({ method: 'POST', url: `/api/sessions/${f.sessionId}/camera/failure`, headers: f.candidate, payload: { reason, detail: 'NotAllowedError' } });
    expect((await fail('permission-denied')).statusCode).toBe(200);
    expect((await fail('permission-denied')).statusCode).toBe(200); // within the interval: not recorded again
    expect((await fail('broken')).statusCode).toBe(400);
    expect((await row(f.sessionId)).attention).toContain('camera-failed');
    const incidents = (await t.app.inject({ url: `/api/sessions/${f.sessionId}/timeline`, headers: proctor })).json().events.filter((e: { event: string }) => e.event === 'incident.camera-failed');
    expect(incidents).toHaveLength(1);
    expect(incidents[0].reason).toBe('camera permission denied: NotAllowedError');
    clock.advance(1000);
    expect((await upload(f.sessionId, f.candidate)).statusCode).toBe(201);
    expect((await row(f.sessionId)).attention).not.toContain('camera-failed');
  });

  // Reopening the decision (docs/candidate-and-proctor.md §10, "Asking again").
  it('only the center’s proctors and admins reopen, with a reason; candidates and other centers are refused before anything changes', async () => {
    await setting({ enabled: true, intervalSeconds: 30, retentionDays: 7 });
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
    await setting({ enabled: true, intervalSeconds: 30, retentionDays: 7 });
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
    await setting({ enabled: true, intervalSeconds: 30, retentionDays: 7 });
    const s = await startedSession(t.app, { scheduledAt: clock.now() });
    await consent(s.sessionId, s.candidate, true);
    expect((await post(`/api/sessions/${s.sessionId}/terminate`, proctor, { category: 'other', note: 'Ended for the test' })).statusCode).toBe(200);
    expect((await reopen(s.sessionId, proctor, { reason: 'Too late now' })).statusCode).toBe(409);
  });

  it('the retention sweep deletes stills older than the center’s days, once, however many instances sweep', async () => {
    await setting({ enabled: true, intervalSeconds: 10, retentionDays: 1 });
    const s = await startedSession(t.app, { scheduledAt: clock.now() });
    await consent(s.sessionId, s.candidate, true);
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      ids.push((await upload(s.sessionId, s.candidate)).json().id);
      clock.advance(10_000);
    }
    const stills = () => t.services.camera.stills(SYSTEM_ACTOR, s.sessionId).then((r) => r.stills.map((x) => x.id));
    expect(await t.services.camera.sweepRetention()).toBe(0);
    clock.advance(24 * 3600_000 - 15_000); // the first two are now older than a day, the third is not
    const countAll = async () => (await t.database.db.select({ n: count() }).from(cameraStills))[0]!.n;
    const total = await countAll();
    const swept = await Promise.all([t.services.camera.sweepRetention(1), t.services.camera.sweepRetention(1), t.services.camera.sweepRetention(1)]);
    expect(await stills()).toEqual([ids[2]]);
    // Each deleted still is counted by exactly one sweep (the earlier tests' stills at this center are old too).
    expect(swept.reduce((a, b) => a + b, 0)).toBe(total - (await countAll()));
    expect(total - (await countAll())).toBeGreaterThanOrEqual(2);
    expect(await t.services.camera.sweepRetention()).toBe(0);
  });
});
