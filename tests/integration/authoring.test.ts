import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, loginAs, type TestApp } from '../helpers/build-app.ts';
import { ExamClient } from '../helpers/exam-client.ts';
import { importSampleModule, startedSession } from '../helpers/session-fixture.ts';
import { DB_KINDS } from '../helpers/test-db.ts';

describe.each(DB_KINDS)('authoring on %s', (kind) => {
  let t: TestApp;
  let base: string;
  let author: { cookie: string };
  beforeAll(async () => {
    t = await buildTestApp(kind);
    await importSampleModule(t.services, 'item-bank/green.json');
    base = await t.app.listen({ port: 0, host: '127.0.0.1' });
    author = await loginAs(t.app, 'author');
  });
  afterAll(() => t?.close());

  it('edits an item into a new version, keeps delivered versions, retires, and previews without the key', async () => {
    const before = (await t.app.inject({ url: '/api/bank/items?module=GRN&kwa=GRN-03', headers: author })).json() as { id: string; version: number }[];
    const id = before[0]!.id;
    const edit = await t.app.inject({ method: 'PUT', url: `/api/bank/items/${id}`, headers: author, payload: { stem: 'Which change usually saves the most energy in a compressed-air system?' } });
    expect(edit.statusCode).toBe(200);
    expect(edit.json()).toMatchObject({ id, change: 'changed', version: 2 });
    const bad = await t.app.inject({ method: 'PUT', url: `/api/bank/items/${id}`, headers: author, payload: { key: 'E' } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().problems[0].message).toMatch(/key "E" is not one of the options/);
    const untouched = (await t.app.inject({ method: 'PUT', url: `/api/bank/items/${before[2]!.id}`, headers: author, payload: {} })).json();
    expect(untouched).toMatchObject({ change: 'unchanged', version: 1 });
    const [item2] = (await t.app.inject({ url: `/api/bank/items?module=GRN`, headers: author })).json().filter((i: { id: string }) => i.id === before[2]!.id);
    expect(item2.content.topics.length).toBeGreaterThan(0);
    const retired = await t.app.inject({ method: 'POST', url: `/api/bank/items/${id}/retire`, headers: author });
    expect(retired.json()).toMatchObject({ change: 'retired', version: 2 });
    const preview = (await t.app.inject({ url: `/api/bank/items/${before[1]!.id}/preview`, headers: author })).json();
    expect(Object.keys(preview).sort()).toEqual(['itemId', 'options', 'stem']);
    expect(JSON.stringify(preview)).not.toContain('"key"');
    expect((await t.app.inject({ url: `/api/bank/items/${id}/preview`, headers: await loginAs(t.app, 'candidate') })).statusCode).toBe(403);
  });

  it('reports coverage per KWA against the blueprint and the number of disjoint forms', async () => {
    const cov = (await t.app.inject({ url: '/api/bank/coverage', headers: author })).json();
    const grn = cov.find((c: { module: string }) => c.module === 'GRN');
    expect(grn.kwas).toHaveLength(8);
    const k = grn.kwas.find((x: { kwa: string }) => x.kwa === 'GRN-01');
    expect(k).toMatchObject({ needed: 8, operational: 15 });
    expect(grn.disjointForms).toBe(1);
  });

  it('analyses delivered responses: statistics, exposure and flags per item', async () => {
    const author2 = await loginAs(t.app, 'author');
    const keys = new Map(((await t.app.inject({ url: '/api/bank/items?module=GRN', headers: author2 })).json() as { id: string; content: { key: string } }[]).map((i) => [i.id, i.content.key]));
    for (const share of [0.2, 0.5, 0.9]) {
      const s = await startedSession(t.app, { module: 'GRN' });
      const c = await ExamClient.open(base, s.candidate);
      const snap = await c.hello(s.sessionId);
      const n = Math.round(snap.items.length * share);
      await Promise.all(snap.items.map((it, i) => c.answer(it.itemId, i < n ? keys.get(it.itemId)! : it.options.find((o) => o.id !== keys.get(it.itemId))!.id)));
      await c.request({ type: 'submit' });
      await c.waitFor('result-ready');
      c.close();
    }
    const a = (await t.app.inject({ url: '/api/bank/analysis?module=GRN', headers: author })).json();
    expect(a.sessions).toBe(3);
    const stat = a.items[0];
    expect(stat).toMatchObject({ exposure: expect.any(Number), n: expect.any(Number), options: expect.any(Array) });
    expect(a.items.every((i: { exposure: number; n: number }) => i.exposure === i.n)).toBe(true);
    expect(a.items.some((i: { role: string }) => i.role === 'pretest')).toBe(true);
    // Exposure: distinct delivered forms and candidates; with 3 candidates every item is above the 0.25 default.
    type Exposed = { itemId: string; exposure: number; forms: number; exposureRate: number; overExposed: boolean; suggestion: { action: string; reasons: { code: string; value: number; threshold: number }[] } | null };
    expect(a.exposurePolicy).toEqual({ maxExposureRate: 0.25 });
    for (const i of a.items as Exposed[]) {
      expect(i.forms).toBeGreaterThanOrEqual(1);
      expect(i.forms).toBeLessThanOrEqual(i.exposure);
      expect(i.exposureRate).toBeCloseTo(i.exposure / 3, 10);
      expect(i.overExposed).toBe(true);
      expect(i.suggestion!.action).toBe('retire');
      expect(i.suggestion!.reasons[0]).toMatchObject({ code: 'OVER_EXPOSED', value: i.exposureRate, threshold: 0.25 });
    }
    const lenient = (await t.app.inject({ url: '/api/bank/analysis?module=GRN&maxExposureRate=1', headers: author })).json();
    expect(lenient.exposurePolicy).toEqual({ maxExposureRate: 1 });
    expect((lenient.items as Exposed[]).every((i) => !i.overExposed && !i.suggestion?.reasons.some((r) => r.code === 'OVER_EXPOSED'))).toBe(true);
    // The statistical reasons remain, each with the value the analysis reports for the item.
    for (const i of lenient.items as (Exposed & { p: number | null; correctedPointBiserial: number | null })[]) {
      for (const r of i.suggestion?.reasons ?? []) {
        if (r.code === 'TOO_HARD' || r.code === 'TOO_EASY') expect(r.value).toBe(i.p);
        if (r.code === 'LOW_DISCRIMINATION' || r.code === 'NEGATIVE_DISCRIMINATION') expect(r.value).toBe(i.correctedPointBiserial);
      }
    }
    const badRate = await t.app.inject({ url: '/api/bank/analysis?module=GRN&maxExposureRate=2', headers: author });
    expect(badRate.statusCode).toBe(400);
    expect(JSON.stringify(badRate.json())).toContain('maxExposureRate');
    expect((await t.app.inject({ url: '/api/bank/analysis?module=GRN', headers: await loginAs(t.app, 'proctor') })).statusCode).toBe(403);
  });
});
