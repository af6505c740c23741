/**
 * What an image must be before the bank stores it (docs/item-bank-format.md, "Images"): PNG or JPEG recognised by
 * their magic bytes (never by the file name), or SVG that is well-formed XML with nothing active in it. An SVG with
 * a script, an event handler, foreignObject, animation, an external reference or a style that loads a URL is refused,
 * not rewritten: the bytes an author uploads are the bytes a candidate gets, so a QTI round trip keeps them exactly.
 * The server serves SVG with `Content-Security-Policy: default-src 'none'; style-src 'unsafe-inline'` as a second
 * fence. Pure.
 */
import { decodeXmlBytes, descendants, parseXml, textContent, XmlEncodingError, XmlSyntaxError } from './xml-reader.ts';
import { sniffFileType } from '../../../../../shared/file-signature.ts';

export const MEDIA_TYPES = ['image/png', 'image/jpeg', 'image/svg+xml'] as const;
export type MediaType = (typeof MEDIA_TYPES)[number];

/** Size limits: a diagram on an exam screen never needs more. */
export const MAX_RASTER_BYTES = 2 * 1024 * 1024;
export const MAX_SVG_BYTES = 512 * 1024;

export const EXTENSION: Record<MediaType, string> = { 'image/png': 'png', 'image/jpeg': 'jpg', 'image/svg+xml': 'svg' };

const SVG_NS = 'http://www.w3.org/2000/svg';
const XLINK_NS = 'http://www.w3.org/1999/xlink';
/** Elements that run code, embed other documents or change attributes over time (an animated href is a link). */
const REFUSED_ELEMENTS = new Set(['script', 'foreignobject', 'iframe', 'embed', 'object', 'audio', 'video', 'animate', 'animatemotion', 'animatetransform', 'set', 'handler', 'listener']);

export type ImageCheck = { ok: true; mediaType: MediaType } | { ok: false; message: string };

export function sniffMediaType(bytes: Uint8Array): 'image/png' | 'image/jpeg' | null {
  const type = sniffFileType(bytes);
  return type === 'image/png' || type === 'image/jpeg' ? type : null;
}

const kib = (n: number) => `${Math.round(n / 1024)} KB`;

/** Checks an image file; `name` is only for messages and to recognise an SVG. */
export function checkImage(bytes: Uint8Array, name: string): ImageCheck {
  const raster = sniffMediaType(bytes);
  if (raster) {
    if (bytes.length > MAX_RASTER_BYTES) return { ok: false, message: `image "${name}" is ${kib(bytes.length)}; PNG and JPEG images may be at most ${kib(MAX_RASTER_BYTES)}` };
    return { ok: true, mediaType: raster };
  }
  const head = new TextDecoder('utf-8').decode(bytes.subarray(0, 256)).replace(/^\uFEFF/, '').trimStart();
  if (!/\.svg$/i.test(name) && !head.startsWith('<')) {
    return { ok: false, message: `image "${name}" is not a PNG, JPEG or SVG file (its first bytes are no image signature)` };
  }
  if (bytes.length > MAX_SVG_BYTES) return { ok: false, message: `image "${name}" is ${kib(bytes.length)}; SVG images may be at most ${kib(MAX_SVG_BYTES)}` };
  const problem = svgProblem(bytes);
  return problem ? { ok: false, message: `image "${name}": ${problem}` } : { ok: true, mediaType: 'image/svg+xml' };
}

/** Why an SVG is refused, or null when it is static drawing only. */
export function svgProblem(bytes: Uint8Array): string | null {
  let text: string;
  try {
    text = decodeXmlBytes(bytes);
  } catch (e) {
    if (e instanceof XmlEncodingError) return `not readable as XML text: ${e.message}`;
    throw e;
  }
  // A DOCTYPE can declare entities (expansion bombs, external files); a drawing needs none.
  if (/<!DOCTYPE/i.test(text)) return 'an SVG must not have a DOCTYPE (entities are refused)';
  if (/<\?xml-stylesheet/i.test(text)) return 'an SVG must not load a stylesheet (<?xml-stylesheet?>)';
  let root;
  try {
    root = parseXml(text);
  } catch (e) {
    if (e instanceof XmlSyntaxError) return `not well-formed XML at ${e.line}:${e.column}: ${e.message}`;
    throw e;
  }
  if (root.local !== 'svg' || root.ns !== SVG_NS) return `the root element is <${root.name}>, not <svg> in the SVG namespace (${SVG_NS})`;
  for (const el of [root, ...descendants(root)]) {
    const where = `<${el.name}> at ${el.line}:${el.column}`;
    if (REFUSED_ELEMENTS.has(el.local.toLowerCase())) return `${where} is not allowed in an image (scripts, foreignObject, embedded documents and animation are refused)`;
    if (el.local === 'style' && /url\s*\(|@import/i.test(textContent(el)) && !onlyFragmentUrls(textContent(el))) return `${where} loads a URL (url() or @import); only url(#id) is allowed`;
    for (const a of el.attributes) {
      const name = a.local.toLowerCase();
      if (name.startsWith('on')) return `${where} has the event handler ${a.name}; scripts are refused`;
      if (name === 'href' && (a.ns === XLINK_NS || a.ns === '')) {
        const v = a.value.trim();
        if (!v.startsWith('#') && !/^data:image\/(png|jpeg);base64,/i.test(v)) return `${where} references "${v.slice(0, 80)}"; only "#id" and embedded PNG/JPEG data are allowed`;
      }
      if ((name === 'style' || /url\s*\(/i.test(a.value)) && /url\s*\(|@import/i.test(a.value) && !onlyFragmentUrls(a.value)) {
        return `${where} attribute ${a.name} loads a URL; only url(#id) is allowed`;
      }
    }
  }
  return null;
}

function onlyFragmentUrls(css: string): boolean {
  if (/@import/i.test(css)) return false;
  const urls = [...css.matchAll(/url\s*\(\s*(['"]?)([^'")]*)\1\s*\)/gi)].map((m) => m[2]!.trim());
  return urls.length > 0 && urls.every((u) => u.startsWith('#')) && (css.match(/url\s*\(/gi)?.length ?? 0) === urls.length;
}
