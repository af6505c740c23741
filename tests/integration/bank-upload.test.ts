import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, loginAs, type TestApp } from '../helpers/build-app.ts';
import { zippedFixture } from '../fixtures/qti/load-fixtures.ts';
import { importSampleModule } from '../helpers/session-fixture.ts';
import { DB_KINDS } from '../helpers/test-db.ts';

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

describe.each(DB_KINDS)('uploading QTI and CSV on %s', (kind) => {
  let t: TestApp;
  let author: { cookie: string };
  beforeAll(async () => {
    t = await buildTestApp(kind);
    await importSampleModule(t.services, 'item-bank/quality.json');
    author = await loginAs(t.app, 'author');
  });
  afterAll(() => t?.close());

  const upload = (files: { name: string; bytes: Uint8Array }[], dryRun = true, lenient = false) =>
    t.app.inject({ method: 'POST', url: '/api/bank/upload', headers: author, payload: { files: files.map((f) => ({ name: f.name, base64: b64(f.bytes) })), dryRun, lenient } });

  it('exports the bank as a QTI 3.0 package and as CSV, and re-importing either changes nothing', async () => {
    const zip = await t.app.inject({ url: '/api/bank/export.zip?module=QPM', headers: author });
    expect(zip.headers['content-type']).toBe('application/zip');
    const back = (await upload([{ name: 'qpm.zip', bytes: zip.rawPayload }], false)).json();
    expect(back).toMatchObject({ changed: false, summary: { itemsNew: 0, itemsChanged: 0, itemsUnchanged: 187 } });
    const csv = await t.app.inject({ url: '/api/bank/export.csv?module=QPM', headers: author });
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    const fromCsv = (await upload([{ name: 'qpm.csv', bytes: csv.rawPayload }], true)).json();
    expect(fromCsv.summary).toMatchObject({ itemsNew: 0, itemsChanged: 0, itemsUnchanged: 187 });
  });

  it('reports conversion problems with their file and location, and writes nothing', async () => {
    const broken = { name: 'broken.xml', bytes: new Uint8Array(readFileSync('tests/fixtures/qti/bad/broken.xml')) };
    const r = await upload([broken], false);
    expect(r.statusCode).toBe(400);
    const p = r.json().problems[0];
    expect(p).toMatchObject({ file: 'broken.xml', line: expect.any(Number), column: expect.any(Number) });
    expect(p.message).toMatch(/^malformed XML: /);
    expect(await t.services.itemBank.currentRevision()).toBe(1);
  });

  it('imports a real-world style QTI 2.1 package: unsupported items are reported, and skipped only in lenient mode', async () => {
    await importSampleModule(t.services, 'item-bank/safety.json');
    const pkg = zippedFixture('tao-qti21-package');
    const strict = await upload([pkg], true);
    expect(strict.statusCode).toBe(400);
    const messages = strict.json().problems.map((p: { message: string }) => p.message);
    expect(messages).toEqual(expect.arrayContaining([expect.stringMatching(/textEntryInteraction is not supported/), expect.stringMatching(/cardinality multiple/)]));
    const payload = (dryRun: boolean) => ({ files: [{ name: pkg.name, base64: b64(pkg.bytes) }], dryRun, lenient: true, kwaMapping: { byCategory: { 'lockout-tagout': 'SAF-08' } } });
    const dry = await t.app.inject({ method: 'POST', url: '/api/bank/upload', headers: author, payload: payload(true) });
    expect(dry.statusCode, dry.body).toBe(200);
    expect(dry.json().skipped).toHaveLength(2);
    expect(dry.json().summary.itemsNew).toBeGreaterThan(0);
    expect(dry.json().assets.length).toBeGreaterThan(0);
    const done = await t.app.inject({ method: 'POST', url: '/api/bank/upload', headers: author, payload: payload(false) });
    expect(done.json()).toMatchObject({ changed: true, dryRun: false });
  });

  it('refuses uploads from candidates and proctors', async () => {
    for (const who of ['candidate', 'proctor']) {
      const res = await t.app.inject({ method: 'POST', url: '/api/bank/upload', headers: await loginAs(t.app, who), payload: { files: [{ name: 'x.json', base64: '' }] } });
      expect(res.statusCode).toBe(403);
    }
  });
});
