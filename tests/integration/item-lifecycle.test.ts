import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, loginAs, type TestApp } from '../helpers/build-app.ts';
import { importSampleModule } from '../helpers/session-fixture.ts';
import { DB_KINDS } from '../helpers/test-db.ts';

const green = JSON.parse(readFileSync('item-bank/green.json', 'utf8')) as { items: Record<string, unknown>[] };
const newItem = (id: string, status = 'operational') => ({ ...green.items[0], id, status, stem: `Which practice lowers energy use most (${id})?` });
const file = (items: unknown[]) => ({ name: 'items.json', text: JSON.stringify({ formatVersion: 1, items }) });

describe.each(DB_KINDS)('item lifecycle on %s', (kind) => {
  let t: TestApp;
  let author: { cookie: string };
  let reviewer: { cookie: string };
  let admin: { cookie: string };
  let authorId: string;
  beforeAll(async () => {
    t = await buildTestApp(kind);
    await importSampleModule(t.services, 'item-bank/green.json');
    author = await loginAs(t.app, 'author');
    admin = await loginAs(t.app, 'admin');
    const created = await t.app.inject({ method: 'POST', url: '/api/admin/users', headers: admin, payload: { username: 'reviewer2', displayName: 'Second Reviewer', role: 'author', password: 'reviewer-pass-12', testCenterCodes: [] } });
    expect(created.statusCode, created.body).toBe(201);
    reviewer = await loginAs(t.app, 'reviewer2', 'reviewer-pass-12');
    authorId = (await t.services.accounts.findUserByUsername('author'))!.id;
  });
  afterAll(() => t?.close());

  const review = (who: { cookie: string }, id: string, payload: Record<string, unknown>) => t.app.inject({ method: 'POST', url: `/api/bank/items/${id}/review`, headers: who, payload });
  const statusOf = async (id: string) => (await t.app.inject({ url: `/api/bank/items?module=GRN`, headers: author })).json().find((i: { id: string }) => i.id === id)?.status;

  it("lands an author's imported items as drafts, whatever the file says, and refuses promotions by import", async () => {
    const r = await t.app.inject({ method: 'POST', url: '/api/bank/import', headers: author, payload: { files: [file([newItem('GRN-L01'), newItem('GRN-L02', 'pretest')])] } });
    expect(r.statusCode, r.body).toBe(200);
    expect(await statusOf('GRN-L01')).toBe('draft');
    expect(await statusOf('GRN-L02')).toBe('draft');
    const promote = await t.app.inject({ method: 'POST', url: '/api/bank/import', headers: author, payload: { files: [file([{ ...newItem('GRN-L01'), status: 'operational' }])] } });
    expect(promote.statusCode).toBe(400);
    expect(promote.json().problems[0]).toMatchObject({ pointer: '/items/GRN-L01/status', message: expect.stringMatching(/GRN-L01: an author cannot move an item from draft to operational/) });
    const put = await t.app.inject({ method: 'PUT', url: '/api/bank/items/GRN-L01', headers: author, payload: { status: 'operational' } });
    expect(put.statusCode).toBe(400);
  });

  it('needs a second person to approve: the author cannot approve their own item; reviewers comment and send it back', async () => {
    expect((await review(author, 'GRN-L01', { action: 'approve' })).statusCode).toBe(409); // a draft is not in review
    expect((await review(author, 'GRN-L01', { action: 'submit', comment: 'ready' })).json()).toMatchObject({ status: 'in-review', version: 1 });
    const own = await review(author, 'GRN-L01', { action: 'approve' });
    expect(own.statusCode).toBe(403);
    expect(own.json().message).toMatch(/you wrote this version of the item; a second person must approve it/);
    expect(await statusOf('GRN-L01')).toBe('in-review');

    const bare = await review(reviewer, 'GRN-L01', { action: 'request-changes' });
    expect(bare.statusCode).toBe(400);
    expect(bare.json().message).toMatch(/say what should change/);
    expect((await review(reviewer, 'GRN-L01', { action: 'comment', comment: 'Option C is also defensible.' })).json().status).toBe('in-review');
    expect((await review(reviewer, 'GRN-L01', { action: 'request-changes', comment: 'Make option C clearly wrong.' })).json().status).toBe('draft');

    const edit = await t.app.inject({ method: 'PUT', url: '/api/bank/items/GRN-L01', headers: author, payload: { stem: 'Which single practice lowers compressed-air energy use most?' } });
    expect(edit.json()).toMatchObject({ change: 'changed', version: 2 });
    expect(await statusOf('GRN-L01')).toBe('draft');
    await review(author, 'GRN-L01', { action: 'submit' });
    expect((await review(reviewer, 'GRN-L01', { action: 'approve', comment: 'Good now.' })).json()).toMatchObject({ status: 'approved', version: 2 });
    expect((await review(reviewer, 'GRN-L01', { action: 'activate' })).statusCode).toBe(400);
    expect((await review(author, 'GRN-L01', { action: 'activate', to: 'operational' })).json().status).toBe('operational');

    const h = (await t.app.inject({ url: '/api/bank/items/GRN-L01/history', headers: author })).json();
    expect(h.versions.map((v: { version: number; author: { name: string } }) => [v.version, v.author?.name])).toEqual([
      [1, 'Demo Author'],
      [2, 'Demo Author'],
    ]);
    expect(h.reviews.map((r: { action: string; by: { name: string }; comment: string | null; version: number }) => [r.action, r.by.name, r.comment, r.version])).toEqual([
      ['submitted', 'Demo Author', 'ready', 1],
      ['commented', 'Second Reviewer', 'Option C is also defensible.', 1],
      ['changes-requested', 'Second Reviewer', 'Make option C clearly wrong.', 1],
      ['submitted', 'Demo Author', null, 2],
      ['approved', 'Second Reviewer', 'Good now.', 2],
      ['activated', 'Demo Author', null, 2],
    ]);
    const approved = (await t.services.audit.forSubject('item', 'GRN-L01')).find((a) => a.action === 'item.approved')!;
    expect(approved.details).toMatchObject({ version: 2, from: 'in-review', to: 'approved', versionAuthor: authorId });
    expect((await review(await loginAs(t.app, 'candidate'), 'GRN-L01', { action: 'comment', comment: 'x' })).statusCode).toBe(403);
    expect((await t.app.inject({ url: '/api/bank/items/NOPE-1/history', headers: author })).statusCode).toBe(404);
  });

  it("puts an admin's import straight to the file's status, audited as imported without review", async () => {
    const r = await t.app.inject({ method: 'POST', url: '/api/bank/import', headers: admin, payload: { files: [file([newItem('GRN-L09', 'pretest')])] } });
    expect(r.statusCode, r.body).toBe(200);
    expect(await statusOf('GRN-L09')).toBe('pretest');
    const [rec] = await t.services.audit.byAction('items.imported-without-review');
    expect(rec!.details).toMatchObject({ items: ['GRN-L09'] });
  });
});
