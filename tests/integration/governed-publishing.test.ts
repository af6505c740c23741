import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loginAs, type TestApp } from '../helpers/build-app.ts';
import { greenAuthoringApp, scheduleSession } from '../helpers/session-fixture.ts';
import { DB_KINDS } from '../helpers/test-db.ts';

const green = JSON.parse(readFileSync('item-bank/green.json', 'utf8')) as { blueprints: Record<string, unknown>[] };
/** A bank file with one new GRN blueprint version: a 1 % cut and a 1-minute time limit (the attack). */
const blueprintFile = (version: string, overrides: Record<string, unknown> = {}) => ({
  name: `grn-${version}.json`,
  text: JSON.stringify({ formatVersion: 1, blueprints: [{ ...green.blueprints[0], version, ...overrides }] }),
});

describe.each(DB_KINDS)('governed publishing on %s', (kind) => {
  const app = greenAuthoringApp(kind);
  let t: TestApp;
  let author: { cookie: string };
  let admin: { cookie: string };
  let ids: { author: string; admin: string };
  beforeAll(() => void ({ t, author, admin, ids } = app));

  /** A newly scheduled sitting's time allowance, as the proctor sees it. */
  const scheduledMinutes = async () => {
    const s = await scheduleSession(t.app, { module: 'GRN' });
    return (await t.app.inject({ url: `/api/sessions/${s.sessionId}`, headers: s.proctor })).json().time.remainingMs / 60_000;
  };
  const liveVersion = async () => (await t.app.inject({ method: 'POST', url: '/api/forms/preview', headers: author, payload: { module: 'GRN', seed: 's' } })).json().certificate.blueprintVersion;

  it("shows in an author's dry run that a blueprint change would not go live but become a proposal, with its diff", async () => {
    const r = await t.app.inject({ method: 'POST', url: '/api/bank/import', headers: author, payload: { dryRun: true, files: [blueprintFile('2026.9', { cutScore: { percent: 1, rounding: 'ceil' }, timeLimitMinutes: 1 })] } });
    expect(r.statusCode, r.body).toBe(200);
    const [b] = r.json().blueprints;
    expect(b).toMatchObject({ module: 'GRN', version: '2026.9', effect: 'proposal', liveVersion: '2026.1' });
    expect(b.diff).toEqual(
      expect.arrayContaining([
        { field: 'cutScore', from: '75% (ceil)', to: '1% (ceil)' },
        { field: 'timeLimitMinutes', from: 90, to: 1 },
      ]),
    );
    expect(b.diff.some((d: { field: string }) => d.field === 'formLength')).toBe(false);
    // An admin's dry run says the same change would be live at once.
    const a = await t.app.inject({ method: 'POST', url: '/api/bank/import', headers: admin, payload: { dryRun: true, files: [blueprintFile('2026.9', { timeLimitMinutes: 1 })] } });
    expect(a.json().blueprints[0]).toMatchObject({ effect: 'live', liveVersion: '2026.1' });
  });

  it("keeps an author's 1 % cut / 1-minute blueprint out of exams until an admin approves it; approval is audited with both people", async () => {
    const imported = await t.app.inject({ method: 'POST', url: '/api/bank/import', headers: author, payload: { files: [blueprintFile('2026.2', { cutScore: { percent: 1, rounding: 'ceil' }, timeLimitMinutes: 1 })] } });
    expect(imported.statusCode, imported.body).toBe(200);
    expect(await liveVersion()).toBe('2026.1');
    expect(await scheduledMinutes()).toBe(90);

    const list = (await t.app.inject({ url: '/api/authoring/proposals', headers: author })).json();
    const p = list.find((x: { id: string }) => x.id === 'GRN@2026.2');
    expect(p).toMatchObject({ kind: 'blueprint', module: 'GRN', proposedBy: { id: ids.author }, proposedAt: expect.stringMatching(/Z$/) });
    expect(p.diff).toContainEqual({ field: 'cutScore', from: '75% (ceil)', to: '1% (ceil)' });

    // The author cannot approve (their own or anyone's); a proctor cannot even see proposals.
    const self = await t.app.inject({ method: 'POST', url: '/api/authoring/proposals/blueprint/GRN@2026.2/approve', headers: author, payload: {} });
    expect(self.statusCode).toBe(403);
    expect((await t.app.inject({ url: '/api/authoring/proposals', headers: await loginAs(t.app, 'proctor') })).statusCode).toBe(403);
    expect(await liveVersion()).toBe('2026.1');

    const ok = await t.app.inject({ method: 'POST', url: '/api/authoring/proposals/blueprint/GRN@2026.2/approve', headers: admin, payload: { note: 'board minute 12' } });
    expect(ok.statusCode, ok.body).toBe(200);
    expect(ok.json()).toEqual({ kind: 'blueprint', id: 'GRN@2026.2', status: 'approved' });
    expect(await liveVersion()).toBe('2026.2');
    expect(await scheduledMinutes()).toBe(1);

    const audit = (await t.services.audit.forSubject('blueprint', 'GRN@2026.2')).map((a) => ({ action: a.action, actorId: a.actorId, details: a.details }));
    expect(audit).toEqual([
      expect.objectContaining({ action: 'blueprint.proposed', actorId: ids.author, details: expect.objectContaining({ proposedBy: ids.author, replaces: '2026.1' }) }),
      expect.objectContaining({ action: 'blueprint.approved', actorId: ids.admin, details: expect.objectContaining({ proposedBy: ids.author, approvedBy: ids.admin, replaces: '2026.1' }) }),
    ]);
    // Decided once: a second approval is a conflict, and the proposal is gone from the list.
    expect((await t.app.inject({ method: 'POST', url: '/api/authoring/proposals/blueprint/GRN@2026.2/approve', headers: admin, payload: {} })).statusCode).toBe(409);
    expect((await t.app.inject({ url: '/api/authoring/proposals', headers: admin })).json().some((x: { id: string }) => x.id === 'GRN@2026.2')).toBe(false);
  });

  it('rejects with a reason; a rejected version never goes live and stays taken', async () => {
    await t.app.inject({ method: 'POST', url: '/api/bank/import', headers: author, payload: { files: [blueprintFile('2026.3', { timeLimitMinutes: 30 })] } });
    const noReason = await t.app.inject({ method: 'POST', url: '/api/authoring/proposals/blueprint/GRN@2026.3/reject', headers: admin, payload: {} });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().problems[0]).toMatchObject({ pointer: '/body/note' });
    const r = await t.app.inject({ method: 'POST', url: '/api/authoring/proposals/blueprint/GRN@2026.3/reject', headers: admin, payload: { note: 'too short for 88 items' } });
    expect(r.json()).toMatchObject({ status: 'rejected' });
    expect(await liveVersion()).toBe('2026.2');
    const [rec] = await t.services.audit.forSubject('blueprint', 'GRN@2026.3').then((a) => a.filter((x) => x.action === 'blueprint.rejected'));
    expect(rec).toMatchObject({ actorId: ids.admin, details: expect.objectContaining({ proposedBy: ids.author, rejectedBy: ids.admin }) });
    const again = await t.app.inject({ method: 'POST', url: '/api/bank/import', headers: author, payload: { files: [blueprintFile('2026.3', { timeLimitMinutes: 45 })] } });
    expect(again.statusCode).toBe(400);
    expect(await liveVersion()).toBe('2026.2');
    const bad = await t.app.inject({ method: 'POST', url: '/api/authoring/proposals/blueprint/nonsense/approve', headers: admin, payload: {} });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().message).toMatch(/MODULE@version/);
  });

  it("an admin's import makes a blueprint live at once, audited as approved by that admin", async () => {
    const r = await t.app.inject({ method: 'POST', url: '/api/bank/import', headers: admin, payload: { files: [blueprintFile('2026.4', { timeLimitMinutes: 100 })] } });
    expect(r.json().blueprints[0]).toMatchObject({ effect: 'live', liveVersion: '2026.2' });
    expect(await liveVersion()).toBe('2026.4');
    const [rec] = await t.services.audit.forSubject('blueprint', 'GRN@2026.4');
    expect(rec).toMatchObject({ action: 'blueprint.approved', actorId: ids.admin, details: expect.objectContaining({ proposedBy: ids.admin, approvedBy: ids.admin, via: 'import' }) });
  });

  it("publishing a fixed form is a proposal from an author and an admin's decision", async () => {
    const built = await t.app.inject({ method: 'POST', url: '/api/forms/build', headers: author, payload: { module: 'GRN', count: 1, maxOverlapPct: 25, publish: true } });
    expect(built.statusCode, built.body).toBe(201);
    expect(built.json().status).toBe('proposed');
    const [formId] = built.json().formIds as string[];
    const form = (await t.app.inject({ url: `/api/forms/${formId}`, headers: author })).json();
    expect(form.status).toBe('proposed');
    const p = (await t.app.inject({ url: '/api/authoring/proposals', headers: admin })).json().find((x: { id: string }) => x.id === formId);
    expect(p).toMatchObject({ kind: 'form', proposedBy: { id: ids.author } });
    expect(p.diff).toContainEqual({ field: 'status', from: 'proposed', to: 'published' });
    expect((await t.app.inject({ method: 'POST', url: `/api/authoring/proposals/form/${formId}/approve`, headers: author, payload: {} })).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'POST', url: `/api/authoring/proposals/form/${formId}/reject`, headers: admin, payload: { note: 'wait for the new release' } })).json().status).toBe('rejected');
    expect((await t.app.inject({ url: `/api/forms/${formId}`, headers: author })).json().status).toBe('draft');
    expect((await t.app.inject({ method: 'POST', url: `/api/forms/${formId}/publish`, headers: author })).json()).toEqual({ status: 'proposed' });
    const ok = await t.app.inject({ method: 'POST', url: `/api/authoring/proposals/form/${formId}/approve`, headers: admin, payload: {} });
    expect(ok.json().status).toBe('approved');
    expect((await t.app.inject({ url: `/api/forms/${formId}`, headers: author })).json().status).toBe('published');
    const audit = await t.services.audit.forSubject('form', formId!);
    expect(audit.map((a) => a.action)).toEqual(['form.publication-rejected', 'form.publication-proposed', 'form.published']);
    expect(audit[2]).toMatchObject({ actorId: ids.admin, details: expect.objectContaining({ proposedBy: ids.author, approvedBy: ids.admin }) });
  });
});
