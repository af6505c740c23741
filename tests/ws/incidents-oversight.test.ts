/**
 * #17.8 incidents as a record and #17.9 oversight, through HTTP and the candidate's socket on PGlite and PostgreSQL:
 * terminate needs a category and a note; pause, extend, terminate, raise-hand, disconnects and focus losses are in the
 * incident export with their category and severity; the irregularity report PDF (page 1 read with pdftotext); the
 * per-exam extension cap with an admin's approval or decline (audited with both people); an admin's reopen of a
 * terminated attempt (back to paused with the time it had left, score withdrawn, resumed by the proctor).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv } from '../../client/src/features/proctoring/roster.ts';
import { buildTestApp, loginAs, type TestApp } from '../helpers/build-app.ts';
import { ExamClient } from '../helpers/exam-client.ts';
import { fakeClock } from '../helpers/fake-clock.ts';
import { pdfText } from '../helpers/pdf-tools.ts';
import { importSampleModule, listeningAppWithOutsider, startedSession } from '../helpers/session-fixture.ts';
import { DB_KINDS } from '../helpers/test-db.ts';

describe.each(DB_KINDS)('incidents and oversight on %s', (kind) => {
  let t: TestApp;
  let base: string;
  let outsider: { cookie: string };
  beforeAll(async () => {
    ({ t, base, outsider } = await listeningAppWithOutsider(kind, 'INC-02'));
  });
  afterAll(() => t?.close());

  const post = (url: string, headers: { cookie: string }, payload: unknown) => t.app.inject({ method: 'POST', url, headers, payload: payload as Record<string, unknown> });
  const incidents = async (s: { testCenterId: string; proctor: { cookie: string } }) => {
    const res = await t.app.inject({ url: `/api/proctor/centers/${s.testCenterId}/incidents.csv`, headers: s.proctor });
    expect(res.statusCode).toBe(200);
    const [header, ...rows] = parseCsv(res.body);
    return rows.map((r) => Object.fromEntries(header!.map((h, i) => [h, r[i] ?? ''])));
  };
  const status = async (id: string, headers: { cookie: string }) => (await t.app.inject({ url: `/api/sessions/${id}`, headers })).json() as { state: string; pauseReason: string | null; endReason: string | null; time: { remainingMs: number } };

  it('terminate needs a category and a note; every action, signal and disconnect is in the export with category and severity; the irregularity report', async () => {
    const s = await startedSession(t.app);
    const c = await ExamClient.open(base, s.candidate);
    await c.hello(s.sessionId);
    expect((await c.request({ type: 'signal', kind: 'focus-lost' })).type).toBe('ack');
    expect((await c.request({ type: 'signal', kind: 'raise-hand' })).type).toBe('ack');
    expect((await post(`/api/sessions/${s.sessionId}/pause`, s.proctor, { reason: 'Restroom break' })).statusCode).toBe(200);
    expect((await post(`/api/sessions/${s.sessionId}/resume`, s.proctor, {})).statusCode).toBe(200);
    expect((await post(`/api/sessions/${s.sessionId}/extend`, s.proctor, { minutes: 5, reason: 'Late start' })).json()).toMatchObject({ outcome: 'extended', minutes: 5, extendedMinutes: 5, capMinutes: 30 });
    const note = await post(`/api/sessions/${s.sessionId}/incidents`, s.proctor, { note: 'Talked to the neighbour', category: 'communication', severity: 'medium' });
    expect(note.statusCode).toBe(201);
    const badNote = await post(`/api/sessions/${s.sessionId}/incidents`, s.proctor, { note: 'x y z', category: 'gossip' });
    expect(badNote.statusCode).toBe(400);
    expect(JSON.stringify(badNote.json().problems)).toContain('/category');

    // Terminate: each missing field is named; nothing ends until both are there.
    const noCategory = await post(`/api/sessions/${s.sessionId}/terminate`, s.proctor, { note: 'Phone on the desk' });
    expect(noCategory.statusCode).toBe(400);
    expect(noCategory.json().problems).toEqual(expect.arrayContaining([expect.objectContaining({ pointer: '/body/category' })]));
    const noNote = await post(`/api/sessions/${s.sessionId}/terminate`, s.proctor, { category: 'prohibited-item' });
    expect(noNote.statusCode).toBe(400);
    expect(noNote.json().problems).toEqual(expect.arrayContaining([expect.objectContaining({ pointer: '/body/note' })]));
    expect((await status(s.sessionId, s.proctor)).state).toBe('in_progress');
    expect((await post(`/api/sessions/${s.sessionId}/terminate`, outsider, { category: 'prohibited-item', note: 'Phone on the desk' })).statusCode).toBe(403);

    const told = c.next('terminated');
    expect((await post(`/api/sessions/${s.sessionId}/terminate`, s.proctor, { category: 'prohibited-item', note: 'Phone on the desk' })).statusCode).toBe(200);
    expect(await told).toMatchObject({ reason: 'Phone on the desk' });
    c.close();

    const mine = (await incidents(s)).filter((r) => r.session_id === s.sessionId);
    const byKind = (k: string) => mine.find((r) => r.kind === k);
    expect(byKind('focus-lost')).toMatchObject({ category: 'other', severity: 'low', source: 'candidate' });
    expect(byKind('raise-hand')).toMatchObject({ category: 'administrative', severity: 'low' });
    expect(byKind('paused')).toMatchObject({ category: 'administrative', source: 'proctor', recorded_by: 'Demo Proctor', note: 'Restroom break' });
    expect(byKind('resumed')).toBeDefined();
    expect(byKind('extended')).toMatchObject({ note: '5 min: Late start' });
    expect(byKind('proctor-note')).toMatchObject({ category: 'communication', severity: 'medium' });
    expect(byKind('terminated')).toMatchObject({ category: 'prohibited-item', severity: 'high', note: 'Phone on the desk', recorded_by: 'Demo Proctor' });

    // The irregularity report: page 1 as a certification body reads it.
    expect((await t.app.inject({ url: `/api/sessions/${s.sessionId}/irregularity-report.pdf`, headers: outsider })).statusCode).toBe(403);
    expect((await t.app.inject({ url: `/api/sessions/${s.sessionId}/irregularity-report.pdf`, headers: s.candidate })).statusCode).toBe(403);
    const pdf = await t.app.inject({ url: `/api/sessions/${s.sessionId}/irregularity-report.pdf`, headers: s.proctor });
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toContain('application/pdf');
    const text = pdfText(pdf.rawPayload).replace(/[ \t]+/g, ' ');
    expect(text).toContain('Irregularity Report');
    expect(text).toContain(s.sessionId);
    expect(text).toContain('America/Chicago');
    expect(text).toMatch(/terminated \(Phone on the desk\)/);
    expect(text).toContain('Prohibited item');
    expect(text).toContain('Communication');
    expect(text).toMatch(/Terminated.*Prohibited item.*high/);
    expect(text).toMatch(/Focus lost.*Other.*low/);
    expect(text).toMatch(/\d{1,2} Dec \d{2}:\d{2}:\d{2} CST/);
    expect(text).toContain('FOR THE CERTIFICATION BODY');
    expect(text).toContain('Proctor and admin actions');
    expect(text).toMatch(/2 irregularities \(high 1, medium 1, low 0\)|irregularities \(high 1, medium 1/);
    const audit = await t.services.audit.forSubject('session', s.sessionId);
    expect(audit.some((a) => a.action === 'session.irregularity-report')).toBe(true);
    expect(audit.find((a) => a.action === 'session.terminated')).toMatchObject({ reason: 'Phone on the desk', details: { category: 'prohibited-item', severity: 'high' } });
  });

  it('a disconnect during the exam is an incident', async () => {
    const s = await startedSession(t.app);
    const c = await ExamClient.open(base, s.candidate);
    await c.hello(s.sessionId);
    c.close();
    await expect.poll(async () => (await incidents(s)).filter((r) => r.session_id === s.sessionId && r.kind === 'disconnected').length, { timeout: 10_000 }).toBe(1);
    expect((await incidents(s)).find((r) => r.session_id === s.sessionId && r.kind === 'disconnected')).toMatchObject({ category: 'technical', severity: 'low', source: 'system' });
  });

  it('past the extension cap a proctor files a request; an admin approves or declines it, audited with both people', async () => {
    const s = await startedSession(t.app);
    const c = await ExamClient.open(base, s.candidate);
    await c.hello(s.sessionId);
    expect((await post(`/api/sessions/${s.sessionId}/extend`, s.proctor, { minutes: 20, reason: 'Fire alarm' })).statusCode).toBe(200);
    const before = (await status(s.sessionId, s.proctor)).time.remainingMs;

    const over = await post(`/api/sessions/${s.sessionId}/extend`, s.proctor, { minutes: 15, reason: 'Workstation replaced' });
    expect(over.statusCode).toBe(202);
    expect(over.json()).toMatchObject({ outcome: 'requested', minutes: 15, extendedMinutes: 20, capMinutes: 30 });
    const requestId = over.json().requestId as string;
    // Nothing was added yet, and a second request waits for the first.
    expect((await status(s.sessionId, s.proctor)).time.remainingMs).toBeLessThanOrEqual(before);
    expect((await post(`/api/sessions/${s.sessionId}/extend`, s.proctor, { minutes: 15, reason: 'More time' })).statusCode).toBe(409);

    const pending = (await t.app.inject({ url: `/api/extension-requests?testCenterId=${s.testCenterId}`, headers: s.proctor })).json() as { id: string; requestedBy: string; candidateName: string }[];
    expect(pending.find((r) => r.id === requestId)).toMatchObject({ requestedBy: 'Demo Proctor', minutes: 15, reason: 'Workstation replaced', status: 'pending' });
    expect(((await t.app.inject({ url: '/api/extension-requests', headers: outsider })).json() as { id: string }[]).some((r) => r.id === requestId)).toBe(false);
    expect((await t.app.inject({ url: `/api/extension-requests?testCenterId=${s.testCenterId}`, headers: outsider })).statusCode).toBe(403);

    // Only an admin decides.
    expect((await post(`/api/admin/extension-requests/${requestId}/approve`, s.proctor, {})).statusCode).toBe(403);
    const extended = c.next('extended');
    const approved = await post(`/api/admin/extension-requests/${requestId}/approve`, s.admin, { note: 'Documented hardware failure' });
    expect(approved.statusCode).toBe(200);
    expect(approved.json()).toMatchObject({ status: 'approved', minutes: 15 });
    expect(await extended).toMatchObject({ minutes: 15 });
    expect((await status(s.sessionId, s.proctor)).time.remainingMs).toBeGreaterThan(before + 14 * 60_000 - 5_000);
    expect((await post(`/api/admin/extension-requests/${requestId}/approve`, s.admin, {})).statusCode).toBe(409);
    const audit = await t.services.audit.forSubject('session', s.sessionId);
    const proctorId = audit.find((a) => a.action === 'session.extension-requested')!.actorId;
    const adminEntry = audit.find((a) => a.action === 'session.extension-approved')!;
    expect(adminEntry.actorRole).toBe('admin');
    expect(adminEntry.details).toMatchObject({ requestId, minutes: 15, requestedBy: proctorId, decidedBy: adminEntry.actorId });
    expect(proctorId).not.toBe(adminEntry.actorId);

    // A decline must say why, and adds nothing.
    const again = await post(`/api/sessions/${s.sessionId}/extend`, s.proctor, { minutes: 10, reason: 'Candidate asked' });
    expect(again.statusCode).toBe(202);
    const noWhy = await post(`/api/admin/extension-requests/${again.json().requestId}/decline`, s.admin, {});
    expect(noWhy.statusCode).toBe(400);
    expect(noWhy.json().problems).toEqual(expect.arrayContaining([expect.objectContaining({ pointer: '/body/note' })]));
    const left = (await status(s.sessionId, s.proctor)).time.remainingMs;
    expect((await post(`/api/admin/extension-requests/${again.json().requestId}/decline`, s.admin, { note: 'No documented reason' })).json()).toMatchObject({ status: 'declined' });
    expect((await status(s.sessionId, s.proctor)).time.remainingMs).toBeLessThanOrEqual(left);
    const declined = (await t.app.inject({ url: `/api/extension-requests?status=declined`, headers: s.admin })).json() as { id: string; decidedBy: string; decisionNote: string }[];
    expect(declined.find((r) => r.id === again.json().requestId)).toMatchObject({ decidedBy: 'Demo Admin', decisionNote: 'No documented reason' });
    const kinds = (await incidents(s)).filter((r) => r.session_id === s.sessionId).map((r) => r.kind);
    expect(kinds).toEqual(expect.arrayContaining(['extended', 'extension-requested', 'extension-approved', 'extension-declined']));

    // An admin's own extension past the cap is applied at once (the admin is the approver).
    expect((await post(`/api/sessions/${s.sessionId}/extend`, s.admin, { minutes: 10, reason: 'Approved on the spot' })).json()).toMatchObject({ outcome: 'extended' });
    c.close();
  });

  it('an admin reopens a terminated attempt: paused with the time it had left, score withdrawn, resumed by the proctor', async () => {
    const s = await startedSession(t.app);
    const c = await ExamClient.open(base, s.candidate);
    const snap = await c.hello(s.sessionId);
    const item = snap.items[0]!;
    expect((await c.answer(item.itemId, item.options[0]!.id)).type).toBe('ack');
    expect((await post(`/api/sessions/${s.sessionId}/terminate`, s.proctor, { category: 'identity', note: 'Wrong candidate, we thought' })).statusCode).toBe(200);
    await expect.poll(async () => (await status(s.sessionId, s.proctor)).state, { timeout: 10_000 }).toBe('scored');
    const leftAtEnd = (await status(s.sessionId, s.proctor)).time.remainingMs;
    c.close();

    const bad = await post(`/api/admin/sessions/${s.sessionId}/reopen`, s.admin, { creditMinutes: 5 });
    expect(bad.statusCode).toBe(400);
    expect(JSON.stringify(bad.json().problems)).toContain('/reason');
    expect((await post(`/api/admin/sessions/${s.sessionId}/reopen`, s.proctor, { reason: 'Mistaken identity' })).statusCode).toBe(403);
    const reopened = await post(`/api/admin/sessions/${s.sessionId}/reopen`, s.admin, { reason: 'Mistaken identity: the ID was valid', creditMinutes: 5 });
    expect(reopened.statusCode).toBe(200);
    const after = await status(s.sessionId, s.proctor);
    expect(after).toMatchObject({ state: 'paused', pauseReason: 'reopened', endReason: null });
    expect(after.time.remainingMs).toBe(leftAtEnd + 5 * 60_000);
    expect((await t.app.inject({ url: `/api/sessions/${s.sessionId}/report`, headers: s.admin })).json()).toMatchObject({ status: 'pending' });
    // A second reopen is refused: the session is no longer ended.
    expect((await post(`/api/admin/sessions/${s.sessionId}/reopen`, s.admin, { reason: 'Again' })).statusCode).toBe(409);

    const timeline = JSON.stringify((await t.app.inject({ url: `/api/sessions/${s.sessionId}/timeline`, headers: s.proctor })).json());
    expect(timeline).toContain('incident.reopened');
    expect(timeline).toContain('session.reopened');
    expect(timeline).toContain('session.score-withdrawn');
    const audit = await t.services.audit.forSubject('session', s.sessionId);
    expect(audit.find((a) => a.action === 'session.reopened')).toMatchObject({ actorRole: 'admin', reason: 'Mistaken identity: the ID was valid', details: { state: 'scored', endReason: 'terminated', creditedMs: 300_000 } });

    // The proctor resumes; the candidate comes back to the same exam with the answer kept, and submits again.
    expect((await post(`/api/sessions/${s.sessionId}/resume`, s.proctor, { reason: 'Reopened by the admin' })).statusCode).toBe(200);
    const back = await ExamClient.open(base, s.candidate);
    const again = await back.hello(s.sessionId);
    expect(again.session.state).toBe('in_progress');
    expect(again.answers[item.itemId]).toBe(item.options[0]!.id);
    back.continueFrom(100);
    expect((await back.request({ type: 'submit' })).type).toBe('ack');
    await expect.poll(async () => (await status(s.sessionId, s.proctor)).state, { timeout: 10_000 }).toBe('scored');
    back.close();

    // A submitted exam is never reopened.
    const refused = await post(`/api/admin/sessions/${s.sessionId}/reopen`, s.admin, { reason: 'Candidate wants another go' });
    expect(refused.statusCode).toBe(409);
    expect(refused.json().message).toContain('submitted exam cannot');
  });
});

describe.each(DB_KINDS)('reopening an attempt whose time ran out on %s', (kind) => {
  let t: TestApp;
  const clock = fakeClock();
  beforeAll(async () => {
    t = await buildTestApp(kind, { clock, sweeps: false });
    await importSampleModule(t.services);
  });
  afterAll(() => t?.close());

  it('needs credited time (no time was left), then runs again for exactly that long', async () => {
    const s = await startedSession(t.app);
    clock.advance(90 * 60_000 + 2_100);
    expect(await t.services.sessions.expireDue()).toContain(s.sessionId);
    // Staff sign in again: ninety idle minutes end a staff session.
    const admin = await loginAs(t.app, 'admin');
    const proctor = await loginAs(t.app, 'proctor');
    const ended = (await t.app.inject({ url: `/api/sessions/${s.sessionId}`, headers: proctor })).json();
    expect(ended).toMatchObject({ state: 'scored', endReason: 'expired', time: { remainingMs: 0 } });

    const none = await t.app.inject({ method: 'POST', url: `/api/admin/sessions/${s.sessionId}/reopen`, headers: admin, payload: { reason: 'The center lost power' } });
    expect(none.statusCode).toBe(400);
    expect(JSON.stringify(none.json().problems)).toContain('/creditMinutes');
    // Nothing of the refused reopen was kept.
    expect((await t.app.inject({ url: `/api/sessions/${s.sessionId}`, headers: proctor })).json()).toMatchObject({ state: 'scored', endReason: 'expired' });

    const ok = await t.app.inject({ method: 'POST', url: `/api/admin/sessions/${s.sessionId}/reopen`, headers: admin, payload: { reason: 'The center lost power', creditMinutes: 10 } });
    expect(ok.statusCode).toBe(200);
    expect((await t.app.inject({ url: `/api/sessions/${s.sessionId}`, headers: proctor })).json()).toMatchObject({ state: 'paused', pauseReason: 'reopened', time: { remainingMs: 10 * 60_000, running: false } });
    const ledger = (await t.app.inject({ url: `/api/sessions/${s.sessionId}/time-ledger`, headers: proctor })).json() as { kind: string; amountMs: number | null; reason: string | null }[];
    expect(ledger.at(-1)).toMatchObject({ kind: 'credit', amountMs: 10 * 60_000, reason: 'reopened by an admin: The center lost power' });

    // Resumed, it runs ten minutes and expires again.
    expect((await t.app.inject({ method: 'POST', url: `/api/sessions/${s.sessionId}/resume`, headers: proctor, payload: {} })).statusCode).toBe(200);
    clock.advance(10 * 60_000 + 2_100);
    expect(await t.services.sessions.expireDue()).toContain(s.sessionId);
    expect((await t.app.inject({ url: `/api/sessions/${s.sessionId}`, headers: s.candidate })).json()).toMatchObject({ state: 'scored', endReason: 'expired' });
  });
});
