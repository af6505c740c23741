/**
 * What every PDF the program issues shares: embedded open-licence fonts (server/assets/fonts, SIL OFL 1.1), a tagged
 * structure (PDF/UA style: headings, paragraphs, tables and figures with alternative text; decoration marked as
 * artifacts), document metadata, and QR codes drawn as vector squares.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type PDFDocumentClass from 'pdfkit';
import QRCode from 'qrcode';
import type SVGtoPDFFunction from 'svg-to-pdfkit';

const FONT_DIR = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../assets/fonts');
const FONT_FILES = {
  sans: 'LiberationSans-Regular.ttf',
  sansBold: 'LiberationSans-Bold.ttf',
  serifBold: 'LiberationSerif-Bold.ttf',
  serifItalic: 'LiberationSerif-Italic.ttf',
} as const;
export type FontName = keyof typeof FONT_FILES;
let fontCache: Record<FontName, Buffer> | undefined;
const fonts = () => (fontCache ??= Object.fromEntries(Object.entries(FONT_FILES).map(([k, f]) => [k, readFileSync(path.join(FONT_DIR, f))])) as Record<FontName, Buffer>);

export const COLORS = { navy: '#0b2545', ink: '#1b1b1b', muted: '#555555', rule: '#c8ced6', gold: '#a77d1c', pass: '#1e6b35', fail: '#a12a1f', hold: '#8a5a00', band: '#b7c9e2', panel: '#f3f6fa' };

export type Tagged = PDFKit.PDFDocument;
type Child = PDFKit.PDFStructureElementChild;

/** A tagged document: `add` appends structure to the document root; `artifact` draws decoration screen readers skip. */
export interface DocWriter {
  doc: Tagged;
  root: PDFKit.PDFStructureElement;
  font(name: FontName, size: number): Tagged;
  el(tag: string, draw: () => void, options?: { alt?: string; lang?: string }): PDFKit.PDFStructureElement;
  group(tag: string, children: Child[], options?: { alt?: string }): PDFKit.PDFStructureElement;
  add(el: PDFKit.PDFStructureElement): void;
  artifact(draw: () => void): void;
}

export interface PdfMeta {
  title: string;
  subject: string;
  keywords?: string;
  size: [number, number] | 'LETTER';
  layout?: 'portrait' | 'landscape';
  margin?: number;
}

// pdfkit (with fontkit and its decompressed Unicode tables) is loaded on the first PDF, not at start-up: in a start-up
// profile they took about 0.15 s of CPU, and most processes never make a PDF.
let pdfkit: Promise<{ default: typeof PDFDocumentClass }> | undefined;
// svg-to-pdfkit (MIT) draws an SVG as PDF vector paths and text; loaded with the first PDF that shows a picture.
let svgToPdf: Promise<{ default: typeof SVGtoPDFFunction }> | undefined;
let svgRenderer: typeof SVGtoPDFFunction | undefined;

export async function renderPdf(meta: PdfMeta, draw: (w: DocWriter) => void | Promise<void>, options: { pictures?: boolean } = {}): Promise<Buffer> {
  const { default: PDFDocument } = await (pdfkit ??= import('pdfkit') as Promise<{ default: typeof PDFDocumentClass }>);
  if (options.pictures) svgRenderer ??= (await (svgToPdf ??= import('svg-to-pdfkit') as Promise<{ default: typeof SVGtoPDFFunction }>)).default;
  return new Promise((resolve, reject) => {
    const doc = new PDFDocument({
      size: meta.size,
      layout: meta.layout ?? 'portrait',
      // A small bottom margin: footers are placed by hand near the foot of the page and must not spill onto a new one.
      margins: { top: meta.margin ?? 54, left: meta.margin ?? 54, right: meta.margin ?? 54, bottom: 12 },
      autoFirstPage: true,
      pdfVersion: '1.7',
      tagged: true,
      lang: 'en-US',
      displayTitle: true,
      info: { Title: meta.title, Subject: meta.subject, Author: 'CPT Certification Program', Creator: 'cpt-exam', Producer: 'cpt-exam', Keywords: meta.keywords ?? 'CPT 4.0' },
    });
    const chunks: Buffer[] = [];
    doc.on('data', (c: Buffer) => chunks.push(c));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    for (const [name, data] of Object.entries(fonts())) doc.registerFont(name, data);
    doc.font('sans');
    const root = doc.struct('Document');
    doc.addStructure(root);
    const w: DocWriter = {
      doc,
      root,
      font: (name, size) => doc.font(name).fontSize(size),
      el: (tag, fn, options) => doc.struct(tag, options ?? {}, fn),
      group: (tag, children, options) => doc.struct(tag, options ?? {}, children),
      add: (el) => {
        root.add(el);
        el.end();
      },
      artifact: (fn) => {
        doc.markContent('Artifact', { type: 'Layout' });
        fn();
        doc.endMarkedContent();
      },
    };
    Promise.resolve(draw(w))
      .then(() => {
        root.end();
        doc.end();
      })
      .catch(reject);
  });
}

