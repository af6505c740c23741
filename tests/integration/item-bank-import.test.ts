import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, loginAs, type TestApp } from '../helpers/build-app.ts';
import { DB_KINDS } from '../helpers/test-db.ts';

const small = readFileSync('tests/fixtures/banks/small-bank.json', 'utf8');
const bad = readFileSync('tests/fixtures/banks/bad-bank.json', 'utf8');

describe.each(DB_KINDS)('item-bank import on %s', (kind) => {
  let t: TestApp;
  let cookie: string;
  beforeAll(async () => {
    t = await buildTestApp(kind);
    // An admin: these tests are about the file format, and an admin's import takes the file's statuses as they are
    // (an author's lands as drafts for review: tests/integration/item-lifecycle.test.ts).
    ({ cookie } = await loginAs(t.app, 'admin'));
  });
  afterAll(() => t?.close());

  const importFiles = (files: { name: string; text: string }[], dryRun = false) =>
    t.app.inject({ method: 'POST', url: '/api/bank/import', headers: { cookie }, payload: { files, dryRun } });

  it('rejects a file with many mistakes, one located problem each, and writes nothing', async () => {
    const res = await importFiles([{ name: 'bad-bank.json', text: bad }]);
    expect(res.statusCode).toBe(400);
    const body = res.json();
    expect(body.code).toBe('VALIDATION_FAILED');
    const lines = body.problems.map((p: { pointer: string; line: number; message: string }) => `${p.pointer} @${p.line}: ${p.message}`);
    expect(lines).toHaveLength(10);
    expect(body.problems.every((p: { line?: number; file?: string }) => p.line && p.file === 'bad-bank.json')).toBe(true);
    expect(lines.join('\n')).toMatch(/unknown KWA code SAF-09/);
    expect(lines.join('\n')).toMatch(/exactly one key; found 2/);
    expect(lines.join('\n')).toMatch(/duplicate item id SAF-T004/);
    expect(lines.join('\n')).toMatch(/names item SAF-T999, which is not in this file or the bank/);
    expect(lines.join('\n')).toMatch(/asks for 60 scored items of SAF-01/);
    expect(lines.join('\n')).toMatch(/form length must be between 80 and 101/);
    expect(await t.services.itemBank.isEmpty()).toBe(true);
    expect(await t.services.itemBank.currentRevision()).toBe(0);
  });

  it('dry-runs without writing, then imports, then re-imports with no change', async () => {
    const dry = (await importFiles([{ name: 'small.json', text: small }], true)).json();
    expect(dry).toMatchObject({ dryRun: true, summary: { itemsNew: 110 } });
    expect(await t.services.itemBank.isEmpty()).toBe(true);

    const first = (await importFiles([{ name: 'small.json', text: small }])).json();
    expect(first).toMatchObject({ changed: true, revision: 1, summary: { itemsNew: 110, catalogsNew: 1, blueprintsNew: 1 } });
    const again = (await importFiles([{ name: 'small.json', text: small }])).json();
    expect(again).toMatchObject({ changed: false, revision: 1, summary: { itemsNew: 0, itemsUnchanged: 110 } });
  });

  it('makes a new version when an item changes, and keeps the old version', async () => {
    const doc = JSON.parse(small);
    doc.items[0].stem = 'A reworded fixture question about SAF-01?';
    doc.items[1].status = 'retired';
    const res = (await importFiles([{ name: 'small-v2.json', text: JSON.stringify(doc) }])).json();
    expect(res).toMatchObject({ changed: true, revision: 2, summary: { itemsChanged: 1, itemsRetired: 1 } });
    expect(res.items.find((i: { id: string }) => i.id === 'SAF-T001')).toMatchObject({ change: 'changed', fromVersion: 1 });
    const [item] = await t.services.itemBank.listItems({ ids: ['SAF-T001'] });
    expect(item).toMatchObject({ version: 2, content: { stem: 'A reworded fixture question about SAF-01?' } });
    const exported = (await t.app.inject({ url: '/api/bank/export?module=SAF', headers: { cookie } })).json();
    expect(exported.items.find((i: { id: string }) => i.id === 'SAF-T002').status).toBe('retired');
  });

  it('refuses to change a stored blueprint version in place', async () => {
    const doc = JSON.parse(small);
    doc.blueprints[0].cutScore.percent = 80;
    const res = await importFiles([{ name: 'bp.json', text: JSON.stringify(doc) }]);
    expect(res.statusCode).toBe(400);
    expect(res.json().problems[0].message).toMatch(/blueprint SAF@t1 is already in the bank with different content/);
  });

  it('round-trips: exporting and importing the export changes nothing', async () => {
    const exported = (await t.app.inject({ url: '/api/bank/export', headers: { cookie } })).body;
    const res = (await importFiles([{ name: 'export.json', text: exported }])).json();
    expect(res.changed).toBe(false);
  });
});
