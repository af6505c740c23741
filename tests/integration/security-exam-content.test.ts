/**
 * #14.1 exam content stays in the exam (REST side) and #14.8 scope before eligibility, through HTTP as each role:
 * no REST answer a candidate can reach carries item stems or options, during the exam or after it; a candidate's
 * answers are visible to admins while the exam runs but not to proctors, and once it ended to that center's proctors
 * only; a proctor of another center gets 403 from `admit` with nothing about the candidate's eligibility.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loginAs, type TestApp } from '../helpers/build-app.ts';
import { ExamClient } from '../helpers/exam-client.ts';
import { listeningAppWithOutsider, newCandidate, scheduleSession, startedSession } from '../helpers/session-fixture.ts';
import { DB_KINDS } from '../helpers/test-db.ts';

describe.each(DB_KINDS)('exam content and answers over REST on %s', (kind) => {
  let t: TestApp;
  let base: string;
  let outsider: { cookie: string };

  beforeAll(async () => {
    ({ t, base, outsider } = await listeningAppWithOutsider(kind, 'OTHER-14'));
  }, 240_000);
  afterAll(async () => {
    await t?.close();
  });

  const get = (url: string, headers: { cookie: string }) => t.app.inject({ url, headers });

  it('candidates get no item text over REST; answers go to admins during the exam and to the center’s proctors after it', async () => {
    const s = await startedSession(t.app);
    const c = await ExamClient.open(base, s.candidate);
    const snap = await c.hello(s.sessionId);
    const texts = snap.items.flatMap((i) => [i.stem, ...i.options.map((o) => o.text)]).filter((x) => x.length > 20);
    expect(texts.length).toBeGreaterThan(50);
    const item = snap.items[0]!;
    expect((await c.answer(item.itemId, item.options[1]!.id)).type).toBe('ack');

    /** Every REST answer a candidate can fetch about this exam, none with a stem or an option's text. */
    const candidateReads = async () => {
      const urls = [`/api/sessions/${s.sessionId}`, `/api/sessions/${s.sessionId}/tools`, '/api/me/sessions', '/api/me/history', `/api/sessions/${s.sessionId}/report`];
      for (const url of urls) {
        const r = await get(url, s.candidate);
        expect(r.statusCode, `${url}: ${r.body.slice(0, 200)}`).toBeLessThan(500);
        for (const text of texts) expect(r.body.includes(text), `${url} carries item text`).toBe(false);
      }
      // Staff views of the exam are closed to the candidate.
      for (const url of [`/api/sessions/${s.sessionId}/responses`, `/api/sessions/${s.sessionId}/timeline`, `/api/sessions/${s.sessionId}/time-ledger`]) {
        expect((await get(url, s.candidate)).statusCode, url).toBe(403);
      }
    };

    // While the exam runs: the candidate's REST reads carry no items; the proctor may not read the answers, an admin may.
    await candidateReads();
    const during = await get(`/api/sessions/${s.sessionId}/responses`, s.proctor);
    expect(during.statusCode).toBe(403);
    expect(during.body).not.toContain(item.itemId);
    const byAdmin = await get(`/api/sessions/${s.sessionId}/responses`, s.admin);
    expect(byAdmin.statusCode).toBe(200);
    expect(byAdmin.json()).toEqual(expect.arrayContaining([expect.objectContaining({ itemId: item.itemId, optionId: item.options[1]!.id })]));
    // Paused counts as running.
    await t.app.inject({ method: 'POST', url: `/api/sessions/${s.sessionId}/pause`, headers: s.proctor, payload: { reason: 'check' } });
    expect((await get(`/api/sessions/${s.sessionId}/responses`, s.proctor)).statusCode).toBe(403);
    await t.app.inject({ method: 'POST', url: `/api/sessions/${s.sessionId}/resume`, headers: s.proctor, payload: {} });

    // After the end: the center's proctor reads the answers; another center's proctor does not; the candidate still
    // gets no items over REST (and none over the socket: a scored session's hello carries no questions).
    await c.request({ type: 'submit' });
    await c.waitFor('result-ready');
    const after = await get(`/api/sessions/${s.sessionId}/responses`, s.proctor);
    expect(after.statusCode).toBe(200);
    expect(after.json()).toEqual(expect.arrayContaining([expect.objectContaining({ itemId: item.itemId, optionId: item.options[1]!.id })]));
    expect((await get(`/api/sessions/${s.sessionId}/responses`, outsider)).statusCode).toBe(403);
    await candidateReads();
    const late = await ExamClient.open(base, s.candidate);
    const lateSnap = await late.hello(s.sessionId);
    expect(lateSnap.items).toEqual([]);
  });

  it('a proctor of another center gets 403 from admit, with nothing about the candidate’s eligibility', async () => {
    const cand = await newCandidate(t.app);
    const second = await scheduleSession(t.app, { candidate: cand });
    // The first sitting fails (submitted blank): by the retake rules the second may not be admitted for 15 days.
    const first = await startedSession(t.app, { candidate: cand });
    const c = await ExamClient.open(base, first.candidate);
    await c.hello(first.sessionId);
    await c.request({ type: 'submit' });
    await c.waitFor('result-ready');
    await t.app.inject({ method: 'POST', url: `/api/sessions/${second.sessionId}/check-in`, headers: await loginAs(t.app, cand.username, 'candidate-pass-1') });

    const refused = await t.app.inject({ method: 'POST', url: `/api/sessions/${second.sessionId}/admit`, headers: outsider, payload: { idConfirmed: true } });
    expect(refused.statusCode).toBe(403);
    expect(refused.body).not.toMatch(/retake|failed|eligib/i);
    expect(refused.json().details ?? null).toBeNull();
    // The center's own proctor gets the eligibility answer.
    const own = await t.app.inject({ method: 'POST', url: `/api/sessions/${second.sessionId}/admit`, headers: second.proctor, payload: { idConfirmed: true } });
    expect(own.statusCode).toBe(422);
    expect(own.json().message).toMatch(/retake/i);
  });
});
