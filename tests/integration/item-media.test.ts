/**
 * #19.1 Media in items, through HTTP and the candidate socket on PGlite and PostgreSQL: a candidate gets the images of
 * the items on their own in-progress form and nothing else (another candidate, an anonymous caller, a paused or ended
 * session: 401/403/404); staff fetch any image of the bank; a malicious SVG is refused at upload; the QTI export of a
 * bank with images imports back as the same items and the same bytes.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, loginAs, type TestApp } from '../helpers/build-app.ts';
import { ExamClient } from '../helpers/exam-client.ts';
import { startedSession } from '../helpers/session-fixture.ts';
import { DB_KINDS } from '../helpers/test-db.ts';

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const TAG = new Uint8Array(readFileSync('item-bank/media/lockout-tag.svg'));
const SIGN = new Uint8Array(readFileSync('item-bank/media/hearing-sign.svg'));
/** A PNG signature and header start: enough for the magic-byte check, which is all the server reads of a PNG. */
const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 73, 72, 68, 82, 0, 0, 0, 1, 0, 0, 0, 1, 8, 6, 0, 0, 0]);

/**
 * The Safety sample bank with a picture on every item (so any assembled form shows it) and on every option A; the
 * hearing-sign item is a draft, never on a form, so its image is the bank's but no candidate's.
 */
function pictureBank() {
  const bank = JSON.parse(readFileSync('item-bank/safety.json', 'utf8'));
  for (const item of bank.items) {
    item.image = { src: 'media/lockout-tag.svg', alt: 'A lockout tag reading DANGER, DO NOT OPERATE' };
    item.options[0].image = { src: 'media/dot.png', alt: 'A one-pixel test picture' };
  }
  const sign = JSON.parse(readFileSync('item-bank/diagrams.json', 'utf8')).items.find((i: { id: string }) => i.id === 'SAF-164');
  bank.items.push({ ...sign, status: 'draft' });
  return {
    name: 'item-bank/safety.json',
    text: JSON.stringify(bank),
    files: new Map([
      ['media/lockout-tag.svg', TAG],
      ['media/hearing-sign.svg', SIGN],
      ['media/dot.png', PNG],
    ]),
  };
}

