/**
 * #19 The paper booklet prints an item's pictures, not their alt text: a stem's SVG drawn as vector graphics (its
 * colours and its own text are on the rendered page) and an option's PNG embedded as an image (pdfimages lists it),
 * with the alt text kept as the Figure's alternative text in the tagged PDF. Read back with poppler.
 */
import { readFileSync } from 'node:fs';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTestApp, type TestApp } from '../helpers/build-app.ts';
import { pdfImages, pdfPixelCount, pdfText } from '../helpers/pdf-tools.ts';
import { scheduleSession } from '../helpers/session-fixture.ts';
import { DB_KINDS } from '../helpers/test-db.ts';

const GAUGE = new Uint8Array(readFileSync('item-bank/media/dial-gauge.svg'));
const GAUGE_ALT = 'A round pressure gauge marked 0 to 160 psi';
const SWATCH_ALT = 'A plain blue rectangle';

/** A 48 × 32 PNG of one saturated blue, a colour nothing else in the booklet uses. */
function blueSwatch(): Uint8Array {
  const png = new PNG({ width: 48, height: 32 });
  for (let i = 0; i < png.data.length; i += 4) png.data.set([0x10, 0x40, 0xf0, 0xff], i);
  return new Uint8Array(PNG.sync.write(png));
}

/** The Safety sample bank with the gauge under every stem and the swatch on every option A, so any form shows both. */
function pictureBank() {
  const bank = JSON.parse(readFileSync('item-bank/safety.json', 'utf8'));
  for (const item of bank.items) {
    item.image = { src: 'media/dial-gauge.svg', alt: GAUGE_ALT };
    item.options[0].image = { src: 'media/swatch.png', alt: SWATCH_ALT };
  }
  return { name: 'item-bank/safety.json', text: JSON.stringify(bank), files: new Map([['media/dial-gauge.svg', GAUGE], ['media/swatch.png', blueSwatch()]]) };
}

const red = (r: number, g: number, b: number) => r > 150 && g < 90 && b < 90;
const green = (r: number, g: number, b: number) => g > 100 && r < 90 && b < 130 && g - r > 50;
const blue = (r: number, g: number, b: number) => b > 180 && r < 60 && g < 110;

describe.each(DB_KINDS)('pictures in the paper booklet on %s', { timeout: 180_000 }, (kind) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await buildTestApp(kind, { sweeps: false });
    await t.services.itemBank.importSources(null, [pictureBank()]);
  }, 300_000);
  afterAll(() => t?.close());

  it('draws the SVG and embeds the PNG of each question, the alt text kept as the figure text', async () => {
    const s = await scheduleSession(t.app);
    const produced = await t.app.inject({ method: 'POST', url: `/api/sessions/${s.sessionId}/paper`, headers: s.proctor, payload: {} });
    expect(produced.statusCode, produced.body).toBe(200);
    const questions = produced.json().questions as number;
    const res = await t.app.inject({ url: `/api/sessions/${s.sessionId}/paper/booklet.pdf`, headers: s.proctor });
    expect(res.statusCode).toBe(200);
    const pdf = res.rawPayload;

    // The option's PNG is embedded as itself: one 48 × 32 RGB image (pdfkit embeds an identical image once a page).
    const images = pdfImages(pdf);
    expect(images.length).toBeGreaterThanOrEqual(questions);
    expect(images.every((i) => i.width === 48 && i.height === 32)).toBe(true);
    expect(new Set(images.map((i) => i.page)).size).toBe(questions);

    // Page 2 holds question 1: the gauge's green and red arcs and the swatch's blue are drawn; alt text alone draws
    // no colour at all. The gauge's own lettering ("psi") is text drawn from the SVG.
    expect(pdfPixelCount(pdf, 2, red)).toBeGreaterThan(50);
    expect(pdfPixelCount(pdf, 2, green)).toBeGreaterThan(50);
    expect(pdfPixelCount(pdf, 2, blue)).toBeGreaterThan(200);
    const page2 = pdfText(pdf, 2);
    expect(page2).toMatch(/\bpsi\b/);
    expect(page2).toContain('HYDRAULIC PRESSURE');
    expect(page2).not.toContain('[Picture:');
    expect(page2).not.toContain(GAUGE_ALT);
    // The cover has no picture.
    expect(pdfPixelCount(pdf, 1, red) + pdfPixelCount(pdf, 1, blue)).toBe(0);

    // The alt text is each Figure's /Alt in the structure tree (what a screen reader or reading aid says).
    const raw = pdf.toString('latin1');
    expect(raw.split('/S /Figure').length - 1).toBe(questions * 2);
    expect(raw).toContain(`/Alt (${GAUGE_ALT})`);
    expect(raw).toContain(`/Alt (${SWATCH_ALT})`);
  });
});
