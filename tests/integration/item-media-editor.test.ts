/**
 * #19.1, the two gaps left after images in bank files: the item editor's upload (POST /api/bank/media: authors and
 * admins only, the role checked before the body is read, the file checked as an imported image is, stored once by
 * hash, audited; an edit naming it with alt text makes a new item version, the old version keeps its pictures), and
 * pictures in practice tests (GET /api/practice/:id/media/:sha256: the candidate of that practice test only,
 * private and uncached like the exam's route). On PGlite and PostgreSQL.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { itemVersionMedia } from '../../server/src/db/schema/index.ts';
import { buildTestApp, loginAs, type TestApp } from '../helpers/build-app.ts';
import { importSampleModule, newCandidate } from '../helpers/session-fixture.ts';
import { DB_KINDS } from '../helpers/test-db.ts';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
/** A PNG signature and header start: enough for the magic-byte check, which is all the server reads of a PNG. */
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 73, 72, 68, 82, 0, 0, 0, 2, 0, 0, 0, 2, 8, 6, 0, 0, 0]);
const SVG = new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><circle cx="5" cy="5" r="4"/></svg>');
const FLOOR = new Uint8Array(readFileSync('item-bank/media/floor-marking.svg'));
const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');

// Up to 12 s a test at load 33; a generous budget for busier hours.
describe.each(DB_KINDS)('the item editor adds pictures, and practice tests show them, on %s', { timeout: 120_000 }, (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp(kind);
    await importSampleModule(t.services);
    // The sample practice item with a picture (SAF-Q20, the floor-marking diagram) and its file, as first start loads it.
    const diagrams = JSON.parse(readFileSync('item-bank/diagrams.json', 'utf8'));
    diagrams.items = diagrams.items.filter((i: { id: string }) => i.id === 'SAF-Q20');
    await t.services.itemBank.importSources(null, [{ name: 'item-bank/diagrams.json', text: JSON.stringify(diagrams), files: new Map([['media/floor-marking.svg', FLOOR]]) }]);
  }, 300_000);
  afterAll(() => t?.close());

  const upload = (headers: { cookie: string } | undefined, name: string, bytes: Uint8Array | string) =>
    t.app.inject({ method: 'POST', url: '/api/bank/media', ...(headers ? { headers } : {}), payload: { name, base64: typeof bytes === 'string' ? bytes : b64(bytes) } });
  const edit = (headers: { cookie: string }, id: string, payload: Record<string, unknown>) => t.app.inject({ method: 'PUT', url: `/api/bank/items/${id}`, headers, payload });
  const item = async (headers: { cookie: string }, id: string) => (await t.app.inject({ url: '/api/bank/items?module=SAF', headers })).json().find((i: { id: string }) => i.id === id);

  it('an author uploads a picture once by its hash (audited), places it in the stem and an option with alt text: a new version; the old version keeps its pictures', async () => {
    const author = await loginAs(t.app, 'author');
    const first = await upload(author, 'gauge.png', PNG);
    expect(first.statusCode).toBe(201);
    expect(first.json()).toEqual({ src: `sha256:${sha(PNG)}`, sha256: sha(PNG), mediaType: 'image/png', size: PNG.length, stored: true });
    // The same bytes again: nothing new is stored, and the answer says so.
    expect((await upload(author, 'copy.png', PNG)).json()).toMatchObject({ sha256: sha(PNG), stored: false });
    const audit = await t.services.audit.forSubject('media', sha(PNG));
    expect(audit.map((a) => [a.action, a.details])).toEqual([
      ['media.uploaded', { name: 'gauge.png', mediaType: 'image/png', size: PNG.length, stored: true }],
      ['media.uploaded', { name: 'copy.png', mediaType: 'image/png', size: PNG.length, stored: false }],
    ]);
    const bank = await t.app.inject({ url: `/api/bank/media/${sha(PNG)}`, headers: author });
    expect([bank.statusCode, bank.headers['content-type'], bank.headers['cache-control']]).toEqual([200, 'image/png', 'private, no-store']);

    const svg = (await upload(author, 'circle.svg', SVG)).json();
    expect(svg).toMatchObject({ mediaType: 'image/svg+xml', stored: true });

    const before = await item(author, 'SAF-001');
    expect(before.content.image).toBeUndefined();
    const options = before.content.options.map((o: { id: string; text: string }, i: number) => (i === 1 ? { ...o, image: { src: svg.src, alt: 'A black circle' } } : o));
    const saved = await edit(author, 'SAF-001', { image: { src: first.json().src, alt: 'A pressure gauge reading 80 psi' }, options, topics: before.content.topics });
    expect(saved.statusCode).toBe(200);
    expect(saved.json()).toMatchObject({ change: 'changed', version: before.version + 1 });
    const after = await item(author, 'SAF-001');
    expect(after.content.image).toEqual({ src: `sha256:${sha(PNG)}`, alt: 'A pressure gauge reading 80 psi' });
    expect(after.content.options[1].image).toEqual({ src: `sha256:${sha(SVG)}`, alt: 'A black circle' });

    // Removing the stem's picture (null) is another version; the option keeps its picture.
    const removed = await edit(author, 'SAF-001', { image: null, topics: before.content.topics });
    expect(removed.json()).toMatchObject({ change: 'changed', version: before.version + 2 });
    const last = await item(author, 'SAF-001');
    expect(last.content.image).toBeUndefined();
    expect(last.content.options[1].image).toEqual({ src: `sha256:${sha(SVG)}`, alt: 'A black circle' });

    // Each version records the pictures it shows: none before, both on the edit, only the option's after.
    const shown = async (version: number) =>
      (await t.database.db.select({ sha256: itemVersionMedia.sha256 }).from(itemVersionMedia).where(and(eq(itemVersionMedia.itemId, 'SAF-001'), eq(itemVersionMedia.version, version)))).map((r) => r.sha256).sort();
    expect(await shown(before.version)).toEqual([]);
    expect(await shown(before.version + 1)).toEqual([sha(PNG), sha(SVG)].sort());
    expect(await shown(before.version + 2)).toEqual([sha(SVG)]);
  });

  it('refuses a picture without alt text (400 at the field), and one the bank does not store', async () => {
    const author = await loginAs(t.app, 'author');
    const src = (await upload(author, 'gauge.png', PNG)).json().src;
    const noAlt = await edit(author, 'SAF-002', { image: { src } });
    expect(noAlt.statusCode).toBe(400);
    expect(noAlt.json().problems).toEqual([expect.objectContaining({ pointer: '/body/image/alt' })]);
    const emptyAlt = await edit(author, 'SAF-002', { image: { src, alt: '' } });
    expect(emptyAlt.statusCode).toBe(400);
    expect(emptyAlt.json().problems).toEqual([expect.objectContaining({ pointer: '/body/image/alt', message: expect.stringMatching(/alt text must not be empty/) })]);
    const unknown = await edit(author, 'SAF-002', { image: { src: `sha256:${'c'.repeat(64)}`, alt: 'A picture' } });
    expect(unknown.statusCode).toBe(400);
    expect(unknown.json().problems).toEqual([expect.objectContaining({ pointer: '/items/0/image/src', message: `image sha256:${'c'.repeat(64)} is not stored in the bank; give the file's path instead` })]);
    expect((await item(author, 'SAF-002')).content.image).toBeUndefined();
  });

  it('refuses a file that is no image, an active SVG and an oversized PNG with what is wrong and where, storing nothing', async () => {
    const admin = await loginAs(t.app, 'admin');
    const text = new TextEncoder().encode('Item notes: the gauge should read 80 psi.');
    const notImage = await upload(admin, 'notes.txt', text);
    expect(notImage.statusCode).toBe(400);
    expect(notImage.json()).toMatchObject({
      code: 'VALIDATION_FAILED',
      message: 'image "notes.txt" is not a PNG, JPEG or SVG file (its first bytes are no image signature)',
      problems: [{ pointer: '/body/base64', file: 'notes.txt', message: 'image "notes.txt" is not a PNG, JPEG or SVG file (its first bytes are no image signature)' }],
    });
    const evil = new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg">\n  <script>alert(1)</script>\n</svg>');
    const active = await upload(admin, 'evil.svg', evil);
    expect(active.statusCode).toBe(400);
    expect(active.json().message).toBe('image "evil.svg": <script> at 2:3 is not allowed in an image (scripts, foreignObject, embedded documents and animation are refused)');
    const big = new Uint8Array(2.5 * 1024 * 1024);
    big.set(PNG);
    const oversized = await upload(admin, 'scan.png', big);
    expect(oversized.statusCode).toBe(400);
    expect(oversized.json().message).toBe('image "scan.png" is 2560 KB; PNG and JPEG images may be at most 2048 KB');
    for (const bytes of [text, evil, big]) expect((await t.app.inject({ url: `/api/bank/media/${sha(bytes)}`, headers: admin })).statusCode).toBe(404);
    // Not base64 at all, and a body past the route's limit.
    expect((await upload(admin, 'x.png', 'not base64!')).json().problems).toEqual([expect.objectContaining({ pointer: '/body/base64' })]);
    expect((await upload(admin, 'huge.png', 'A'.repeat(5 * 1024 * 1024))).statusCode).toBe(413);
  });

  it('lets no candidate, proctor or anonymous caller upload, checking the role before reading the body', async () => {
    const candidate = (await newCandidate(t.app)).auth;
    const proctor = await loginAs(t.app, 'proctor');
    expect((await upload(candidate, 'gauge.png', PNG)).statusCode).toBe(403);
    expect((await upload(proctor, 'gauge.png', PNG)).statusCode).toBe(403);
    expect((await upload(undefined, 'gauge.png', PNG)).statusCode).toBe(401);
    // A body past the limit is refused for the role (403), not for its size (413): it was never read.
    expect((await upload(candidate, 'huge.png', 'A'.repeat(5 * 1024 * 1024))).statusCode).toBe(403);
  });

  it("shows a practice test's pictures to its candidate only, private and uncached, in the questions and the review", async () => {
    const a = await newCandidate(t.app);
    const b = await newCandidate(t.app);
    const started = await t.app.inject({ method: 'POST', url: '/api/practice', headers: a.auth, payload: { module: 'SAF', timed: false } });
    expect(started.statusCode).toBe(201);
    const test = started.json();
    // The pool is the sample's 25 practice items, so the test holds all of them, SAF-Q20 with its picture.
    const pictured = test.items.find((i: { itemId: string }) => i.itemId === 'SAF-Q20');
    expect(pictured.image).toEqual({ sha256: sha(FLOOR), alt: expect.stringContaining('diagonal yellow and black stripes') });
    expect(JSON.stringify(test)).not.toMatch(/media\/|sha256:/);

    const media = (id: string, hash: string, headers?: { cookie: string }) => t.app.inject({ url: `/api/practice/${id}/media/${hash}`, ...(headers ? { headers } : {}) });
    const own = await media(test.id, sha(FLOOR), a.auth);
    expect([own.statusCode, own.headers['content-type'], own.headers['cache-control'], own.headers['x-content-type-options'], own.headers['content-security-policy']]).toEqual([
      200,
      'image/svg+xml',
      'private, no-store',
      'nosniff',
      "default-src 'none'; style-src 'unsafe-inline'",
    ]);
    expect(Buffer.from(own.rawPayload).equals(Buffer.from(FLOOR))).toBe(true);

    // Another candidate: 404 like any test they cannot see; staff 403; nobody signed in 401.
    expect((await media(test.id, sha(FLOOR), b.auth)).statusCode).toBe(404);
    expect((await media(test.id, sha(FLOOR), await loginAs(t.app, 'proctor'))).statusCode).toBe(403);
    expect((await media(test.id, sha(FLOOR), await loginAs(t.app, 'author'))).statusCode).toBe(403);
    expect((await media(test.id, sha(FLOOR))).statusCode).toBe(401);
    // A stored picture no question of this test shows (the editor's upload above), and a made-up hash: 404.
    const author = await loginAs(t.app, 'author');
    await upload(author, 'gauge.png', PNG);
    expect((await media(test.id, sha(PNG), a.auth)).statusCode).toBe(404);
    expect((await media(test.id, 'f'.repeat(64), a.auth)).statusCode).toBe(404);
    expect((await media(test.id, 'not-a-hash', a.auth)).statusCode).toBe(400);

    // The review shows the question with its picture again, still through the candidate's own test.
    expect((await t.app.inject({ method: 'POST', url: `/api/practice/${test.id}/submit`, headers: a.auth, payload: {} })).statusCode).toBe(200);
    const review = (await t.app.inject({ url: `/api/practice/${test.id}/review`, headers: a.auth })).json();
    expect(review.items.find((i: { itemId: string }) => i.itemId === 'SAF-Q20').image).toEqual(pictured.image);
    expect((await media(test.id, sha(FLOOR), a.auth)).statusCode).toBe(200);
    expect((await media(test.id, sha(FLOOR), b.auth)).statusCode).toBe(404);
  });
});
