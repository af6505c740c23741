/**
 * Reading the PDFs the platform issues the way a person (or a scanner) would: page text with pdftotext, fonts with
 * pdffonts, page size and tagging with pdfinfo, and page 1 rendered by pdftoppm with its QR code decoded by jsQR.
 * Poppler (Debian's poppler-utils) is installed by scripts/test.mjs where it can be.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import jsQR from 'jsqr';
import { PNG } from 'pngjs';

function withFile<T>(pdf: Buffer, fn: (file: string, dir: string) => T): T {
  const dir = mkdtempSync(path.join(tmpdir(), 'cpt-pdf-'));
  try {
    const file = path.join(dir, 'doc.pdf');
    writeFileSync(file, pdf);
    return fn(file, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const pdfText = (pdf: Buffer, page = 1) => withFile(pdf, (f) => execFileSync('pdftotext', ['-layout', '-f', String(page), '-l', String(page), f, '-'], { encoding: 'utf8' }));
export const pdfFonts = (pdf: Buffer) => withFile(pdf, (f) => execFileSync('pdffonts', [f], { encoding: 'utf8' }));
export const pdfInfo = (pdf: Buffer) => withFile(pdf, (f) => execFileSync('pdfinfo', [f], { encoding: 'utf8' }));

/** Renders page 1 at `dpi` and decodes the QR codes on it (the first one found). */
export function pdfQr(pdf: Buffer, dpi = 200): string | null {
  return withFile(pdf, (f, dir) => {
    execFileSync('pdftoppm', ['-png', '-r', String(dpi), '-f', '1', '-l', '1', '-singlefile', f, path.join(dir, 'page')]);
    const png = PNG.sync.read(readFileSync(path.join(dir, 'page.png')));
    return jsQR(new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.length), png.width, png.height)?.data ?? null;
  });
}

/** Renders page `page` at `dpi` as RGBA pixels (for reading bubbles the way a scanner does). */
export function pdfPixels(pdf: Buffer, page = 1, dpi = 100): { width: number; height: number; dark(xPt: number, yPt: number, rPt?: number): number } {
  return withFile(pdf, (f, dir) => {
    execFileSync('pdftoppm', ['-png', '-r', String(dpi), '-f', String(page), '-l', String(page), '-singlefile', f, path.join(dir, 'page')]);
    const png = PNG.sync.read(readFileSync(path.join(dir, 'page.png')));
    const scale = dpi / 72;
    return {
      width: png.width,
      height: png.height,
      /** The share of dark pixels in the square of half-side rPt points around (xPt, yPt), PDF points from the top left. */
      dark(xPt, yPt, rPt = 3) {
        let dark = 0;
        let all = 0;
        for (let y = Math.round((yPt - rPt) * scale); y <= Math.round((yPt + rPt) * scale); y++) {
          for (let x = Math.round((xPt - rPt) * scale); x <= Math.round((xPt + rPt) * scale); x++) {
            const i = (y * png.width + x) * 4;
            all++;
            if (png.data[i]! + png.data[i + 1]! + png.data[i + 2]! < 3 * 100) dark++;
          }
        }
        return dark / all;
      },
    };
  });
}

/** The raster images embedded in a PDF, from `pdfimages -list` (page, type, width, height, colour, bits per component). */
export function pdfImages(pdf: Buffer): { page: number; type: string; width: number; height: number; color: string; bpc: number }[] {
  const out = withFile(pdf, (f) => execFileSync('pdfimages', ['-list', f], { encoding: 'utf8' }));
  return out
    .split('\n')
    .slice(2)
    .filter((l) => l.trim())
    .map((l) => l.trim().split(/\s+/))
    .map((c) => ({ page: Number(c[0]), type: c[2]!, width: Number(c[3]), height: Number(c[4]), color: c[5]!, bpc: Number(c[7]) }));
}

/** How many pixels of page `page` (rendered at `dpi`) satisfy `test(r, g, b)`: e.g. the saturated colours of a picture. */
export function pdfPixelCount(pdf: Buffer, page: number, test: (r: number, g: number, b: number) => boolean, dpi = 50): number {
  return withFile(pdf, (f, dir) => {
    execFileSync('pdftoppm', ['-png', '-r', String(dpi), '-f', String(page), '-l', String(page), '-singlefile', f, path.join(dir, 'page')]);
    const png = PNG.sync.read(readFileSync(path.join(dir, 'page.png')));
    let n = 0;
    for (let i = 0; i < png.data.length; i += 4) if (test(png.data[i]!, png.data[i + 1]!, png.data[i + 2]!)) n++;
    return n;
  });
}
