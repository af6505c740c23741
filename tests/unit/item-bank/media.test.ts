/**
 * Images in items, pure parts: what an image must be (PNG/JPEG by magic bytes, SVG with nothing active in it), how an
 * import resolves image paths to content hashes, and the QTI round trip with images (same items, same bytes).
 */
import { createHash } from 'node:crypto';
import { unzipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { itemSchema, type BankFile, type Item } from '../../../shared/item-bank-format.ts';
import { emptySnapshot } from '../../../server/src/modules/item-bank/domain/bank-snapshot.ts';
import { validateBankSources } from '../../../server/src/modules/item-bank/domain/bank-validation.ts';
import { checkImage, MAX_RASTER_BYTES, sniffMediaType } from '../../../server/src/modules/item-bank/domain/media-check.ts';
import { exportQtiPackage } from '../../../server/src/modules/item-bank/domain/qti-export.ts';
import { convertUpload } from '../../../server/src/modules/item-bank/domain/upload-conversion.ts';

const enc = (s: string) => new TextEncoder().encode(s);
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const svg = (body: string, attrs = '') => enc(`<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" viewBox="0 0 10 10"${attrs}>${body}</svg>`);
export const PNG = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 73, 72, 68, 82, 1, 2, 3]);
const JPEG = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 16, 74, 70, 73, 70]);

describe('checkImage', () => {
  it('recognises PNG and JPEG by their magic bytes, whatever the file is called', () => {
    expect(sniffMediaType(PNG)).toBe('image/png');
    expect(checkImage(PNG, 'photo.jpg')).toEqual({ ok: true, mediaType: 'image/png' });
    expect(checkImage(JPEG, 'gauge.png')).toEqual({ ok: true, mediaType: 'image/jpeg' });
    expect(checkImage(enc('GIF89a....'), 'x.png')).toEqual({ ok: false, message: 'image "x.png" is not a PNG, JPEG or SVG file (its first bytes are no image signature)' });
    const big = new Uint8Array(MAX_RASTER_BYTES + 1);
    big.set(PNG);
    expect(checkImage(big, 'big.png')).toMatchObject({ ok: false, message: 'image "big.png" is 2048 KB; PNG and JPEG images may be at most 2048 KB' });
  });

  it('accepts a static SVG drawing, with internal references and url(#id)', () => {
    const ok = svg('<defs><linearGradient id="g"/></defs><rect width="5" height="5" fill="url(#g)" style="stroke: url(#g)"/><use xlink:href="#g"/><style>rect { fill: url(#g) }</style>');
    expect(checkImage(ok, 'ok.svg')).toEqual({ ok: true, mediaType: 'image/svg+xml' });
  });

  const malicious: [string, Uint8Array, string][] = [
    ['a script element', svg('<script>alert(1)</script>'), '<script> at 1:104 is not allowed in an image'],
    ['an event handler', svg('<rect onclick="alert(1)"/>'), 'has the event handler onclick'],
    ['an onload on the root', svg('', ' onload="alert(1)"'), 'has the event handler onload'],
    ['foreignObject', svg('<foreignObject><div xmlns="http://www.w3.org/1999/xhtml">x</div></foreignObject>'), '<foreignObject> at 1:104 is not allowed'],
    ['an external href', svg('<image href="https://evil.example/x.png"/>'), 'references "https://evil.example/x.png"'],
    ['a javascript: xlink:href', svg('<a xlink:href="javascript:alert(1)"><rect/></a>'), 'references "javascript:alert(1)"'],
    ['an embedded SVG data URI', svg('<image href="data:image/svg+xml;base64,PHN2Zz4="/>'), 'only "#id" and embedded PNG/JPEG data are allowed'],
    ['a style attribute loading a URL', svg('<rect style="fill: url(https://evil.example/x)"/>'), 'attribute style loads a URL'],
    ['a style element with @import', svg('<style>@import "https://evil.example/x.css";</style>'), 'loads a URL (url() or @import)'],
    ['a style element loading a URL', svg('<style>rect { background: url(//evil.example/x) }</style>'), 'loads a URL (url() or @import)'],
    ['animation that can set an href', svg('<a><set attributeName="href" to="javascript:alert(1)"/></a>'), '<set> at 1:107 is not allowed'],
    ['a DOCTYPE with entities', enc('<!DOCTYPE svg [<!ENTITY a "aaaa">]><svg xmlns="http://www.w3.org/2000/svg">&a;</svg>'), 'must not have a DOCTYPE'],
    ['an XHTML root', enc('<html xmlns="http://www.w3.org/1999/xhtml"><script>alert(1)</script></html>'), 'the root element is <html>, not <svg>'],
    ['broken XML', enc('<svg xmlns="http://www.w3.org/2000/svg"><rect></svg>'), 'not well-formed XML at 1:'],
  ];
  it.each(malicious)('refuses an SVG with %s', (_what, bytes, message) => {
    const r = checkImage(bytes, 'evil.svg');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.message).toContain(message);
  });
});

