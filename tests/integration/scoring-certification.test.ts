/**
 * The CPT rules end to end through the API: fail a module, be refused a retake before the wait, pass later, complete
 * the four required modules and verify the full CPT credential publicly.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, loginAs, type TestApp } from '../helpers/build-app.ts';
import { ExamClient } from '../helpers/exam-client.ts';
import { fakeClock } from '../helpers/fake-clock.ts';
import { importSampleModule, newCandidate, scheduleSession, startedSession } from '../helpers/session-fixture.ts';
import { DB_KINDS } from '../helpers/test-db.ts';

const DAY = 86_400_000;

describe.each(DB_KINDS)('scoring and certification on %s', (kind) => {
  let t: TestApp;
  let base: string;
  const clock = fakeClock(new Date('2026-03-02T15:00:00Z'));
  const keys = new Map<string, string>();
  beforeAll(async () => {
    t = await buildTestApp(kind, { clock });
    for (const f of ['safety', 'quality', 'production', 'maintenance']) await importSampleModule(t.services, `item-bank/${f}.json`);
    base = await t.app.listen({ port: 0, host: '127.0.0.1' });
    const author = await loginAs(t.app, 'author');
    for (const it of (await t.app.inject({ url: '/api/bank/items', headers: author })).json() as { id: string; content: { key: string } }[]) keys.set(it.id, it.content.key);
  });
  afterAll(() => t?.close());

  /** Sits a whole exam, answering `correctShare` of the items with the key (the rest with a wrong option). */
  async function sit(module: string, candidate: Awaited<ReturnType<typeof newCandidate>>, correctShare: number) {
    const s = await startedSession(t.app, { module, candidate, scheduledAt: clock.now() });
    const c = await ExamClient.open(base, s.candidate);
    const snap = await c.hello(s.sessionId);
    const n = Math.round(snap.items.length * correctShare);
    await Promise.all(
      snap.items.map((it, i) => {
        const key = keys.get(it.itemId)!;
        return c.answer(it.itemId, i < n ? key : it.options.find((o) => o.id !== key)!.id);
      }),
    );
    await c.request({ type: 'submit' });
    await c.waitFor('result-ready');
    const report = (await t.app.inject({ url: `/api/sessions/${s.sessionId}/report`, headers: s.candidate })).json();
    return { ...s, report };
  }

  it('scores once with the KWA diagnostic, blocks a retake for 15 days, and builds to the full CPT', async () => {
    const cand = await newCandidate(t.app);

    const fail = await sit('SAF', cand, 0.3);
    expect(fail.report).toMatchObject({ status: 'scored', module: 'SAF', moduleTitle: 'Safety', result: { passed: false, scoredItems: 78, rawCut: 60, cutPercent: 76 }, certificate: null });
    const kwas = fail.report.result.kwas as { kwa: string; items: number; correct: number; label: string; band: { low: number; high: number } }[];
    expect(kwas.reduce((s, k) => s + k.correct, 0)).toBe(fail.report.result.rawScore);
    expect(kwas.reduce((s, k) => s + k.items, 0)).toBe(78);
    expect(kwas.find((k) => k.kwa === 'SAF-01')!.label).toBe('too-few-items');
    expect(fail.report.result.diagnosticNote).toMatch(/self-improvement/);
    expect(JSON.stringify(fail.report)).not.toMatch(/"key"|rationale|stem/);

    // Retake refused before the wait, with the reason and the next eligible date.
    clock.advance(10 * DAY);
    const refused = await t.app.inject({
      method: 'POST',
      url: '/api/sessions',
      headers: await loginAs(t.app, 'proctor'),
      payload: { candidateId: cand.id, module: 'SAF', testCenterId: fail.testCenterId, scheduledAt: clock.now().toISOString() },
    });
    expect(refused.statusCode).toBe(422);
    expect(refused.json().message).toMatch(/You failed Safety on 2026-03-02 \(first attempt\)\. You can retake it from 2026-03-17\./);
    expect(refused.json().details.nextEligibleDate).toBe('2026-03-17');
    // Back-dating the sitting to before the failure does not get round the wait.
    const backdated = await t.app.inject({
      method: 'POST',
      url: '/api/sessions',
      headers: await loginAs(t.app, 'proctor'),
      payload: { candidateId: cand.id, module: 'SAF', testCenterId: fail.testCenterId, scheduledAt: new Date(clock.now().getTime() - 12 * DAY).toISOString() },
    });
    expect(backdated.statusCode).toBe(422);

    clock.advance(6 * DAY);
    const pass = await sit('SAF', cand, 0.9);
    expect(pass.report.result.passed).toBe(true);
    expect(pass.report.certificate.verificationCode).toMatch(/^CPT-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);

    // Already certified: no retake for credit.
    const again = await t.app.inject({ method: 'POST', url: '/api/sessions', headers: await loginAs(t.app, 'proctor'), payload: { candidateId: cand.id, module: 'SAF', testCenterId: pass.testCenterId, scheduledAt: clock.now().toISOString() } });
    expect(again.statusCode).toBe(422);

    for (const m of ['QPM', 'MPP', 'MA']) {
      clock.advance(30 * DAY);
      expect((await sit(m, cand, 0.95)).report.result.passed).toBe(true);
    }
    const candAuth = await loginAs(t.app, cand.username, 'candidate-pass-1');
    const history = (await t.app.inject({ url: '/api/me/history', headers: candAuth })).json();
    expect(history.attempts).toHaveLength(5);
    expect(history.fullCpt.complete).toBe(true);
    const full = history.credentials.find((c: { kind: string }) => c.kind === 'full-cpt');
    expect(full).toMatchObject({ status: 'valid' });

    // Public verification: no sign-in, holder name, credential, dates, status — nothing else.
    const verified = await t.app.inject({ url: `/api/verify/${full.verificationCode.toLowerCase()}` });
    expect(verified.statusCode).toBe(200);
    expect(verified.json()).toEqual({
      verificationCode: full.verificationCode,
      holder: expect.stringMatching(/^Candidate /),
      credential: 'Certified Production Technician (CPT)',
      kind: 'full-cpt',
      module: null,
      issuedOn: full.issuedOn,
      validThrough: full.validThrough,
      status: 'valid',
      statusReason: null,
      statusChangedAt: null,
      badge: { issuer: expect.stringMatching(/\/api\/ob\/issuer$/), statusList: expect.stringMatching(/\/api\/ob\/status\/1$/), statusListIndex: expect.any(Number) },
    });
    expect(Number(full.validThrough.slice(0, 4)) - Number(full.issuedOn.slice(0, 4))).toBe(5);
    expect((await t.app.inject({ url: '/api/verify/CPT-0000-0000-0000' })).statusCode).toBe(404);
    expect((await t.app.inject({ url: '/api/verify/nonsense' })).statusCode).toBe(400);

    const pdf = await t.app.inject({ url: `/api/sessions/${pass.sessionId}/report.pdf`, headers: candAuth });
    expect(pdf.headers['content-type']).toBe('application/pdf');
    expect(pdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
    const certPdf = await t.app.inject({ url: `/api/credentials/${full.verificationCode}/certificate.pdf`, headers: candAuth });
    expect(certPdf.rawPayload.subarray(0, 5).toString()).toBe('%PDF-');
  }, 180_000);

  it('checks eligibility again at admission: a failure recorded since scheduling blocks the next sitting', async () => {
    const cand = await newCandidate(t.app);
    const second = await scheduleSession(t.app, { module: 'QPM', candidate: cand, scheduledAt: clock.now() });
    const first = await sit('QPM', cand, 0.1);
    expect(first.report.result.passed).toBe(false);
    const proctor = await loginAs(t.app, 'proctor');
    await t.app.inject({ method: 'POST', url: `/api/sessions/${second.sessionId}/check-in`, headers: await loginAs(t.app, cand.username, 'candidate-pass-1') });
    const admit = await t.app.inject({ method: 'POST', url: `/api/sessions/${second.sessionId}/admit`, headers: proctor, payload: { idConfirmed: true } });
    expect(admit.statusCode).toBe(422);
    expect(admit.json().message).toMatch(/You failed Quality Practices & Measurement on .* You can retake it from/);
  });

  it('records a terminated session as terminated and never passed', async () => {
    const s = await startedSession(t.app, { scheduledAt: clock.now() });
    const c = await ExamClient.open(base, s.candidate);
    const snap = await c.hello(s.sessionId);
    await Promise.all(snap.items.map((it) => c.answer(it.itemId, keys.get(it.itemId)!)));
    await t.app.inject({ method: 'POST', url: `/api/sessions/${s.sessionId}/terminate`, headers: s.proctor, payload: { category: 'prohibited-item', note: 'notes found on the desk' } });
    await c.waitFor('result-ready');
    const report = (await t.app.inject({ url: `/api/sessions/${s.sessionId}/report`, headers: s.candidate })).json();
    expect(report).toMatchObject({ endReason: 'terminated', result: { passed: false, rawScore: 78 }, certificate: null });
  });

  it('shows reports only to the candidate, their proctors and admins', async () => {
    const s = await startedSession(t.app, { scheduledAt: clock.now() });
    await t.app.inject({ method: 'POST', url: `/api/sessions/${s.sessionId}/terminate`, headers: s.proctor, payload: { category: 'disturbance', note: 'left the room' } });
    const other = await newCandidate(t.app);
    expect((await t.app.inject({ url: `/api/sessions/${s.sessionId}/report`, headers: other.auth })).statusCode).toBe(404);
    expect((await t.app.inject({ url: `/api/sessions/${s.sessionId}/report`, headers: s.proctor })).statusCode).toBe(200);
    expect((await t.app.inject({ url: `/api/sessions/${s.sessionId}/report`, headers: s.admin })).statusCode).toBe(200);
    expect((await t.app.inject({ url: `/api/sessions/${s.sessionId}/report`, headers: await loginAs(t.app, 'author') })).statusCode).toBe(403);
    const csv = await t.app.inject({ url: '/api/admin/results.csv', headers: s.admin });
    expect(csv.body.split('\n')[0]).toBe('candidate,candidate_name,session_id,module,state,ended_at,end_reason,raw_score,scored_items,percent,passed,test_center');
    expect((await t.app.inject({ url: '/api/admin/results.csv', headers: s.proctor })).statusCode).toBe(403);
  });

  it('rescoring after a key correction: dry run first, then one audited action that changes the score', async () => {
    const cand = await newCandidate(t.app);
    clock.advance(DAY);
    const s = await sit('MA', cand, 0.0); // everything wrong
    expect(s.report.result.passed).toBe(false);
    // Pretend the key of one delivered item was wrong: the author "corrects" it to the option this candidate chose.
    const saved = (await t.app.inject({ url: `/api/sessions/${s.sessionId}/responses`, headers: s.proctor })).json() as { itemId: string; optionId: string }[];
    const author = await loginAs(t.app, 'author');
    const bank = (await t.app.inject({ url: '/api/bank/export?module=MA', headers: author })).json();
    // A pretest item is unscored, so correcting its key changes no score: pick an operational one.
    const operational = new Set(bank.items.filter((i: { status: string }) => i.status === 'operational').map((i: { id: string }) => i.id));
    const target = saved.find((r) => operational.has(r.itemId))!;
    bank.items.find((i: { id: string }) => i.id === target.itemId).key = target.optionId;
    const imp = await t.app.inject({ method: 'POST', url: '/api/bank/import', headers: author, payload: { files: [{ name: 'fix.json', text: JSON.stringify(bank) }] } });
    expect(imp.json().summary.itemsChanged).toBe(1);
    const admin = await loginAs(t.app, 'admin');
    const dry = (await t.app.inject({ method: 'POST', url: '/api/admin/rescore', headers: admin, payload: { itemId: target.itemId, dryRun: true, reason: 'miskey reported by review' } })).json();
    expect(s.report.result.rawScore).toBe(0);
    expect(dry.changes.find((c: { sessionId: string }) => c.sessionId === s.sessionId)).toMatchObject({ before: { rawScore: 0 }, after: { rawScore: 1 } });
    expect((await t.app.inject({ url: `/api/sessions/${s.sessionId}/report`, headers: admin })).json().result.rawScore).toBe(0);
    const applied = (await t.app.inject({ method: 'POST', url: '/api/admin/rescore', headers: admin, payload: { itemId: target.itemId, dryRun: false, reason: 'miskey reported by review' } })).json();
    expect(applied.changes.length).toBeGreaterThan(0);
    expect((await t.app.inject({ url: `/api/sessions/${s.sessionId}/report`, headers: admin })).json().result.rawScore).toBe(1);
    const audit = await t.services.audit.forSubject('session', s.sessionId);
    expect(audit.map((a) => a.action)).toContain('session.rescored');
    expect((await t.app.inject({ method: 'POST', url: '/api/admin/rescore', headers: s.proctor, payload: { itemId: target.itemId, reason: 'x y z' } })).statusCode).toBe(403);
  });
});
