/**
 * Text of an uploaded JSON, CSV or XML file, decoded the same way in the browser (for the preview) and on the server:
 * UTF-8 with or without a BOM, or UTF-16 with its BOM as Excel's "Unicode text" writes it. Null when the bytes are
 * not valid in that encoding.
 */
export function decodeText(bytes: Uint8Array): string | null {
  try {
    if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le', { fatal: true }).decode(bytes.subarray(2));
    if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be', { fatal: true }).decode(bytes.subarray(2));
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes).replace(/^\uFEFF/, '');
  } catch {
    return null;
  }
}
