/**
 * Bank releases through HTTP (docs/authoring.md, "Bank releases"): an author proposes, a second person (an admin)
 * approves; assembly then draws only from the release's pinned item versions, even after items are edited; sessions
 * and forms record the release, and reports show it. PGlite and PostgreSQL.
 */
import { readFileSync } from 'node:fs';
import { eq } from 'drizzle-orm';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { examSessions } from '../../server/src/db/schema/index.ts';
import type { TestApp } from '../helpers/build-app.ts';
import { greenAuthoringApp, scheduleSession, startedSession } from '../helpers/session-fixture.ts';
import { DB_KINDS } from '../helpers/test-db.ts';

const green = JSON.parse(readFileSync('item-bank/green.json', 'utf8')) as { items: { id: string; stem: string; status: string }[] };

describe.each(DB_KINDS)('bank releases on %s', (kind) => {
  const app = greenAuthoringApp(kind);
  let t: TestApp;
  let author: { cookie: string };
  let admin: { cookie: string };
  let ids: { author: string; admin: string };
  let first: { id: string; name: string };
  beforeAll(() => void ({ t, author, admin, ids } = app));

  const liveGrn = green.items.filter((i) => i.status === 'operational' || i.status === 'pretest');
  const propose = (headers: { cookie: string }, payload: Record<string, unknown>) => t.app.inject({ method: 'POST', url: '/api/bank/releases', headers, payload });
  /** The (item, version) pairs of an admitted session's form, and the release it recorded. */
  async function admittedForm() {
    const s = await startedSession(t.app, { module: 'GRN' });
    const [row] = await t.database.db.select({ formId: examSessions.formId, releaseId: examSessions.releaseId }).from(examSessions).where(eq(examSessions.id, s.sessionId));
    const form = (await t.app.inject({ url: `/api/forms/${row!.formId}`, headers: author })).json() as { releaseId: string | null; items: { itemId: string; version: number }[] };
    return { session: s, releaseId: row!.releaseId, form };
  }

  it('without a release, exams draw from the live bank and record no release', async () => {
    expect((await t.app.inject({ url: '/api/bank/releases', headers: author })).json()).toEqual([]);
    const { releaseId, form, session } = await admittedForm();
    expect(releaseId).toBeNull();
    expect(form.releaseId).toBeNull();
    expect((await t.app.inject({ url: `/api/sessions/${session.sessionId}`, headers: session.proctor })).json().release).toBeNull();
    // A candidate's view of the session never names the release.
    expect((await t.app.inject({ url: `/api/sessions/${session.sessionId}`, headers: session.candidate })).json()).not.toHaveProperty('release');
  });

  it("an author proposes a release (dry run first) with its diff; the author cannot approve it; an admin can, audited with both people", async () => {
    const dry = await propose(author, { name: 'GRN 2026-A', modules: ['GRN'], notes: 'first governed release', dryRun: true });
    expect(dry.statusCode, dry.body).toBe(200);
    expect(dry.json()).toMatchObject({ dryRun: true, release: null });
    expect(dry.json().itemDiff.added).toHaveLength(liveGrn.length);
    expect(dry.json().diff).toContainEqual({ field: 'GRN release', from: null, to: 'this release' });
    expect((await t.app.inject({ url: '/api/bank/releases', headers: author })).json()).toEqual([]);

    const made = await propose(author, { name: 'GRN 2026-A', modules: ['GRN'], notes: 'first governed release' });
    expect(made.statusCode, made.body).toBe(201);
    const release = made.json().release;
    expect(release).toMatchObject({ name: 'GRN 2026-A', modules: ['GRN'], status: 'proposed', itemCount: liveGrn.length, proposedBy: { id: ids.author, name: 'Demo Author' }, currentFor: [] });
    first = { id: release.id, name: release.name };
    // Release names are never reused.
    expect((await propose(admin, { name: 'grn 2026-a', modules: ['GRN'] })).statusCode).toBe(409);

    const p = (await t.app.inject({ url: '/api/authoring/proposals', headers: author })).json().find((x: { id: string }) => x.id === first.id);
    expect(p).toMatchObject({ kind: 'release', module: 'GRN', notes: 'first governed release', proposedBy: { id: ids.author } });
    expect(p.itemDiff.added).toHaveLength(liveGrn.length);

    expect((await t.app.inject({ method: 'POST', url: `/api/authoring/proposals/release/${first.id}/approve`, headers: author, payload: {} })).statusCode).toBe(403);
    // Not yet current: admissions still draw from the live bank.
    expect((await admittedForm()).releaseId).toBeNull();

    const ok = await t.app.inject({ method: 'POST', url: `/api/authoring/proposals/release/${first.id}/approve`, headers: admin, payload: { note: 'board minute 14' } });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toEqual({ kind: 'release', id: first.id, status: 'approved' });
    expect((await t.app.inject({ method: 'POST', url: `/api/authoring/proposals/release/${first.id}/approve`, headers: admin, payload: {} })).statusCode).toBe(409);
    const detail = (await t.app.inject({ url: `/api/bank/releases/${first.id}`, headers: author })).json();
    expect(detail).toMatchObject({ status: 'approved', currentFor: ['GRN'], decidedBy: { id: ids.admin }, blueprints: [{ module: 'GRN', version: '2026.1' }] });
    expect(detail.items).toHaveLength(liveGrn.length);
    expect(detail.items.every((i: { version: number }) => i.version === 1)).toBe(true);

    const audit = (await t.services.audit.forSubject('bank-release', first.id)).map((a) => ({ action: a.action, actorId: a.actorId, details: a.details }));
    expect(audit).toEqual([
      expect.objectContaining({ action: 'release.proposed', actorId: ids.author, details: expect.objectContaining({ proposedBy: ids.author, name: 'GRN 2026-A' }) }),
      expect.objectContaining({ action: 'release.approved', actorId: ids.admin, details: expect.objectContaining({ proposedBy: ids.author, approvedBy: ids.admin }) }),
    ]);
  });

  it('an admin cannot approve a release they proposed themselves (a second person must); a rejection needs a reason', async () => {
    const own = (await propose(admin, { name: 'GRN admin draft', modules: ['GRN'] })).json().release;
    const self = await t.app.inject({ method: 'POST', url: `/api/authoring/proposals/release/${own.id}/approve`, headers: admin, payload: {} });
    expect(self.statusCode).toBe(403);
    expect(self.json().message).toContain('a second person must approve it');
    expect((await t.app.inject({ method: 'POST', url: `/api/authoring/proposals/release/${own.id}/reject`, headers: admin, payload: {} })).statusCode).toBe(400);
    const no = await t.app.inject({ method: 'POST', url: `/api/authoring/proposals/release/${own.id}/reject`, headers: admin, payload: { note: 'duplicate of 2026-A' } });
    expect(no.json().status).toBe('rejected');
    expect((await t.services.audit.forSubject('bank-release', own.id)).map((a) => a.action)).toEqual(['release.proposed', 'release.rejected']);
    expect((await t.app.inject({ url: `/api/bank/releases/${own.id}`, headers: author })).json()).toMatchObject({ status: 'rejected', currentFor: [], decisionNote: 'duplicate of 2026-A' });
  });

  it("assembly uses the release's item versions even after every item is edited; the session records the release and reports show it", async () => {
    // An admin's import puts a new version of every GRN item live at once.
    const edited = { ...JSON.parse(readFileSync('item-bank/green.json', 'utf8')) };
    edited.items = edited.items.map((i: { stem: string }) => ({ ...i, stem: `${i.stem} (revised)` }));
    const imp = await t.app.inject({ method: 'POST', url: '/api/bank/import', headers: admin, payload: { files: [{ name: 'green-revised.json', text: JSON.stringify(edited) }] } });
    expect(imp.statusCode, imp.body).toBe(200);
    expect((await t.app.inject({ url: '/api/bank/items?module=GRN', headers: author })).json().every((i: { version: number }) => i.version === 2)).toBe(true);

    const { releaseId, form, session } = await admittedForm();
    expect(releaseId).toBe(first.id);
    expect(form.releaseId).toBe(first.id);
    expect(form.items.length).toBeGreaterThan(0);
    expect(form.items.every((i) => i.version === 1)).toBe(true);
    // Staff see which release the session drew from.
    expect((await t.app.inject({ url: `/api/sessions/${session.sessionId}`, headers: session.proctor })).json().release).toEqual(first);
    const preview = (await t.app.inject({ method: 'POST', url: '/api/forms/preview', headers: author, payload: { module: 'GRN', seed: 'release-seed' } })).json();
    expect(preview.form.items.every((i: { version: number }) => i.version === 1)).toBe(true);

    const ended = await t.app.inject({ method: 'POST', url: `/api/sessions/${session.sessionId}/terminate`, headers: session.proctor, payload: { category: 'other', note: 'test ends the exam' } });
    expect(ended.statusCode, ended.body).toBe(200);
    const report = await t.app.inject({ url: `/api/sessions/${session.sessionId}/report`, headers: session.admin });
    expect(report.statusCode, report.body).toBe(200);
    expect(report.json().release).toEqual(first);
    // Item analysis counts the scored sessions per release.
    // (The ended session is scored after the terminate's transaction; on PostgreSQL that can land a moment later.)
    await vi.waitFor(
      async () => {
        const analysis = (await t.app.inject({ url: '/api/bank/analysis?module=GRN', headers: author })).json();
        expect(analysis.releases).toContainEqual({ ...first, sessions: 1 });
      },
      { timeout: 15_000, interval: 200 },
    );
  });

  it('fixed forms built under a release record it; an author publishing one proposes it, with the items it adds against the published form', async () => {
    const built = await t.app.inject({ method: 'POST', url: '/api/forms/build', headers: author, payload: { module: 'GRN', count: 2, maxOverlapPct: 40, publish: false } });
    expect(built.statusCode, built.body).toBe(201);
    expect(built.json().releaseId).toBe(first.id);
    const [a, b] = built.json().formIds as string[];
    // The admin publishes A directly (audited); the author's publish of B is a proposal compared with A.
    expect((await t.app.inject({ method: 'POST', url: `/api/forms/${a}/publish`, headers: admin })).json()).toEqual({ status: 'published' });
    expect((await t.services.audit.forSubject('form', a!)).at(-1)).toMatchObject({ action: 'form.published', actorId: ids.admin });
    expect((await t.app.inject({ method: 'POST', url: `/api/forms/${b}/publish`, headers: author })).json()).toEqual({ status: 'proposed' });
    const formA = (await t.app.inject({ url: `/api/forms/${a}`, headers: author })).json() as { items: { itemId: string }[] };
    const formB = (await t.app.inject({ url: `/api/forms/${b}`, headers: author })).json() as { items: { itemId: string }[]; releaseId: string };
    expect(formB.releaseId).toBe(first.id);
    const p = (await t.app.inject({ url: '/api/authoring/proposals', headers: admin })).json().find((x: { id: string }) => x.id === b);
    const inA = new Set(formA.items.map((i) => i.itemId));
    const inB = new Set(formB.items.map((i) => i.itemId));
    expect(p.itemDiff.added.map((s: string) => s.split(' ')[0]).sort()).toEqual([...inB].filter((id) => !inA.has(id)).sort());
    expect(p.itemDiff.removed.map((s: string) => s.split(' ')[0]).sort()).toEqual([...inA].filter((id) => !inB.has(id)).sort());
    expect(p.itemDiff.added.length).toBeGreaterThan(0);
    expect((await t.app.inject({ method: 'POST', url: `/api/authoring/proposals/form/${b}/approve`, headers: author, payload: {} })).statusCode).toBe(403);
  });

  it("a second release picks up the edited versions (its diff names them); once approved, new sessions draw from it", async () => {
    const made = await propose(author, { name: 'GRN 2026-B', modules: ['GRN'] });
    expect(made.statusCode, made.body).toBe(201);
    const second = made.json().release;
    expect(made.json().itemDiff.changed).toContainEqual({ id: liveGrn[0]!.id, from: `v1 (${liveGrn[0]!.status})`, to: `v2 (${liveGrn[0]!.status})` });
    expect(made.json().diff).toContainEqual({ field: 'GRN release', from: 'GRN 2026-A', to: 'this release' });
    await t.app.inject({ method: 'POST', url: `/api/authoring/proposals/release/${second.id}/approve`, headers: admin, payload: {} });
    // The fixed form built from 2026-A is no longer given out: a fresh form from 2026-B, all at version 2.
    const { releaseId, form } = await admittedForm();
    expect(releaseId).toBe(second.id);
    expect(form.items.every((i) => i.version === 2)).toBe(true);
    // The first release did not change.
    const old = (await t.app.inject({ url: `/api/bank/releases/${first.id}`, headers: author })).json();
    expect(old.items.every((i: { version: number }) => i.version === 1)).toBe(true);
    expect(old.currentFor).toEqual([]);
  });

  it('refuses a release of a module with no items, and unknown module codes', async () => {
    expect((await propose(author, { name: 'SAF only', modules: ['SAF'] })).statusCode).toBe(400);
    expect((await propose(author, { name: 'bad', modules: ['XYZ'] })).statusCode).toBe(400);
    expect((await propose(author, { name: '' })).statusCode).toBe(400);
  });

  it('keeps proctors out of releases', async () => {
    const proctor = (await scheduleSession(t.app, { module: 'GRN' })).proctor;
    expect((await t.app.inject({ url: '/api/bank/releases', headers: proctor })).statusCode).toBe(403);
    expect((await propose(proctor, { name: 'nope' })).statusCode).toBe(403);
  });
});
