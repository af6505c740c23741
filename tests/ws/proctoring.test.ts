import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TestApp } from '../helpers/build-app.ts';
import { ExamClient } from '../helpers/exam-client.ts';
import { ProctorClient } from '../helpers/proctor-client.ts';
import { listeningAppWithOutsider, newCandidate, scheduleSession, startedSession } from '../helpers/session-fixture.ts';
import { DB_KINDS } from '../helpers/test-db.ts';

describe.each(DB_KINDS)('proctoring on %s', (kind) => {
  let t: TestApp;
  let base: string;
  let outsider: { cookie: string };
  beforeAll(async () => {
    ({ t, base, outsider } = await listeningAppWithOutsider(kind, 'OTHER-02'));
  });
  afterAll(async () => {
    await t?.close();
  });

  it('pushes answers, signals and actions to the console within a second, with incidents and attention flags', async () => {
    const s = await startedSession(t.app);
    const feed = await ProctorClient.open(base, s.proctor);
    feed.subscribe(s.testCenterId);
    const roster = await feed.waitFor((m) => m.type === 'roster');
    expect(roster.type === 'roster' && roster.rows.some((r) => r.sessionId === s.sessionId)).toBe(true);

    const c = await ExamClient.open(base, s.candidate);
    const snap = await c.hello(s.sessionId);
    const n = feed.messages.length;
    const sent = Date.now();
    await c.answer(snap.items[0]!.itemId, snap.items[0]!.options[0]!.id);
    const update = await feed.waitFor((m) => m.type === 'rows' && m.rows.some((r) => r.sessionId === s.sessionId && r.answered === 1), n);
    expect((update as { receivedAt: number }).receivedAt - sent).toBeLessThan(1000);
    expect(feed.latestRow(s.sessionId)).toMatchObject({ connected: true, total: 86, state: 'in_progress' });

    const m2 = feed.messages.length;
    await c.request({ type: 'signal', kind: 'page-hidden' });
    await feed.waitFor((m) => m.type === 'rows' && m.rows.some((r) => r.sessionId === s.sessionId && r.attention.includes('focus-lost')), m2);
    expect(feed.latestRow(s.sessionId)!.lastIncident).toMatchObject({ kind: 'page-hidden' });

    const m3 = feed.messages.length;
    await t.app.inject({ method: 'POST', url: `/api/sessions/${s.sessionId}/pause`, headers: s.proctor, payload: { reason: 'check desk' } });
    await feed.waitFor((m) => m.type === 'rows' && m.rows.some((r) => r.sessionId === s.sessionId && r.state === 'paused'), m3);
    await c.waitFor('paused');
    feed.close();
    c.close();
  });

  it('fire drill: pauses and resumes every running seat, crediting the time', async () => {
    const a = await startedSession(t.app);
    const b = await startedSession(t.app);
    const before = (await t.app.inject({ url: `/api/sessions/${a.sessionId}`, headers: a.proctor })).json().time.remainingMs;
    const paused = (await t.app.inject({ method: 'POST', url: `/api/proctor/centers/${a.testCenterId}/pause-all`, headers: a.proctor, payload: { reason: 'fire drill' } })).json();
    expect(paused.paused).toBeGreaterThanOrEqual(2);
    for (const s of [a, b]) expect((await t.app.inject({ url: `/api/sessions/${s.sessionId}`, headers: s.proctor })).json()).toMatchObject({ state: 'paused', pauseReason: 'fire drill' });
    await new Promise((r) => setTimeout(r, 300));
    const resumed = (await t.app.inject({ method: 'POST', url: `/api/proctor/centers/${a.testCenterId}/resume-all`, headers: a.proctor, payload: { reason: 'drill over' } })).json();
    expect(resumed.resumed).toBeGreaterThanOrEqual(2);
    const after = (await t.app.inject({ url: `/api/sessions/${a.sessionId}`, headers: a.proctor })).json();
    expect(after.state).toBe('in_progress');
    expect(before - after.time.remainingMs).toBeLessThan(300); // the paused 300 ms were not charged
  });

  it('records incident notes, exports incidents as CSV, and gives the whole timeline in order', async () => {
    const s = await startedSession(t.app);
    expect((await t.app.inject({ method: 'POST', url: `/api/sessions/${s.sessionId}/incidents`, headers: s.proctor, payload: { note: 'Candidate asked for more scrap paper' } })).statusCode).toBe(201);
    await t.app.inject({ method: 'POST', url: `/api/sessions/${s.sessionId}/extend`, headers: s.proctor, payload: { minutes: 5, reason: 'late start' } });
    const csv = (await t.app.inject({ url: `/api/proctor/centers/${s.testCenterId}/incidents.csv`, headers: s.proctor })).body;
    expect(csv.split('\n')[0]).toBe('at,session_id,candidate,module,kind,category,severity,source,recorded_by,note');
    expect(csv).toContain('proctor-note,other,low,proctor,Demo Proctor,Candidate asked for more scrap paper');
    // The proctor's extension is in the incident export too (#17.8), not only on the timeline.
    expect(csv).toContain('extended,administrative,low,proctor,Demo Proctor,5 min: late start');
    // A note a spreadsheet would run as a formula is written as text.
    await t.app.inject({ method: 'POST', url: `/api/sessions/${s.sessionId}/incidents`, headers: s.proctor, payload: { note: '=HYPERLINK("http://x.example","ok")' } });
    const guarded = (await t.app.inject({ url: `/api/proctor/centers/${s.testCenterId}/incidents.csv`, headers: s.proctor })).body;
    expect(guarded).toContain(`,"'=HYPERLINK(""http://x.example"",""ok"")"\n`);
    const timeline = (await t.app.inject({ url: `/api/sessions/${s.sessionId}/timeline`, headers: s.proctor })).json();
    const events = timeline.events.map((e: { event: string }) => e.event);
    expect(events.indexOf('session.scheduled')).toBeLessThan(events.indexOf('session.admitted'));
    expect(events.indexOf('session.admitted')).toBeLessThan(events.indexOf('session.started'));
    expect(events).toEqual(expect.arrayContaining(['incident.proctor-note', 'time.extend', 'session.extended']));
    const times = timeline.events.map((e: { at: string }) => new Date(e.at).getTime());
    expect([...times].sort((x, y) => x - y)).toEqual(times);
  });

  it('scopes every action: a proctor of another center and candidates are refused', async () => {
    const s = await scheduleSession(t.app);
    const id = s.sessionId;
    const post = (url: string, headers: { cookie: string }, payload: unknown) => t.app.inject({ method: 'POST', url, headers, payload: payload as object });
    const actions: [string, unknown][] = [
      [`/api/sessions/${id}/admit`, { idConfirmed: true }],
      [`/api/sessions/${id}/pause`, { reason: 'nope nope' }],
      [`/api/sessions/${id}/resume`, {}],
      [`/api/sessions/${id}/extend`, { minutes: 5, reason: 'nope nope' }],
      [`/api/sessions/${id}/terminate`, { category: 'other', note: 'nope nope' }],
      [`/api/sessions/${id}/incidents`, { note: 'nope nope' }],
    ];
    for (const [url, body] of actions) {
      expect((await post(url, outsider, body)).statusCode, `outsider ${url}`).toBe(403);
      expect((await post(url, s.candidate, body)).statusCode, `candidate ${url}`).toBe(403);
    }
    for (const url of [`/api/sessions/${id}/timeline`, `/api/sessions/${id}/responses`, `/api/proctor/centers/${s.testCenterId}/roster`, `/api/proctor/centers/${s.testCenterId}/incidents.csv`]) {
      expect((await t.app.inject({ url, headers: outsider })).statusCode, `outsider ${url}`).toBe(403);
      expect((await t.app.inject({ url, headers: s.candidate })).statusCode, `candidate ${url}`).toBe(403);
    }
    expect((await post(`/api/proctor/centers/${s.testCenterId}/pause-all`, outsider, { reason: 'fire drill' })).statusCode).toBe(403);
    // Candidates never see other candidates: their session list holds only their own.
    const other = await newCandidate(t.app);
    expect(((await t.app.inject({ url: '/api/me/sessions', headers: other.auth })).json() as unknown[]).length).toBe(0);
    expect((await t.app.inject({ url: `/api/sessions/${id}`, headers: other.auth })).statusCode).toBe(404);
    // The feed refuses candidates and other centers.
    const cf = await ProctorClient.open(base, s.candidate);
    expect(await cf.waitFor((m) => m.type === 'error')).toMatchObject({ code: 'FORBIDDEN' });
    const of = await ProctorClient.open(base, outsider);
    of.subscribe(s.testCenterId);
    expect(await of.waitFor((m) => m.type === 'error')).toMatchObject({ code: 'FORBIDDEN' });
    of.close();
  });
});
