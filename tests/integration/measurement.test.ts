/**
 * Measurement end to end through the API (docs/measurement.md): candidates sit a published fixed form over the real
 * exam socket; an author calibrates the delivered sessions, an admin adopts the difficulties; a standard-setting study
 * is recorded by one person and approved by another; the next candidates are scored on the ability scale (raw cut from
 * the form's characteristic curve, scale score on the report); earlier results stay as they were; decision quality per
 * module and form, as JSON and CSV; every action audited.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, loginAs, type TestApp } from '../helpers/build-app.ts';
import { ExamClient } from '../helpers/exam-client.ts';
import { importSampleModule, newCandidate, startedSession } from '../helpers/session-fixture.ts';
import { DB_KINDS } from '../helpers/test-db.ts';
import { preEquatedRawCut, testCharacteristic, testInformation } from '../../server/src/modules/psychometrics/domain/pre-equating.ts';
import { upsertParameters } from '../../server/src/modules/psychometrics/measurement.repository.ts';

describe.each(DB_KINDS)('measurement on %s', (kind) => {
  let t: TestApp;
  let base: string;
  let author: { cookie: string };
  let admin: { cookie: string };
  const keys = new Map<string, string>();
  beforeAll(async () => {
    t = await buildTestApp(kind);
    await importSampleModule(t.services, 'item-bank/safety.json');
    base = await t.app.listen({ port: 0, host: '127.0.0.1' });
    author = await loginAs(t.app, 'author');
    admin = await loginAs(t.app, 'admin');
    for (const it of (await t.app.inject({ url: '/api/bank/items', headers: author })).json() as { id: string; content: { key: string } }[]) keys.set(it.id, it.content.key);
  });
  afterAll(() => t?.close());

  /** Sits the exam; `correct(i)` says whether the i-th item (by item id order) is answered with its key. */
  async function sit(correct: (i: number) => boolean) {
    const cand = await newCandidate(t.app);
    const s = await startedSession(t.app, { module: 'SAF', candidate: cand });
    const c = await ExamClient.open(base, s.candidate);
    const snap = await c.hello(s.sessionId);
    const ids = snap.items.map((it) => it.itemId).sort();
    await Promise.all(
      snap.items.map((it) => {
        const key = keys.get(it.itemId)!;
        return c.answer(it.itemId, correct(ids.indexOf(it.itemId)) ? key : it.options.find((o) => o.id !== key)!.id);
      }),
    );
    await c.request({ type: 'submit' });
    await c.waitFor('result-ready');
    c.close();
    return { ...s, report: (await t.app.inject({ url: `/api/sessions/${s.sessionId}/report`, headers: s.candidate })).json() };
  }

  it('calibrate, adopt, set the cut on the ability scale, score on it, and report decision quality', async () => {
    // An admin's build publishes at once (an author's would only propose the form).
    const built = await t.app.inject({ method: 'POST', url: '/api/forms/build', headers: admin, payload: { module: 'SAF', count: 1, publish: true, seed: 'measurement' } });
    expect(built.statusCode).toBe(201);

    // Eight candidates: half answer 3 in 4 right, half 1 in 2, in patterns that give every item both outcomes.
    const before = [];
    for (let k = 0; k < 8; k++) before.push(await sit((i) => (k < 4 ? (i + k) % 4 !== 0 : (i + k) % 2 === 0)));
    expect(before[0]!.report.result).toMatchObject({ rawCut: 60, cutPercent: 76 });
    expect(before[0]!.report.result.scale ?? null).toBeNull();

    // No scale yet: the author cannot anchor, and decision quality says why it has no accuracy.
    expect((await t.app.inject({ method: 'POST', url: '/api/measurement/calibrations', headers: author, payload: { module: 'SAF', kind: 'anchored' } })).json().message).toMatch(/no bank difficulties to anchor on/);
    const badKind = await t.app.inject({ method: 'POST', url: '/api/measurement/calibrations', headers: author, payload: { module: 'SAF', kind: 'joint' } });
    expect(badKind.statusCode).toBe(400);

    const run = await t.app.inject({ method: 'POST', url: '/api/measurement/calibrations', headers: author, payload: { module: 'SAF', kind: 'free' } });
    expect(run.statusCode).toBe(201);
    const r = run.json();
    expect(r).toMatchObject({ module: 'SAF', kind: 'free', sessions: 8, adoptedAt: null, drift: null });
    const scored = r.items.filter((i: { role: string }) => i.role === 'scored');
    expect(scored).toHaveLength(78);
    expect(scored.every((i: { status: string; se: number }) => i.status === 'estimated' && i.se > 0)).toBe(true);
    expect(Math.abs(r.items.filter((i: { difficulty: number | null }) => i.difficulty !== null).reduce((s: number, i: { difficulty: number }) => s + i.difficulty, 0))).toBeLessThan(1e-6);
    expect((await t.app.inject({ url: '/api/measurement/calibrations?module=SAF', headers: author })).json()).toHaveLength(1);
    expect((await t.app.inject({ url: `/api/measurement/calibrations/${r.id}`, headers: author })).json().items).toHaveLength(r.items.length);

    // Adoption is an admin's decision.
    expect((await t.app.inject({ method: 'POST', url: `/api/measurement/calibrations/${r.id}/adopt`, headers: author, payload: {} })).statusCode).toBe(403);
    const unknown = await t.app.inject({ method: 'POST', url: `/api/measurement/calibrations/${r.id}/adopt`, headers: admin, payload: { itemIds: ['NOPE-1'] } });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().message).toContain('NOPE-1');
    // The free run establishes the scale with the operational items; the pretest items join through an anchored run.
    const scoredIds = (scored as { itemId: string }[]).map((i) => i.itemId).sort();
    const pretestIds = (r.items as { itemId: string; role: string; status: string }[]).filter((i) => i.role === 'pretest' && i.status === 'estimated').map((i) => i.itemId).sort();
    expect(pretestIds.length).toBeGreaterThan(0);
    const adopted = await t.app.inject({ method: 'POST', url: `/api/measurement/calibrations/${r.id}/adopt`, headers: admin, payload: { itemIds: scoredIds } });
    expect(adopted.json()).toEqual({ adopted: scoredIds });
    // A second free run would be on its own scale: refused once the bank has difficulties.
    const again = (await t.app.inject({ method: 'POST', url: '/api/measurement/calibrations', headers: author, payload: { module: 'SAF', kind: 'free' } })).json();
    expect((await t.app.inject({ method: 'POST', url: `/api/measurement/calibrations/${again.id}/adopt`, headers: admin, payload: {} })).json().message).toMatch(/already has bank difficulties/);
    // An anchored run: the operational items hold their difficulties, the pretest items are estimated on their scale,
    // and the operational items' drift is reported (the same data: no drift).
    const anchored = (await t.app.inject({ method: 'POST', url: '/api/measurement/calibrations', headers: author, payload: { module: 'SAF', kind: 'anchored' } })).json();
    expect(anchored.kind).toBe('anchored');
    expect(anchored.items.filter((i: { status: string }) => i.status === 'anchored').map((i: { itemId: string }) => i.itemId).sort()).toEqual(scoredIds);
    expect(anchored.drift.items).toHaveLength(78);
    expect(anchored.drift.items.some((d: { flagged: boolean }) => d.flagged)).toBe(false);
    expect(Math.abs(anchored.drift.shift)).toBeLessThan(0.5);
    const joined = await t.app.inject({ method: 'POST', url: `/api/measurement/calibrations/${anchored.id}/adopt`, headers: admin, payload: {} });
    expect(joined.json()).toEqual({ adopted: pretestIds });
    const params = (await t.app.inject({ url: '/api/measurement/parameters?module=SAF', headers: author })).json() as { itemId: string; difficulty: number }[];
    expect(params).toHaveLength(78 + pretestIds.length);
    const difficulty = new Map(params.map((p) => [p.itemId, p.difficulty]));

    // The standard-setting study: recorded by the author, approved by an admin, never by its recorder.
    const study = { method: 'modified Angoff, 2 rounds', date: '2026-11-20', panelSize: 8, summary: 'Eight SMEs; cut at the ability of the minimally competent technician.' };
    const badScale = await t.app.inject({ method: 'POST', url: '/api/measurement/scales', headers: author, payload: { module: 'SAF', thetaCut: 0, scale: { min: 100, max: 900, cut: 950, perLogit: 100 }, study } });
    expect(badScale.statusCode).toBe(400);
    expect(badScale.body).toContain('min < cut <= max');
    const v1 = await t.app.inject({ method: 'POST', url: '/api/measurement/scales', headers: author, payload: { module: 'SAF', thetaCut: 0, scale: { min: 100, max: 900, cut: 700, perLogit: 100 }, study } });
    expect(v1.statusCode).toBe(201);
    expect(v1.json()).toMatchObject({ version: 1, approvedAt: null, active: false });
    expect((await t.app.inject({ method: 'POST', url: '/api/measurement/scales/SAF/1/approve', headers: author, payload: {} })).statusCode).toBe(403);
    const approved = await t.app.inject({ method: 'POST', url: '/api/measurement/scales/SAF/1/approve', headers: admin, payload: {} });
    expect(approved.json()).toMatchObject({ version: 1, active: true });
    const v2 = (await t.app.inject({ method: 'POST', url: '/api/measurement/scales', headers: admin, payload: { module: 'SAF', thetaCut: 0.5, scale: { min: 100, max: 900, cut: 700, perLogit: 100 }, study } })).json();
    expect((await t.app.inject({ method: 'POST', url: `/api/measurement/scales/SAF/${v2.version}/approve`, headers: admin, payload: {} })).json().message).toMatch(/cannot also approve/);

    // The form's raw-to-ability table and raw cut on the scale.
    const formId = before[0]!.report.formId as string;
    const fm = (await t.app.inject({ url: `/api/measurement/forms/${formId}`, headers: author })).json();
    expect(fm).toMatchObject({ formId, scoredItems: 78, uncalibrated: [], thetaCut: 0, scaleVersion: 1 });
    expect(fm.rawCut).toBe(preEquatedRawCut(scoredIds.map((id) => difficulty.get(id)!), 0));
    expect(fm.table).toHaveLength(79);
    expect(fm.table[fm.rawCut].scaleScore).toBeGreaterThanOrEqual(700);
    expect(fm.table[fm.rawCut - 1].scaleScore).toBeLessThan(700);

    // A fixed form built now states the scale facts in its certificate (the same seed draws the same, calibrated items).
    const rebuilt = (await t.app.inject({ method: 'POST', url: '/api/forms/build', headers: admin, payload: { module: 'SAF', count: 1, publish: false, seed: 'measurement' } })).json();
    const cert = (await t.app.inject({ url: `/api/forms/${rebuilt.formIds[0]}`, headers: author })).json().certificate;
    expect(cert.measurement).toMatchObject({ scaleVersion: 1, thetaCut: 0, rawCut: fm.rawCut });
    expect(cert.measurement.informationAtCut).toBeCloseTo(fm.informationAtCut, 10);
    expect(cert.measurement.expectedRawAtCut).toBeCloseTo(fm.expectedRawAtCut, 10);

    // Forms compared (the parallel-forms check): the same form twice differs by nothing.
    const cmp = await t.app.inject({ url: `/api/measurement/forms/compare?ids=${formId},${formId}&tolerance=0.5`, headers: author });
    expect(cmp.json()).toMatchObject({ thetaCut: 0, scaleVersion: 1, reference: formId, tolerance: 0.5 });
    expect(cmp.json().forms[1]).toMatchObject({ formId, scoredItems: 78, rawCut: fm.rawCut, maxTccDifference: 0, withinTolerance: true });
    expect(cmp.json().forms[1].informationAtCut).toBeCloseTo(fm.informationAtCut, 10);
    const badIds = await t.app.inject({ url: `/api/measurement/forms/compare?ids=${formId}`, headers: author });
    expect(badIds.statusCode).toBe(400);
    expect(badIds.body).toContain('ids must be 2 to 20 form ids separated by commas');

    // New sessions score on the scale; the earlier results are unchanged.
    const strong = await sit((i) => i % 8 !== 0);
    expect(strong.report.result).toMatchObject({ rawCut: fm.rawCut, passed: true, scale: { cut: 700, min: 100, max: 900, version: 1 } });
    expect(strong.report.result.scale.score).toBe(fm.table[strong.report.result.rawScore].scaleScore);
    const weak = await sit((i) => i % 3 === 0);
    expect(weak.report.result).toMatchObject({ passed: false });
    expect(weak.report.result.scale.score).toBeLessThan(700);
    const old = (await t.app.inject({ url: `/api/sessions/${before[0]!.sessionId}/report`, headers: admin })).json();
    expect(old.result).toEqual(before[0]!.report.result);

    // Decision quality per module and form; the CSV says the same.
    expect((await t.app.inject({ url: '/api/measurement/decision-quality?module=SAF', headers: author })).statusCode).toBe(403);
    const dq = (await t.app.inject({ url: '/api/measurement/decision-quality?module=SAF', headers: admin })).json();
    expect(dq).toMatchObject({ module: 'SAF', thetaCut: 0, scaleVersion: 1, excluded: 0 });
    expect(dq.overall.candidates).toBe(10);
    // The 3-in-4 candidates failed the 76% cut but are above the ability cut: the report counts them.
    const wouldPass = before.filter((b) => b.report.result.rawScore >= fm.rawCut && !b.report.result.passed).length;
    expect(dq.recordedOtherwise).toBe(wouldPass);
    expect(dq.overall.passRate).toBeCloseTo((before.filter((b) => b.report.result.rawScore >= fm.rawCut).length + 1) / 10, 10);
    expect(dq.overall.accuracy).toBeGreaterThan(0.5);
    expect(dq.overall.accuracy).toBeLessThanOrEqual(1);
    expect(dq.overall.consistency).toBeLessThanOrEqual(dq.overall.accuracy + 1e-12);
    expect(dq.forms).toHaveLength(1);
    expect(dq.forms[0].csemAtCut).toBeCloseTo(fm.csemAtCut, 10);
    expect(dq.passRates.reduce((s: number, m: { candidates: number }) => s + m.candidates, 0)).toBe(10);
    const csv = await t.app.inject({ url: '/api/measurement/decision-quality.csv?module=SAF', headers: admin });
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    const lines = csv.body.trim().split('\n');
    expect(lines[0]).toBe('module,form,candidates,pass_rate,accuracy,consistency,false_positive,false_negative,csem_at_cut,theta_cut,scale_version');
    expect(lines[1]).toBe(`SAF,ALL,10,${dq.overall.passRate.toFixed(4)},${dq.overall.accuracy.toFixed(4)},${dq.overall.consistency.toFixed(4)},${dq.overall.falsePositive.toFixed(4)},${dq.overall.falseNegative.toFixed(4)},${dq.overall.csemAtCut.toFixed(4)},0.0000,1`);

    const audit = await t.services.audit.byAction('measurement.calibrated');
    expect(audit.length).toBe(3);
    expect((await t.services.audit.byAction('measurement.difficulties-adopted')).length).toBe(2);
    for (const action of ['measurement.difficulties-adopted', 'measurement.scale-recorded', 'measurement.scale-approved']) expect((await t.services.audit.byAction(action)).length).toBeGreaterThan(0);
  }, 720_000);

  it('with every operational item calibrated, forms are assembled to the information target at the cut and certificates state it', async () => {
    // Runs after the test above: scale v1 (θ_cut 0) is approved. Items never delivered cannot be calibrated from
    // sessions, so the rest of the bank gets difficulties here as an adopted run (e.g. of field-test data) would give.
    const runId = ((await t.app.inject({ url: '/api/measurement/calibrations?module=SAF', headers: author })).json() as { id: string }[])[0]!.id;
    const have = new Set(((await t.app.inject({ url: '/api/measurement/parameters?module=SAF', headers: author })).json() as { itemId: string }[]).map((p) => p.itemId));
    const bank = (await t.app.inject({ url: '/api/bank/items', headers: author })).json() as { id: string; module: string; status: string }[];
    const missing = bank.filter((it) => it.module === 'SAF' && it.status === 'operational' && !have.has(it.id));
    expect(missing.length).toBeGreaterThan(0);
    // Before: an uncalibrated operational item means no target, and the preview says why.
    const before = (await t.app.inject({ method: 'POST', url: '/api/forms/preview', headers: author, payload: { module: 'SAF', seed: 'target' } })).json();
    expect(before.form.measurement).toBeNull();
    expect(before.form.notes.join(' ')).toMatch(/Assembly to the information target was not applied: \d+ operational items have no Rasch difficulty/);
    await upsertParameters(
      t.database.db,
      missing.map((it, i) => ({ itemId: it.id, module: 'SAF' as const, difficulty: Math.round(Math.sin(i * 2.1) * 2000) / 1000, se: 0.2, n: 500, runId, adoptedAt: new Date() })),
    );
    const params = new Map(((await t.app.inject({ url: '/api/measurement/parameters?module=SAF', headers: author })).json() as { itemId: string; difficulty: number }[]).map((p) => [p.itemId, p.difficulty]));

    const preview = (await t.app.inject({ method: 'POST', url: '/api/forms/preview', headers: author, payload: { module: 'SAF', seed: 'target' } })).json();
    const m = preview.certificate.measurement;
    const bs = (preview.form.items as { itemId: string; role: string }[]).filter((f) => f.role === 'scored').map((f) => params.get(f.itemId)!);
    expect(m.thetaCut).toBe(0);
    expect(m.informationAtCut).toBeCloseTo(testInformation(bs, 0), 9);
    expect(m.expectedRawAtCut).toBeCloseTo(testCharacteristic(bs, 0), 9);
    expect(m.rawCut).toBe(preEquatedRawCut(bs, 0));
    expect(m.targetInformation).toBeCloseTo(0.9 * m.bankMaxInformation, 9);
    expect(m.informationAtCut).toBeGreaterThanOrEqual(m.targetInformation - 1e-9);
    expect(preview.form.softGoals.find((g: { id: string }) => g.id === 'information-at-cut')).toMatchObject({ met: true });

    const built = (await t.app.inject({ method: 'POST', url: '/api/forms/build', headers: admin, payload: { module: 'SAF', count: 2, maxOverlapPct: 30, publish: false, seed: 'target' } })).json();
    expect(built.checks, JSON.stringify(built)).toBeDefined();
    expect(built.checks.find((c: { id: string }) => c.id === 'tcc-match')).toMatchObject({ met: true, required: 'expected raw scores within 0.500 of each other' });
    const certs = await Promise.all((built.formIds as string[]).map(async (id) => (await t.app.inject({ url: `/api/forms/${id}/certificate`, headers: author })).json()));
    for (const c of certs) {
      expect(c.measurement).toMatchObject({ scaleVersion: 1, thetaCut: 0 });
      // Matching the curves (a hard check of the set) may cost information (a soft goal): the certificate says which.
      const goal = c.softGoals.find((g: { id: string }) => g.id === 'information-at-cut');
      expect(goal.met).toBe(c.measurement.informationAtCut >= c.measurement.targetInformation - 1e-9);
      expect(goal.achieved).toContain(`raw cut ${c.measurement.rawCut}`);
    }
    const cmp = (await t.app.inject({ url: `/api/measurement/forms/compare?ids=${built.formIds.join(',')}&tolerance=0.5`, headers: author })).json();
    for (const f of cmp.forms) expect(f.withinTolerance).toBe(true);
  }, 600_000);
});
