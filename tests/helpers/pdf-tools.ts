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