const item = (over: Partial<Item> = {}): Item =>
  itemSchema.parse({
    id: 'QPM-950',
    module: 'QPM',
    kwa: 'QPM-10',
    status: 'draft',
    stem: 'What does the gauge shown read?',
    options: [
      { id: 'A', text: '10 psi' },
      { id: 'B', text: '20 psi', image: { src: 'media/b.png', alt: 'A gauge reading 20 psi' } },
      { id: 'C', text: '30 psi' },
    ],
    key: 'B',
    rationale: 'The needle points at 20.',
    topics: [],
    image: { src: 'media/gauge.svg', alt: 'A dial gauge, needle at 20 psi' },
    ...over,
  });
const bankOf = (items: Item[]): BankFile => ({ formatVersion: 1, modules: [], blueprints: [], enemyGroups: [], items });
const source = (items: Item[], files: Record<string, Uint8Array>) => ({ name: 'bank.json', text: JSON.stringify(bankOf(items)), files: new Map(Object.entries(files)) });
const media = { sha256: sha, stored: new Set<string>() };
/** A bank that knows the QPM catalog, so the items themselves are valid. */
function qpmBank() {
  const snap = emptySnapshot();
  snap.modules.set('QPM', { code: 'QPM', title: 'Quality', required: true, catalogs: [{ version: 't1', kwas: [{ code: 'QPM-10', title: 'Measure', weight: 100 }] }] });
  return snap;
}
const GAUGE = svg('<circle cx="5" cy="5" r="4"/>');

describe('image paths in a bank file', () => {
  it('resolve to sha256 content hashes, with the bytes to store once', () => {
    const r = validateBankSources([source([item(), item({ id: 'QPM-951' })], { 'media/gauge.svg': GAUGE, 'media/b.png': PNG })], qpmBank(), media);
    expect(r.ok ? [] : r.problems).toEqual([]);
    if (!r.ok) return;
    expect(r.plan.items[0]!.item.image).toEqual({ src: `sha256:${sha(GAUGE)}`, alt: 'A dial gauge, needle at 20 psi' });
    expect(r.plan.items[0]!.item.options[1]!.image!.src).toBe(`sha256:${sha(PNG)}`);
    expect(r.plan.media.map((m) => [m.sha256, m.mediaType])).toEqual([
      [sha(GAUGE), 'image/svg+xml'],
      [sha(PNG), 'image/png'],
    ]);
  });

  it('match a file sent without its folder (a browser sends only the file name)', () => {
    const r = validateBankSources([source([item()], { 'gauge.svg': GAUGE, 'b.png': PNG })], qpmBank(), media);
    expect(r.ok && r.plan.items[0]!.item.image!.src).toBe(`sha256:${sha(GAUGE)}`);
  });

  it('report a missing file, a refused image, an unknown hash and missing alt text at their place', () => {
    const evil = svg('<script>alert(1)</script>');
    const r = validateBankSources(
      [source([item(), item({ id: 'QPM-951', image: { src: 'media/evil.svg', alt: 'x' } }), item({ id: 'QPM-952', image: { src: `sha256:${'0'.repeat(64)}`, alt: 'x' } })], { 'media/b.png': PNG, 'media/evil.svg': evil })],
      qpmBank(),
      media,
    );
    expect(r.ok ? [] : r.problems.map((p) => `${p.pointer}: ${p.message}`)).toEqual([
      '/items/0/image/src: image file "media/gauge.svg" is not in the upload; image paths are relative to the bank file',
      '/items/1/image/src: image "media/evil.svg": <script> at 1:104 is not allowed in an image (scripts, foreignObject, embedded documents and animation are refused)',
      `/items/2/image/src: image sha256:${'0'.repeat(64)} is not stored in the bank; give the file's path instead`,
    ]);
    expect(itemSchema.safeParse({ ...item(), image: { src: 'a.png', alt: ' ' } }).error?.issues[0]?.message).toBe('image alt text must not be empty');
    expect(itemSchema.safeParse({ ...item(), image: { src: 'a.png', alt: 'two\nlines' } }).error?.issues[0]?.message).toBe('image alt text must be one line, with single spaces between words');
    expect(itemSchema.safeParse({ ...item(), image: { src: '../secret.png', alt: 'x' } }).success).toBe(false);
    expect(itemSchema.safeParse({ ...item(), image: { src: 'https://example.org/x.png', alt: 'x' } }).success).toBe(false);
  });
});

