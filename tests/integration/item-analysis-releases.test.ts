/**
 * #19 Item analysis per bank release, through HTTP: sessions record the release their form came from, and
 * GET /api/bank/analysis?release=… analyses only those sessions. Two live-bank candidates answer every question right
 * and two candidates of a release answer every question wrong, so each filter has numbers known in advance: p is 1 for
 * every item of the live bank and 0 for every item of the release, exposure and its rate count only the filtered
 * sessions, and the retirement signals follow (too easy / too hard). PGlite and PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { buildTestApp, loginAs, type TestApp } from '../helpers/build-app.ts';
import { ExamClient } from '../helpers/exam-client.ts';
import { importSampleModule, startedSession } from '../helpers/session-fixture.ts';
import { DB_KINDS } from '../helpers/test-db.ts';

type Item = { itemId: string; n: number; p: number | null; exposure: number; exposureRate: number | null; overExposed: boolean; releases: { id: string | null; name: string | null; candidates: number }[]; suggestion: { reasons: { code: string }[] } | null };

describe.each(DB_KINDS)('item analysis per bank release on %s', { timeout: 240_000 }, (kind) => {
  let t: TestApp;
  let base: string;
  let author: { cookie: string };
  let keys: Map<string, string>;
  beforeAll(async () => {
    t = await buildTestApp(kind);
    await importSampleModule(t.services, 'item-bank/green.json');
    base = await t.app.listen({ port: 0, host: '127.0.0.1' });
    author = await loginAs(t.app, 'author');
    keys = new Map(((await t.app.inject({ url: '/api/bank/items?module=GRN', headers: author })).json() as { id: string; content: { key: string } }[]).map((i) => [i.id, i.content.key]));
  }, 300_000);
  afterAll(() => t?.close());

  /** A GRN sitting answering every question right or every question wrong; returns the items it was presented. */
  async function sit(right: boolean): Promise<string[]> {
    const s = await startedSession(t.app, { module: 'GRN' });
    const c = await ExamClient.open(base, s.candidate);
    const snap = await c.hello(s.sessionId);
    await Promise.all(snap.items.map((it) => c.answer(it.itemId, right ? keys.get(it.itemId)! : it.options.find((o) => o.id !== keys.get(it.itemId))!.id)));
    await c.request({ type: 'submit' });
    await c.waitFor('result-ready');
    c.close();
    return snap.items.map((i) => i.itemId);
  }
  const analysis = async (query = '') => {
    const r = await t.app.inject({ url: `/api/bank/analysis?module=GRN&maxExposureRate=0.9${query}`, headers: author });
    expect(r.statusCode, r.body).toBe(200);
    return r.json() as { sessions: number; items: Item[]; releases: { id: string | null; name: string | null; sessions: number }[]; scope: { release: string | null; name: string | null } };
  };
  const seenBy = (forms: string[][], id: string) => forms.filter((f) => f.includes(id)).length;

  it('filters the statistics, the exposure and the retirement signals by the release the sessions were assembled from', async () => {
    const live = [await sit(true), await sit(true)];
    const admin = await loginAs(t.app, 'admin');
    const made = await t.app.inject({ method: 'POST', url: '/api/bank/releases', headers: author, payload: { name: 'GRN stats release', modules: ['GRN'] } });
    expect(made.statusCode, made.body).toBe(201);
    const release = { id: made.json().release.id as string, name: 'GRN stats release' };
    expect((await t.app.inject({ method: 'POST', url: `/api/authoring/proposals/release/${release.id}/approve`, headers: admin, payload: {} })).statusCode).toBe(200);
    const released = [await sit(false), await sit(false)];
    // Every session is scored once its result is ready; on PostgreSQL the score row can land a moment later.
    await vi.waitFor(async () => expect((await analysis()).sessions).toBe(4), { timeout: 15_000, interval: 200 });

    const all = await analysis();
    expect(all.scope).toEqual({ release: null, name: null });
    expect(all.releases).toEqual(expect.arrayContaining([{ id: null, name: null, sessions: 2 }, { ...release, sessions: 2 }]));
    for (const i of all.items) {
      const fromLive = seenBy(live, i.itemId);
      const fromRelease = seenBy(released, i.itemId);
      expect(i.n).toBe(fromLive + fromRelease);
      expect(i.p).toBeCloseTo(fromLive / (fromLive + fromRelease), 10);
      expect(i.exposureRate).toBeCloseTo((fromLive + fromRelease) / 4, 10);
      expect(i.releases).toEqual([...(fromLive ? [{ id: null, name: null, candidates: fromLive }] : []), ...(fromRelease ? [{ ...release, candidates: fromRelease }] : [])]);
    }

    const onlyRelease = await analysis(`&release=${release.id}`);
    expect(onlyRelease.scope).toEqual({ release: release.id, name: release.name });
    expect(onlyRelease.sessions).toBe(2);
    // The filter does not narrow the choices.
    expect(onlyRelease.releases).toEqual(all.releases);
    expect(onlyRelease.items.map((i) => i.itemId).sort()).toEqual([...new Set(released.flat())].sort());
    for (const i of onlyRelease.items) {
      expect(i).toMatchObject({ n: seenBy(released, i.itemId), p: 0, exposure: seenBy(released, i.itemId), releases: [{ ...release, candidates: seenBy(released, i.itemId) }] });
      expect(i.exposureRate).toBeCloseTo(seenBy(released, i.itemId) / 2, 10);
      // Over-exposed (rate > 0.9) only when both release candidates saw the item: the denominator is the release's 2.
      expect(i.overExposed).toBe(seenBy(released, i.itemId) === 2);
      const codes = i.suggestion?.reasons.map((r) => r.code) ?? [];
      expect(codes).toContain('TOO_HARD');
      expect(codes).not.toContain('TOO_EASY');
      expect(codes.includes('OVER_EXPOSED')).toBe(i.overExposed);
    }

    const onlyLive = await analysis('&release=live');
    expect(onlyLive.scope).toEqual({ release: 'live', name: null });
    expect(onlyLive.sessions).toBe(2);
    expect(onlyLive.items.map((i) => i.itemId).sort()).toEqual([...new Set(live.flat())].sort());
    for (const i of onlyLive.items) {
      expect(i).toMatchObject({ n: seenBy(live, i.itemId), p: 1, releases: [{ id: null, name: null, candidates: seenBy(live, i.itemId) }] });
      expect(i.suggestion?.reasons.map((r) => r.code)).toContain('TOO_EASY');
    }

    // An unknown release is 404; a value that is neither an id nor "live" is 400.
    expect((await t.app.inject({ url: '/api/bank/analysis?module=GRN&release=00000000-0000-4000-8000-000000000000', headers: author })).statusCode).toBe(404);
    expect((await t.app.inject({ url: '/api/bank/analysis?module=GRN&release=latest', headers: author })).statusCode).toBe(400);
  });
});
