import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, loginAs, type TestApp } from '../helpers/build-app.ts';
import { importSampleModule, startedSession } from '../helpers/session-fixture.ts';
import { DB_KINDS } from '../helpers/test-db.ts';

describe.each(DB_KINDS)('forms on %s', (kind) => {
  let t: TestApp;
  let author: { cookie: string };
  beforeAll(async () => {
    t = await buildTestApp(kind);
    await importSampleModule(t.services, 'item-bank/safety.json');
    await importSampleModule(t.services, 'item-bank/green.json');
    author = await loginAs(t.app, 'author');
  });
  afterAll(() => t?.close());

  const preview = (seed: string, module = 'SAF') => t.app.inject({ method: 'POST', url: '/api/forms/preview', headers: author, payload: { module, seed } });

  it('assembles the same form from the same seed, a different one from another, with every constraint certified', async () => {
    const a = await preview('audit-2026');
    const b = await preview('audit-2026');
    const c = await preview('another-seed');
    expect(a.statusCode).toBe(200);
    expect(a.body).toBe(b.body);
    expect(a.json().form.items).not.toEqual(c.json().form.items);
    const cert = a.json().certificate;
    expect(cert).toMatchObject({ module: 'SAF', blueprintVersion: '2026.1', seed: 'audit-2026', algorithmVersion: 'cpt-ata-1', formLength: 86, scoredItems: 78, pretestItems: 8, allConstraintsMet: true });
    expect(cert.bankRevision).toBeGreaterThan(0);
    expect(cert.constraints.length).toBeGreaterThan(10);
    expect(cert.constraints.every((x: { met: boolean; required: string; achieved: string }) => x.met && x.required && x.achieved)).toBe(true);
    expect(JSON.stringify(a.json().form.items[0])).toMatch(/"optionOrder":\["[A-D]","[A-D]","[A-D]","[A-D]"\]/);
  });

  it('builds parallel fixed forms, publishes them once, and assigns one at admission', async () => {
    const built = await t.app.inject({ method: 'POST', url: '/api/forms/build', headers: author, payload: { module: 'GRN', count: 2, maxOverlapPct: 25, publish: false } });
    expect(built.statusCode).toBe(201);
    const { formIds, pairwiseOverlap } = built.json();
    expect(pairwiseOverlap[0][1]).toBeLessThanOrEqual(22);
    // An author's publish is a proposal; an admin's publish makes the form live.
    const admin = await loginAs(t.app, 'admin');
    for (const id of formIds) expect((await t.app.inject({ method: 'POST', url: `/api/forms/${id}/publish`, headers: author })).json()).toEqual({ status: 'proposed' });
    for (const id of formIds) expect((await t.app.inject({ method: 'POST', url: `/api/forms/${id}/publish`, headers: admin })).json()).toEqual({ status: 'published' });
    const again = await t.app.inject({ method: 'POST', url: `/api/forms/${formIds[0]}/publish`, headers: author });
    expect(again.statusCode).toBe(409);
    const cert = await t.app.inject({ url: `/api/forms/${formIds[0]}/certificate`, headers: author });
    expect(cert.headers['content-disposition']).toMatch(/attachment; filename="form-.*-certificate\.json"/);
    expect(cert.json()).toMatchObject({ status: 'published', kind: 'fixed', allConstraintsMet: true, siblings: [{ sharedItems: pairwiseOverlap[0][1] }] });

    const s = await startedSession(t.app, { module: 'GRN' });
    const audit = await t.services.audit.forSubject('session', s.sessionId);
    const admitted = audit.find((a) => a.action === 'session.admitted')!;
    expect(admitted.details).toMatchObject({ formKind: 'fixed' });
    expect(formIds).toContain(admitted.details.formId);
  });

  it('reads the overlap cap as a percent: 1% allows at most one shared item, so two forms cannot be built from this bank', async () => {
    const r = await t.app.inject({ method: 'POST', url: '/api/forms/build', headers: author, payload: { module: 'GRN', count: 2, maxOverlapPct: 1 } });
    expect(r.statusCode).toBe(422);
  });

  it('explains an infeasible blueprint in words an author acts on', async () => {
    const items = (await t.app.inject({ url: '/api/bank/items?module=SAF&kwa=SAF-01&status=operational', headers: author })).json() as { id: string }[];
    for (const it of items.slice(0, 6)) await t.app.inject({ method: 'POST', url: `/api/bank/items/${it.id}/retire`, headers: author });
    const r = await preview('after-retiring');
    expect(r.statusCode).toBe(422);
    const body = r.json();
    expect(body.code).toBe('RULE_VIOLATION');
    const shortage = body.details.shortages.find((s: { kwa: string }) => s.kwa === 'SAF-01');
    expect(shortage).toMatchObject({ needed: 4, eligible: 2, lostTo: { retired: 6 } });
    expect(shortage.message).toBe('KWA SAF-01 needs 4 scored items but only 2 operational items are eligible: 6 retired');
  });

  it('keeps forms to authors and admins', async () => {
    for (const who of ['candidate', 'proctor']) {
      const h = await loginAs(t.app, who);
      expect((await t.app.inject({ method: 'POST', url: '/api/forms/preview', headers: h, payload: { module: 'SAF', seed: 'x' } })).statusCode).toBe(403);
      expect((await t.app.inject({ url: '/api/forms', headers: h })).statusCode).toBe(403);
    }
    const bad = await t.app.inject({ method: 'POST', url: '/api/forms/build', headers: author, payload: { module: 'XX', count: 50 } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().problems.map((p: { pointer: string }) => p.pointer).sort()).toEqual(['/body/count', '/body/module']);
  });
});