describe.each(DB_KINDS)('images in items on %s', (kind) => {
  let t: TestApp;
  let base: string;
  beforeAll(async () => {
    t = await buildTestApp(kind, { sweeps: false });
    await t.services.itemBank.importSources(null, [pictureBank()]);
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = `http://127.0.0.1:${(t.app.server.address() as AddressInfo).port}`;
  });
  afterAll(() => t?.close());

  const media = (sessionId: string, hash: string, headers?: { cookie: string }) => t.app.inject({ url: `/api/sessions/${sessionId}/media/${hash}`, ...(headers ? { headers } : {}) });

  it('gives the candidate the images of their in-progress form, private and uncached, SVG under a no-script policy', async () => {
    const s = await startedSession(t.app);
    const c = await ExamClient.open(base, s.candidate);
    const snap = await c.hello(s.sessionId);
    c.close();
    const first = snap.items[0]!;
    // The browser gets the hash and the alt text, never a file path.
    expect(first.image).toEqual({ sha256: sha(TAG), alt: 'A lockout tag reading DANGER, DO NOT OPERATE' });
    expect(first.options.find((o) => o.image)?.image).toEqual({ sha256: sha(PNG), alt: 'A one-pixel test picture' });
    expect(JSON.stringify(snap)).not.toMatch(/media\/|sha256:/);

    const svg = await media(s.sessionId, sha(TAG), s.candidate);
    expect(svg.statusCode).toBe(200);
    expect(svg.headers['content-type']).toBe('image/svg+xml');
    expect(svg.headers['cache-control']).toBe('private, no-store');
    expect(svg.headers['x-content-type-options']).toBe('nosniff');
    expect(svg.headers['content-security-policy']).toBe("default-src 'none'; style-src 'unsafe-inline'");
    expect(Buffer.from(svg.rawPayload).equals(Buffer.from(TAG))).toBe(true);
    const png = await media(s.sessionId, sha(PNG), s.candidate);
    expect([png.statusCode, png.headers['content-type'], png.headers['cache-control']]).toEqual([200, 'image/png', 'private, no-store']);
    expect(Buffer.from(png.rawPayload).equals(Buffer.from(PNG))).toBe(true);

    // An image of the bank that no item of this form shows, and a made-up hash: not found.
    expect((await media(s.sessionId, sha(SIGN), s.candidate)).statusCode).toBe(404);
    expect((await media(s.sessionId, 'f'.repeat(64), s.candidate)).statusCode).toBe(404);
    expect((await media(s.sessionId, 'not-a-hash', s.candidate)).statusCode).toBe(400);
  });

  it('refuses another candidate, an anonymous caller and staff on the candidate route; staff use the bank route', async () => {
    const s = await startedSession(t.app);
    const other = await startedSession(t.app);
    expect((await media(s.sessionId, sha(TAG), other.candidate)).statusCode).toBe(404);
    expect((await media(s.sessionId, sha(TAG))).statusCode).toBe(401);
    expect((await media(s.sessionId, sha(TAG), s.proctor)).statusCode).toBe(403);
    expect((await media(s.sessionId, sha(TAG), s.admin)).statusCode).toBe(403);

    const author = await loginAs(t.app, 'author');
    const bank = await t.app.inject({ url: `/api/bank/media/${sha(SIGN)}`, headers: author });
    expect([bank.statusCode, bank.headers['content-type'], bank.headers['cache-control'], bank.headers['content-security-policy']]).toEqual([200, 'image/svg+xml', 'private, no-store', "default-src 'none'; style-src 'unsafe-inline'"]);
    expect((await t.app.inject({ url: `/api/bank/media/${sha(SIGN)}`, headers: s.candidate })).statusCode).toBe(403);
    expect((await t.app.inject({ url: `/api/bank/media/${sha(SIGN)}`, headers: s.proctor })).statusCode).toBe(403);
    expect((await t.app.inject({ url: `/api/bank/media/${'e'.repeat(64)}`, headers: author })).statusCode).toBe(404);
  });

  it('stops serving a paused session, serves it again on resume, and never after the exam ends', async () => {
    const s = await startedSession(t.app);
    expect((await media(s.sessionId, sha(TAG), s.candidate)).statusCode).toBe(200);
    const act = (what: string, payload: Record<string, string>) => t.app.inject({ method: 'POST', url: `/api/sessions/${s.sessionId}/${what}`, headers: s.proctor, payload });
    expect((await act('pause', { reason: 'fire alarm' })).statusCode).toBe(200);
    expect((await media(s.sessionId, sha(TAG), s.candidate)).statusCode).toBe(403);
    expect((await act('resume', { reason: 'all clear' })).statusCode).toBe(200);
    expect((await media(s.sessionId, sha(TAG), s.candidate)).statusCode).toBe(200);
    expect((await act('terminate', { category: 'other', note: 'test ended' })).statusCode).toBe(200);
    expect((await media(s.sessionId, sha(TAG), s.candidate)).statusCode).toBe(403);
  });

  it('refuses a malicious SVG at upload, naming the file and the reason, and stores nothing', async () => {
    const author = await loginAs(t.app, 'author');
    const evil = new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg" onload="fetch(\'/api/auth/me\')"><rect width="5" height="5"/></svg>');
    const bank = JSON.parse(readFileSync('item-bank/safety.json', 'utf8'));
    const item = { ...bank.items.find((i: { id: string }) => i.id === 'SAF-001'), id: 'SAF-990', image: { src: 'media/evil.svg', alt: 'A picture' } };
    const upload = (files: { name: string; bytes: Uint8Array }[]) =>
      t.app.inject({ method: 'POST', url: '/api/bank/upload', headers: author, payload: { dryRun: false, files: files.map((f) => ({ name: f.name, base64: Buffer.from(f.bytes).toString('base64') })) } });
    const json = new TextEncoder().encode(JSON.stringify({ formatVersion: 1, items: [item] }, null, 2));
    const refused = await upload([{ name: 'new.json', bytes: json }, { name: 'media/evil.svg', bytes: evil }]);
    expect(refused.statusCode).toBe(400);
    expect(refused.json().problems).toEqual([expect.objectContaining({ file: 'new.json', pointer: '/items/0/image/src', message: 'image "media/evil.svg": <svg> at 1:1 has the event handler onload; scripts are refused' })]);
    expect((await t.app.inject({ url: `/api/bank/media/${sha(evil)}`, headers: author })).statusCode).toBe(404);

    // The same upload with a clean drawing imports, the image stored by its hash.
    const clean = new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="5" height="5"/></svg>');
    const ok = await upload([{ name: 'new.json', bytes: json }, { name: 'media/evil.svg', bytes: clean }]);
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ changed: true, items: [{ id: 'SAF-990', change: 'new' }], assets: ['media/evil.svg'] });
    const stored = (await t.app.inject({ url: '/api/bank/items?module=SAF', headers: author })).json().find((i: { id: string }) => i.id === 'SAF-990');
    expect(stored.content.image).toEqual({ src: `sha256:${sha(clean)}`, alt: 'A picture' });
    expect((await t.app.inject({ url: `/api/bank/media/${sha(clean)}`, headers: author })).statusCode).toBe(200);
  });

  it('exports the bank as QTI with its images and imports it back as the same items and bytes', async () => {
    const admin = await loginAs(t.app, 'admin');
    const zip = await t.app.inject({ url: '/api/bank/export.zip?module=SAF', headers: admin });
    expect(zip.statusCode).toBe(200);
    const before = (await t.app.inject({ url: '/api/bank/export?module=SAF', headers: admin })).json();
    const back = await t.app.inject({ method: 'POST', url: '/api/bank/upload', headers: admin, payload: { dryRun: false, files: [{ name: 'saf-qti3.zip', base64: zip.rawPayload.toString('base64') }] } });
    expect(back.statusCode).toBe(200);
    // Every item unchanged: same text, same options and the same image hashes, so the same bytes.
    expect(back.json().summary).toMatchObject({ itemsNew: 0, itemsChanged: 0, itemsStatusChanged: 0 });
    expect(back.json().changed).toBe(false);
    expect((await t.app.inject({ url: '/api/bank/export?module=SAF', headers: admin })).json()).toEqual(before);
    const pictured = before.items.find((i: { id: string }) => i.id === 'SAF-001');
    expect(pictured.image.src).toBe(`sha256:${sha(TAG)}`);
    const bytes = await t.app.inject({ url: `/api/bank/media/${sha(TAG)}`, headers: admin });
    expect(Buffer.from(bytes.rawPayload).equals(Buffer.from(TAG))).toBe(true);
  });
});
