/**
 * Open Badges 3.0 baking (§ "Baked Badge"): the signed credential (a VC-JWT compact JWS) travels inside the badge
 * image. PNG: one uncompressed iTXt chunk with keyword "openbadgecredential", before IEND. SVG: an
 * xmlns:openbadges attribute on <svg> and, directly after it, <openbadges:credential verify="JWS"/>. Both replace a
 * credential already baked in. Pure.
 */

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
export const PNG_KEYWORD = 'openbadgecredential';
export const OB_SVG_NAMESPACE = 'https://purl.imsglobal.org/ob/v3p0';

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

interface Chunk {
  type: string;
  data: Uint8Array;
}

function readChunks(png: Uint8Array): Chunk[] {
  if (png.length < 8 || PNG_SIGNATURE.some((b, i) => png[i] !== b)) throw new Error('not a PNG file (bad signature)');
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const chunks: Chunk[] = [];
  let at = 8;
  while (at + 12 <= png.length) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(...png.subarray(at + 4, at + 8));
    if (at + 12 + length > png.length) throw new Error(`PNG chunk ${type} at byte ${at} runs past the end of the file`);
    chunks.push({ type, data: png.subarray(at + 8, at + 8 + length) });
    at += 12 + length;
    if (type === 'IEND') return chunks;
  }
  throw new Error('PNG file has no IEND chunk');
}

function writeChunk(c: Chunk): Uint8Array {
  const out = new Uint8Array(12 + c.data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, c.data.length);
  const typeBytes = Uint8Array.from(c.type, (ch) => ch.charCodeAt(0));
  out.set(typeBytes, 4);
  out.set(c.data, 8);
  const crcInput = new Uint8Array(4 + c.data.length);
  crcInput.set(typeBytes, 0);
  crcInput.set(c.data, 4);
  view.setUint32(8 + c.data.length, crc32(crcInput));
  return out;
}

const utf8 = new TextEncoder();
const fromUtf8 = new TextDecoder('utf-8', { fatal: true });

function iTXtKeyword(data: Uint8Array): string {
  const end = data.indexOf(0);
  return String.fromCharCode(...data.subarray(0, end < 0 ? data.length : end));
}

/** Bakes text (the compact JWS) into a PNG, replacing any credential baked before. */
export function bakePng(png: Uint8Array, text: string): Uint8Array {
  const chunks = readChunks(png).filter((c) => !(c.type === 'iTXt' && iTXtKeyword(c.data) === PNG_KEYWORD));
  // keyword \0, compression flag 0, compression method 0, empty language tag \0, empty translated keyword \0, text.
  const head = utf8.encode(PNG_KEYWORD);
  const body = utf8.encode(text);
  const data = new Uint8Array(head.length + 5 + body.length);
  data.set(head, 0);
  data.set(body, head.length + 5);
  const iend = chunks.length - 1;
  const parts = [Uint8Array.from(PNG_SIGNATURE), ...chunks.slice(0, iend).map(writeChunk), writeChunk({ type: 'iTXt', data }), writeChunk(chunks[iend]!)];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The credential baked into a PNG, or null (what a badge reader does). */
export function extractPng(png: Uint8Array): string | null {
  for (const c of readChunks(png)) {
    if (c.type !== 'iTXt' || iTXtKeyword(c.data) !== PNG_KEYWORD) continue;
    let at = PNG_KEYWORD.length + 1;
    if (c.data[at] !== 0) throw new Error('the baked credential is compressed, which Open Badges 3.0 forbids');
    at += 2;
    at = c.data.indexOf(0, at) + 1; // language tag
    at = c.data.indexOf(0, at) + 1; // translated keyword
    return fromUtf8.decode(c.data.subarray(at));
  }
  return null;
}

const escapeAttr = (s: string) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;');

/** Bakes a compact JWS into an SVG document (the verify attribute form for VC-JWT). */
export function bakeSvg(svg: string, jws: string): string {
  const cleaned = svg.replace(/<openbadges:credential\b[^>]*?(\/>|>[\s\S]*?<\/openbadges:credential>)\s*/g, '');
  const open = /<svg\b[^>]*>/.exec(cleaned);
  if (!open) throw new Error('not an SVG document (no <svg> element)');
  let tag = open[0];
  if (!/\sxmlns:openbadges=/.test(tag)) tag = tag.replace(/^<svg\b/, `<svg xmlns:openbadges="${OB_SVG_NAMESPACE}"`);
  return cleaned.slice(0, open.index) + tag + `<openbadges:credential verify="${escapeAttr(jws)}"></openbadges:credential>` + cleaned.slice(open.index + open[0].length);
}

export function extractSvg(svg: string): string | null {
  const m = /<openbadges:credential\b[^>]*\bverify="([^"]*)"/.exec(svg);
  return m ? m[1]!.replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&amp;/g, '&') : null;
}