describe('QTI export → import with images', () => {
  it('carries stored images as package files and gives back the same items and bytes', () => {
    const stored = new Map([
      [`sha256:${sha(GAUGE)}`, { mediaType: 'image/svg+xml', bytes: GAUGE }],
      [`sha256:${sha(PNG)}`, { mediaType: 'image/png', bytes: PNG }],
    ]);
    const original = item({ image: { src: `sha256:${sha(GAUGE)}`, alt: 'A dial gauge, needle at 20 psi' } });
    original.options[1]!.image = { src: `sha256:${sha(PNG)}`, alt: 'A gauge reading 20 psi' };
    const zip = exportQtiPackage(bankOf([original]), (src) => stored.get(src));
    const files = unzipSync(zip);
    expect(Object.keys(files)).toContain(`media/${sha(GAUGE)}.svg`);
    expect(Object.keys(files)).toContain(`media/${sha(PNG)}.png`);
    const xml = new TextDecoder().decode(files['items/QPM-950.xml']);
    expect(xml).toContain(`<p><img src="../media/${sha(GAUGE)}.svg" alt="A dial gauge, needle at 20 psi"/></p>`);
    expect(xml).toContain(`20 psi <img src="../media/${sha(PNG)}.png" alt="A gauge reading 20 psi"/></qti-simple-choice>`);
    expect(new TextDecoder().decode(files['imsmanifest.xml'])).toContain(`<file href="media/${sha(GAUGE)}.svg"/>`);

    // Import the package as an upload: the images resolve to the same hashes, so the item is the same item.
    const upload = convertUpload({ name: 'export.zip', bytes: zip });
    expect(upload.problems).toEqual([]);
    const r = validateBankSources(upload.sources, qpmBank(), media);
    expect(r.ok ? [] : r.problems).toEqual([]);
    if (!r.ok) return;
    expect(r.plan.items[0]!.item).toEqual(original);
    const bytes = new Map(r.plan.media.map((m) => [m.sha256, m.bytes]));
    expect(Buffer.from(bytes.get(sha(GAUGE))!).equals(Buffer.from(GAUGE))).toBe(true);
    expect(Buffer.from(bytes.get(sha(PNG))!).equals(Buffer.from(PNG))).toBe(true);
  });

  it('refuses to export an image it has no bytes for', () => {
    expect(() => exportQtiPackage(bankOf([item({ image: { src: `sha256:${'1'.repeat(64)}`, alt: 'x' } })]))).toThrow(`item QPM-950: image sha256:${'1'.repeat(64)} has no stored bytes to export`);
  });
});