/** Draws a QR code (error correction M, quiet zone included) with its top-left at (x, y) and side `size`. */
export function drawQr(doc: Tagged, text: string, x: number, y: number, size: number, color = '#000000'): void {
  const qr = QRCode.create(text, { errorCorrectionLevel: 'M' });
  const n = qr.modules.size;
  const quiet = 4;
  const cell = size / (n + quiet * 2);
  doc.save().rect(x, y, size, size).fill('#ffffff');
  doc.fillColor(color);
  for (let r = 0; r < n; r++) {
    let c = 0;
    while (c < n) {
      if (!qr.modules.data[r * n + c]) {
        c++;
        continue;
      }
      const start = c;
      while (c < n && qr.modules.data[r * n + c]) c++;
      // A hair of overlap keeps viewers from drawing seams between neighbouring squares.
      doc.rect(x + (quiet + start) * cell, y + (quiet + r) * cell, (c - start) * cell + 0.2, cell + 0.2);
    }
  }
  doc.fill().restore();
}

/** A stored item image to print: PNG and JPEG are embedded as they are, SVG is drawn as vector graphics. */
export interface Picture {
  mediaType: string;
  bytes: Uint8Array;
}

const SVG_ROOT = /<svg\b[^>]*>/i;
const attr = (tag: string, name: string) => new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`, 'i').exec(tag)?.slice(1).find((v) => v !== undefined);
const length = (v: string | undefined) => (v && /^\s*[\d.]+\s*(px)?\s*$/.test(v) ? Number.parseFloat(v) : undefined);

/**
 * Width over height of an SVG, from its root element's viewBox, else its width and height in user units; 4:3 when it
 * gives neither (a percentage size has no intrinsic ratio).
 */
export function svgAspect(svg: string): number {
  const root = SVG_ROOT.exec(svg)?.[0] ?? '';
  const box = attr(root, 'viewBox')?.trim().split(/[\s,]+/).map(Number);
  if (box?.length === 4 && box[2]! > 0 && box[3]! > 0) return box[2]! / box[3]!;
  const [w, h] = [length(attr(root, 'width')), length(attr(root, 'height'))];
  return w && h ? w / h : 4 / 3;
}

/** The size a picture is printed at: as large as fits in maxWidth × maxHeight, its proportions kept. */
export function pictureSize(doc: Tagged, pic: Picture, maxWidth: number, maxHeight: number): { width: number; height: number } {
  let aspect: number;
  if (pic.mediaType === 'image/svg+xml') aspect = svgAspect(Buffer.from(pic.bytes).toString('utf8'));
  else {
    // openImage is pdfkit's own (missing from its type definitions): it reads the image's size.
    const img = (doc as unknown as { openImage(src: Buffer): { width: number; height: number } }).openImage(Buffer.from(pic.bytes));
    aspect = img.width / img.height;
  }
  const width = Math.min(maxWidth, maxHeight * aspect);
  return { width, height: width / aspect };
}

/**
 * Draws a picture into the box (x, y, width, height) from pictureSize. An SVG's fonts map onto the embedded ones, and
 * an <image> inside it is drawn only from a data: URI: the media check already refuses external references, and
 * svg-to-pdfkit would otherwise read a relative href from the server's disk.
 */
export function drawPicture(doc: Tagged, pic: Picture, x: number, y: number, width: number, height: number): void {
  if (pic.mediaType !== 'image/svg+xml') {
    doc.image(Buffer.from(pic.bytes), x, y, { width, height });
    return;
  }
  if (!svgRenderer) throw new Error('renderPdf({ pictures: true }) loads the SVG renderer');
  svgRenderer(doc as unknown as Parameters<typeof SVGtoPDFFunction>[0], Buffer.from(pic.bytes).toString('utf8'), x, y, {
    width,
    height,
    preserveAspectRatio: 'xMidYMid meet',
    fontCallback: (_family, bold) => (bold ? 'sansBold' : 'sans'),
    imageCallback: (link) => (/^data:image\/(png|jpeg);base64,/i.test(link) ? link.replace(/\s+/g, '') : ''),
  });
}

/** "2 March 2026, 14:05 CST (America/Chicago)": a date and time that names the zone it is in. */
export function formatInZone(iso: string | Date, timeZone: string): string {
  const d = typeof iso === 'string' ? new Date(iso) : iso;
  const date = new Intl.DateTimeFormat('en-GB', { timeZone, day: 'numeric', month: 'long', year: 'numeric' }).format(d);
  const time = new Intl.DateTimeFormat('en-US', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZoneName: 'short' }).format(d);
  return `${date}, ${time} (${timeZone})`;
}

/** "2 March 2026" from a civil date YYYY-MM-DD. */
export function formatCivilDate(date: string): string {
  const [y, m, d] = date.split('-').map(Number);
  return new Intl.DateTimeFormat('en-GB', { timeZone: 'UTC', day: 'numeric', month: 'long', year: 'numeric' }).format(new Date(Date.UTC(y!, m! - 1, d!)));
}
